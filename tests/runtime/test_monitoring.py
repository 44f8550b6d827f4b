"""Drift of a batch and of a rolling window, with a small regression model."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from modelplate.runtime.contract import validate_frame
from modelplate.runtime.definition import Contract, Drift, Features, Field
from modelplate.runtime.errors import MonitoringError
from modelplate.runtime.features import build_features
from modelplate.runtime.monitoring import (
    GROUPS,
    RollingDrift,
    drift_report,
    monitored,
    observed,
)
from modelplate.runtime.pipeline import Scorer
from modelplate.runtime.statistics import describe

AS_OF = pd.Timestamp("2024-06-01")
DRIFT = Drift(method="psi", warn=0.1, alert=0.25, bins=10, window=300)
CONTRACT = Contract(
    title="readings",
    fields=(
        Field(name="reading_id", type="string", role="id"),
        Field(name="x", type="float", minimum=-100.0, maximum=100.0),
        Field(name="kind", type="category", values=("a", "b")),
    ),
)
FEATURES = Features(
    expressions={"double": lambda inputs, raw, as_of: inputs["x"] * 2.0},
    encodings={"kind": {"a": "kind=a", "b": "kind=b"}},
    model_columns=("x", "double", "kind=a"),
)
SCORER = Scorer(CONTRACT, FEATURES, "regression", lambda model, m: model.predict(m))


@dataclass(frozen=True)
class Artifact:
    model: object
    metadata: dict
    columns: tuple[str, ...] = FEATURES.model_columns
    imputation: dict | None = None


def records(count: int, shift: float = 0.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "reading_id": [f"r{seed}-{n}" for n in range(count)],
            "x": rng.normal(shift, 1.0, count).round(3),
            "kind": rng.choice(["a", "b"], count),
        }
    )


@pytest.fixture(scope="module")
def artifact() -> Artifact:
    """Trained on 2,000 records; its statistics described as training does."""
    valid, _ = validate_frame(records(2000), CONTRACT)
    features = build_features(valid, AS_OF, {}, FEATURES, CONTRACT.fields)
    model = LinearRegression().fit(features.to_numpy(dtype=float), valid["x"] * 3)
    fitted = Artifact(model, {}, imputation={})
    groups = observed(SCORER, valid, fitted, AS_OF)
    statistics = {g: describe(frame, DRIFT.bins) for g, frame in groups.items()}
    return replace(fitted, metadata={"statistics": statistics})


def _status(report, group: str, column: str) -> str:
    (found,) = [c for c in report.columns if (c.group, c.column) == (group, column)]
    return found.status


def test_the_same_distribution_raises_no_alert(artifact):
    report = drift_report(SCORER, records(1000, seed=1), artifact, AS_OF, DRIFT)
    assert report.status == "ok", [c.column for c in report.drifted()]
    assert {c.group for c in report.columns} == set(GROUPS)
    assert (report.method, report.warn, report.alert) == ("psi", 0.1, 0.25)


def test_a_shifted_input_alerts_in_every_group_it_reaches(artifact):
    report = drift_report(SCORER, records(1000, 2.0, seed=1), artifact, AS_OF, DRIFT)
    assert report.status == "alert"
    assert _status(report, "inputs", "x") == "alert"
    assert _status(report, "features", "double") == "alert"
    assert _status(report, "output", "prediction") == "alert"
    assert _status(report, "inputs", "kind") == "ok"
    # Worst first.
    assert report.columns[0].status == "alert"
    assert report.columns[-1].status == "ok"


def test_the_thresholds_and_method_come_from_the_settings(artifact):
    lenient = Drift(method="ks", warn=0.98, alert=0.99, false_alarm_rate=None)
    report = drift_report(SCORER, records(1000, 2.0, seed=1), artifact, AS_OF, lenient)
    assert _status(report, "inputs", "x") == "ok"
    (column,) = [c for c in report.columns if (c.group, c.column) == ("inputs", "x")]
    assert column.statistic == "ks"
    assert report.to_json()["method"] == "ks"


def test_the_id_field_is_not_monitored(artifact):
    report = drift_report(SCORER, records(200, seed=2), artifact, AS_OF, DRIFT)
    assert "reading_id" not in {c.column for c in report.columns}


def test_rejected_rows_are_counted_not_judged(artifact):
    frame = records(200, seed=2)
    frame.loc[:9, "x"] = 1000.0  # above the contract's maximum
    report = drift_report(SCORER, frame, artifact, AS_OF, DRIFT)
    assert (report.rows, report.rejected) == (190, 10)


def test_a_batch_the_contract_refuses_whole_is_an_error(artifact):
    frame = records(5).assign(x=1000.0)
    with pytest.raises(MonitoringError, match="none of the 5 rows"):
        drift_report(SCORER, frame, artifact, AS_OF, DRIFT)


def test_an_artifact_without_statistics_is_named(artifact):
    bare = replace(artifact, metadata={"statistics": {}})
    with pytest.raises(MonitoringError, match="no reference statistics for inputs"):
        drift_report(SCORER, records(50), bare, AS_OF, DRIFT)


def test_monitored_keeps_only_the_inputs_a_record_carries():
    valid = pd.DataFrame({"reading_id": ["r1"], "x": [1.0]})  # no "kind": looked up
    groups = monitored(CONTRACT, valid, valid[["x"]], pd.DataFrame({"p": [1.0]}))
    assert list(groups["inputs"].columns) == ["x"]


def _chunks(frame: pd.DataFrame, artifact, size: int = 100):
    valid, _ = validate_frame(frame, CONTRACT)
    for start in range(0, len(valid), size):
        yield observed(SCORER, valid.iloc[start : start + size], artifact, AS_OF)


def test_a_rolling_window_keeps_the_last_records_only(artifact):
    window = RollingDrift(artifact, DRIFT)
    assert window.window == DRIFT.window
    for frame in (records(600, 2.0, seed=3), records(400, seed=4)):
        for groups in _chunks(frame, artifact):
            window.add(groups)
            # Whole chunks are kept: never fewer than the window once it filled.
            assert window.rows < DRIFT.window + 100
    assert window.full
    report = window.report()
    assert report.rows == DRIFT.window
    # The shifted records have left the window: it sees unshifted data again.
    assert _status(report, "inputs", "x") == "ok"


def test_a_window_is_not_full_until_it_holds_window_records(artifact):
    window = RollingDrift(artifact, DRIFT, window=250)
    chunks = _chunks(records(300, 2.0, seed=5), artifact)
    window.add(next(chunks))
    window.add(next(chunks))
    assert (window.rows, window.full) == (200, False)
    assert window.report().rows == 200
    window.add(next(chunks))
    assert window.full


def test_an_empty_window_has_no_report(artifact):
    with pytest.raises(MonitoringError, match="no records"):
        RollingDrift(artifact, DRIFT).report()
