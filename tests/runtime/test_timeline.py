"""A batch over time: its windows, the tallies of its rows, and a classifier's
metric estimated per window of served rows, labelled or not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from orders import CONTRACT
from sklearn import metrics

from modelplate.runtime.contract import validate_frame
from modelplate.runtime.definition import Performance
from modelplate.runtime.errors import MonitoringError
from modelplate.runtime.estimation import fit_calibration
from modelplate.runtime.performance import (
    LABEL,
    TIME,
    performance_over_time,
    with_estimates,
)
from modelplate.runtime.timeline import (
    Calibrated,
    decisions_by_action,
    estimate_per_window,
    split_windows,
    violations_by_field,
)

DAY = pd.Timedelta(days=1)


def test_windows_follow_the_time_column_when_there_is_one():
    frame = pd.DataFrame(
        {
            "x": range(5),
            "at": [
                "2024-05-02T10:00",
                "2024-05-01T23:59",
                None,
                "2024-05-02",
                "2024-05-01",
            ],
        }
    )
    windows = split_windows(frame, "at", DAY, rows=2)
    assert [label for label, _ in windows] == [
        "2024-05-01T00:00:00",
        "2024-05-02T00:00:00",
    ]
    assert [part["x"].tolist() for _, part in windows] == [[1, 4], [0, 3]]


def test_without_the_time_column_windows_are_chunks_of_rows():
    frame = pd.DataFrame({"x": range(7)})
    windows = split_windows(frame, "at", DAY, rows=3)
    assert [label for label, _ in windows] == ["rows 1-3", "rows 4-6", "rows 7-7"]
    assert [len(part) for _, part in windows] == [3, 3, 1]
    assert split_windows(frame.iloc[:0], None, DAY, rows=3) == []


def test_times_that_are_not_iso_are_named():
    frame = pd.DataFrame({"at": ["2024-05-01", "soon"]})
    with pytest.raises(MonitoringError, match="column 'at': not ISO"):
        split_windows(frame, "at", DAY, rows=3)


def test_violations_are_tallied_by_field_and_rule():
    frame = pd.DataFrame(
        {
            "order_id": ["a", None, "c", "d", "e"],
            "items": [3, 0, 200, 2.5, None],
        }
    )
    _, rejects = validate_frame(frame, CONTRACT)
    assert violations_by_field(rejects) == {
        "order_id": {"null": 1},
        "items": {"min": 1, "max": 1, "type": 1, "null": 1},
    }
    assert violations_by_field(rejects.iloc[:0]) == {}


def test_a_field_name_with_a_colon_keeps_it():
    rejects = pd.DataFrame({"_reasons": ["a: b: min (got 0, expected >= 1)"]})
    assert violations_by_field(rejects) == {"a: b": {"min": 1}}


def test_decisions_are_counted_by_action_most_frequent_first():
    scored = pd.DataFrame({"action": ["call", "wait", "call", "call"]})
    assert decisions_by_action(scored, "action") == {"call": 3, "wait": 1}
    assert decisions_by_action(scored, None) == {}
    assert decisions_by_action(scored, "missing") == {}


def _day(
    day: int, shift: float, rows: int, seed: int, truth: float = 2.0
) -> pd.DataFrame:
    """Outcomes from sigmoid(truth * x); the model is overconfident: its score is
    sigmoid(3x + 0.3)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1.0, rows)
    return pd.DataFrame(
        {
            "score": 1 / (1 + np.exp(-(3 * x + 0.3))),
            LABEL: rng.random(rows) < 1 / (1 + np.exp(-truth * x)),
            TIME: pd.Timestamp("2024-05-01") + pd.Timedelta(days=day, hours=6),
        }
    )


