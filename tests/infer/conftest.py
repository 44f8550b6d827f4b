"""Data and helpers shared by the tests of `modelplate infer` (`modelplate.infer`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import modelplate
from modelplate.cli import main
from modelplate.infer import write_inferred_spec


def inferred(tmp_path: Path, frame: pd.DataFrame, target: str, **kwargs):
    """Infer a spec from `frame` (written as CSV), check it and load it."""
    data = tmp_path / kwargs.pop("filename", "data.csv")
    if data.suffix == ".parquet":
        frame.to_parquet(data)
    else:
        frame.to_csv(data, index=False)
    spec_path = tmp_path / "spec.yaml"
    write_inferred_spec(data, target, spec_path, **kwargs)
    checked = modelplate.check(spec_path)
    return checked.spec, spec_path.read_text(encoding="utf-8"), data


@pytest.fixture(name="inferred", scope="session")
def inferred_fixture():
    return inferred


@pytest.fixture
def infer_fails(capsys):
    """Run `modelplate infer ARGV`, expect exit 1 and each fragment in the message."""

    def expect(argv, *fragments):
        assert main(["infer", *argv]) == 1
        err = capsys.readouterr().err
        assert err.startswith("modelplate: ")
        for fragment in fragments:
            assert fragment in err, err
        return err

    return expect


# -- a data set that ships with scikit-learn ----------------------------------------------
@pytest.fixture(scope="session")
def iris() -> pd.DataFrame:
    from sklearn.datasets import load_iris

    bunch = load_iris(as_frame=True)
    frame = bunch.frame.drop(columns="target")
    frame["species"] = bunch.target_names[bunch.target]
    return frame


# -- a hand-made frame with one column of each awkward kind ------------------------------
@pytest.fixture(scope="session")
def customers() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 300
    tenure = rng.integers(0, 72, n)
    charges = np.round(rng.uniform(18, 120, n), 2)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in rng.choice(999_999, n, replace=False)],
            "row_number": np.arange(1001, 1001 + n),
            "tenure_months": tenure,
            "Monthly Charges ($)": charges,
            "total_charges": pd.Series(charges * tenure).where(rng.random(n) > 0.1),
            "class": rng.choice(["gold", "silver", "bronze"], n, p=[0.2, 0.3, 0.5]),
            "1st_value": rng.normal(0, 1, n),
            "Total Score": rng.integers(-50, 50, n),
            "total-score": rng.integers(0, 10, n),
            "plan": pd.Series(
                rng.choice(["yes", "no", "on", "1.5", "null-ish"], n)
            ).where(rng.random(n) > 0.2),
            "signup_date": pd.date_range("2020-01-01", periods=n, freq="D").strftime(
                "%Y-%m-%d"
            ),
            "last_seen": pd.date_range("2024-01-01 10:00", periods=n, freq="37min"),
            "comment": [f"free text {i}" for i in range(n)],
            "paperless": rng.choice([True, False], n),
            "flag": pd.Series(rng.choice([True, False], n))
            .astype(object)
            .where(rng.random(n) > 0.2),
            "churned": rng.choice(["Yes", "No"], n, p=[0.3, 0.7]),
        }
    )


@pytest.fixture(scope="session")
def customer_spec(tmp_path_factory, customers):
    return inferred(tmp_path_factory.mktemp("customers"), customers, "churned")
