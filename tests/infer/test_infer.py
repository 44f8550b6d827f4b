"""`modelplate.infer`: specs inferred from data pass `check`, from the API and the CLI.

The tests of each rule sit next to the module that owns it (`test_columns.py`, ...).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from generated import run_generated

import modelplate
from modelplate import InferError
from modelplate.cli import main
from modelplate.infer import write_inferred_spec


# -- the wire_name key ------------------------------------------------------------------------
def test_two_fields_cannot_share_a_wire_name(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "spec_version: 1\nname: wires\ninputs:\n  fields:\n"
        '    a: {type: float, wire_name: "A b"}\n'
        '    b: {type: float, wire_name: "A b"}\n'
        "    c: {type: float}\n"
        "    d: {type: float, wire_name: c}\n"
        "model:\n  task: regression\n  target: {name: y, type: float}\n",
        encoding="utf-8",
    )
    with pytest.raises(modelplate.SpecError) as caught:
        modelplate.check(spec)
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 2
    assert (
        "inputs.fields.b.wire_name: field 'a' already reads the wire name 'A b'"
        in messages[0]
    )
    assert "spec.yaml:6:" in messages[0]
    assert "field 'c' already reads the wire name 'c'" in messages[1]


# -- the CLI and the API -------------------------------------------------------------------
def test_cli_prints_or_writes_and_refuses_to_overwrite(tmp_path, iris, capsys):
    data = tmp_path / "Iris Flowers.csv"
    iris.to_csv(data, index=False)
    assert main(["infer", str(data), "--target", "species"]) == 0
    printed = capsys.readouterr().out
    assert "name: iris-flowers" in printed

    output = tmp_path / "spec.yaml"
    assert main(["infer", str(data), "--target", "species", "-o", str(output)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert output.read_text(encoding="utf-8") == printed
    assert main(["check", str(output)]) == 0
    capsys.readouterr()

    output.write_text("mine\n", encoding="utf-8")
    argv = ["infer", str(data), "--target", "species", "-o", str(output)]
    assert main([*argv, "--name", "flowers"]) == 1
    assert "already exists (use --force to replace it)" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "mine\n"
    assert main([*argv, "--name", "flowers", "--force"]) == 0
    assert "name: flowers" in output.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_api_infer_returns_the_text(tmp_path, iris):
    data = tmp_path / "iris.parquet"
    iris.to_parquet(data)
    text = modelplate.infer(data, "species", name="Flower Service")
    assert "name: flower-service" in text
    assert not (tmp_path / "spec.yaml").exists()
    with pytest.raises(InferError, match="only the first 10 rows were read"):
        modelplate.infer(data, "species", tmp_path / "spec.yaml", sample_rows=10)
    written = modelplate.infer(data, "species", tmp_path / "spec.yaml", sample_rows=60)
    assert "the first 60 of 150 rows of iris.parquet" in written
    assert modelplate.load_spec(tmp_path / "spec.yaml").name == "iris"


def test_error_no_usable_input(tmp_path, infer_fails):
    data = tmp_path / "text.csv"
    pd.DataFrame(
        {
            "id": ["a1", "b2", "c3", "d4"],
            "note": ["w", "x", "y", "z"],
            "y": [0, 1, 0, 1],
        }
    ).to_csv(data, index=False)
    infer_fails(
        [str(data), "--target", "y"],
        "text.csv: no column can be a model input",
    )


def test_check_does_not_import_pandas():
    code = (
        "import sys, modelplate; modelplate.check(sys.argv[1]); "
        "assert 'pandas' not in sys.modules"
    )
    churn = Path(__file__).resolve().parents[2] / "examples" / "churn.yaml"
    subprocess.run([sys.executable, "-c", code, str(churn)], check=True)


# -- a generated repository trains on the data its spec was inferred from -----------------
def generated_repo_trains(
    spec_path: Path, data_path: Path, workdir: Path, python: Path
) -> str:
    """Generate the spec's repository and train it on the data, in the environment a
    generated project installs (`service_python`); returns the training output."""
    spec = modelplate.load_spec(spec_path)
    output = workdir / spec.name
    modelplate.generate(spec_path, output)
    argv = ["-m", spec.package, "train", "--data", str(data_path)]
    done = run_generated(python, output, *argv, "--artifact", str(workdir / "artifact"))
    assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def churn_frame(n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    tenure = rng.integers(0, 72, n)
    charges = np.round(rng.uniform(18, 120, n), 2)
    contract = rng.choice(
        ["month-to-month", "one-year", "two-year"], n, p=[0.5, 0.3, 0.2]
    )
    logit = (
        -0.04 * tenure + 0.02 * charges + np.where(contract == "month-to-month", 1, -1)
    )
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in rng.choice(999_999, n, replace=False)],
            "tenure_months": tenure,
            "monthly_charges": charges,
            "total_charges": pd.Series(charges * tenure).where(rng.random(n) > 0.05),
            "contract": contract,
            "payment_method": pd.Series(
                rng.choice(["card", "bank-transfer", "check"], n)
            ).where(rng.random(n) > 0.1),
            "signup_date": pd.date_range("2019-01-01", periods=n, freq="D").strftime(
                "%Y-%m-%d"
            ),
            "paperless": rng.choice([True, False], n),
            "churned": rng.random(n) < 1 / (1 + np.exp(-logit)),
        }
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        "churn",
        "iris",
    ],
)
def test_a_repository_generated_from_an_inferred_spec_trains(
    tmp_path, case, iris, service_python
):
    frame, target = (churn_frame(), "churned") if case == "churn" else (iris, "species")
    data = tmp_path / f"{case}.csv"
    frame.to_csv(data, index=False)
    spec_path = tmp_path / "spec.yaml"
    write_inferred_spec(data, target, spec_path, name=f"inferred-{case}-check")
    output = generated_repo_trains(spec_path, data, tmp_path, service_python)
    assert "held-out" in output