@pytest.mark.parametrize("metric", ["accuracy", "roc_auc"])
def test_each_shifted_window_is_estimated_within_003_of_its_realized_metric(metric):
    training = _day(0, 0.0, 4000, seed=1)
    calibration = fit_calibration(
        "binary_classification", training[["score"]], training[LABEL].to_numpy()
    )
    served = pd.concat(
        [_day(0, 0.0, 4000, 2), _day(1, 0.7, 4000, 3), _day(2, -1.0, 4000, 4)],
        ignore_index=True,
    )
    estimates = estimate_per_window(
        served,
        served[TIME],
        DAY,
        "binary_classification",
        metric,
        {None: Calibrated(calibration)},
    )
    realized = performance_over_time(
        served, "binary_classification", Performance(metric=metric)
    )
    assert [w.start for w in realized.windows] == list(estimates)
    for window in realized.windows:
        rows, value = estimates[window.start]
        assert rows == window.rows
        assert value == pytest.approx(window.value, abs=0.03), window.start


def test_windows_without_labels_yet_get_an_estimate_beside_no_value():
    served = pd.concat([_day(0, 0.0, 500, 2), _day(1, 0.5, 300, 3)], ignore_index=True)
    calibration = fit_calibration(
        "binary_classification", served[["score"]], served[LABEL].to_numpy()
    )
    labelled = served[served[TIME] < pd.Timestamp("2024-05-02")]
    report = performance_over_time(
        labelled, "binary_classification", Performance(metric="accuracy")
    )
    estimates = estimate_per_window(
        served,
        served[TIME],
        DAY,
        "binary_classification",
        "accuracy",
        {None: Calibrated(calibration)},
    )
    merged = with_estimates(report, estimates)
    first, second = merged.windows
    assert (first.rows, first.served) == (500, 500) and first.value == report.windows[
        0
    ].value
    assert (second.rows, second.served, second.status) == (0, 300, "n/a")
    assert np.isnan(second.value) and second.end == "2024-05-03T00:00:00"
    expected = metrics.accuracy_score(labelled[LABEL], labelled["score"] > 0.5)
    assert first.estimated == pytest.approx(expected, abs=0.05)
    data = merged.to_json()
    assert data["windows"][1]["value"] is None
    assert data["windows"][1]["estimated"] == second.estimated


def test_a_regressor_is_never_estimated():
    served = pd.DataFrame(
        {"prediction": [1.0, 2.0], TIME: [pd.Timestamp("2024-05-01")] * 2}
    )
    estimates = estimate_per_window(served, served[TIME], DAY, "regression", "rmse", {})
    assert estimates == {"2024-05-01T00:00:00": (2, None)}


def test_each_row_is_estimated_with_the_calibration_of_the_version_that_scored_it():
    """A day served by two versions (a promotion at noon) whose scores look alike,
    though the second's are right far less often. Its rows estimated with the
    first's calibration would be far off; each version's own is right. Rows of a
    version without a calibration are left out."""
    first = _day(0, 0.0, 3000, seed=5)
    second = _day(0, 0.0, 3000, seed=6, truth=0.3)
    calibrations = {
        name: fit_calibration(
            "binary_classification", part[["score"]], part[LABEL].to_numpy()
        )
        for name, part in (("v1", first), ("v2", second))
    }
    served = pd.concat([first, second], ignore_index=True)
    versions = ["v1"] * 3000 + ["v2"] * 3000
    realized = metrics.accuracy_score(served[LABEL], served["score"] > 0.5)
    both = {name: Calibrated(c) for name, c in calibrations.items()}
    ((rows, value),) = estimate_per_window(
        served, served[TIME], DAY, "binary_classification", "accuracy", both, versions
    ).values()
    assert rows == 6000 and value == pytest.approx(realized, abs=0.03)
    one = {name: Calibrated(calibrations["v1"]) for name in calibrations}
    ((_, wrong),) = estimate_per_window(
        served, served[TIME], DAY, "binary_classification", "accuracy", one, versions
    ).values()
    assert abs(wrong - realized) > 0.1
    only_first = {"v1": Calibrated(calibrations["v1"])}
    ((rows, alone),) = estimate_per_window(
        served,
        served[TIME],
        DAY,
        "binary_classification",
        "accuracy",
        only_first,
        versions,
    ).values()
    expected = metrics.accuracy_score(first[LABEL], first["score"] > 0.5)
    assert rows == 6000 and alone == pytest.approx(expected, abs=0.03)
