"""The metric per time window once outcomes arrive: join, windows and verdicts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelplate.runtime.definition import Contract, Field, Performance
from modelplate.runtime.errors import MonitoringError
from modelplate.runtime.performance import (
    LABEL,
    TIME,
    greater_is_better,
    join_outcomes,
    measure_performance,
    performance_over_time,
    score,
    window_length,
)

TARGET = Field(name="churned", type="boolean")
CONTRACT = Contract(
    title="accounts",
    fields=(Field(name="account", type="string", role="id"), TARGET),
)
DAY = pd.Timestamp("2024-06-01")


@pytest.mark.parametrize(
    "text, seconds",
    [("30s", 30), ("30m", 1800), ("24h", 86400), ("7d", 604800), ("1w", 604800)],
)
def test_a_window_is_a_spec_duration(text, seconds):
    assert window_length(text) == pd.Timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "0d", "1.5h", "1D", "d", "1 d", "1y"])
def test_anything_else_is_named(text):
    with pytest.raises(MonitoringError, match="not a duration"):
        window_length(text)


def test_error_metrics_are_better_lower():
    assert not greater_is_better("rmse") and not greater_is_better("log_loss")
    assert greater_is_better("roc_auc") and greater_is_better("r2")


def _joined(hours: list[int], labels: list, scores: list[float]) -> pd.DataFrame:
    times = [DAY + pd.Timedelta(hours=h) for h in hours]
    return pd.DataFrame({"score": scores, LABEL: labels, TIME: times})


def test_rows_fall_into_the_window_their_time_starts():
    joined = _joined([0, 5, 23, 24, 47, 49], [1, 0, 1, 1, 0, 1], [0.9] * 6)
    report = performance_over_time(
        joined, "binary_classification", Performance("accuracy", window="1d")
    )
    assert [w.rows for w in report.windows] == [3, 2, 1]
    assert [w.start for w in report.windows][0] == DAY.isoformat()
    assert report.windows[0].end == (DAY + pd.Timedelta(days=1)).isoformat()
    assert [w.value for w in report.windows] == pytest.approx([2 / 3, 1 / 2, 1.0])


def test_a_window_below_the_bar_alerts_and_an_undefined_one_is_not_judged():
    joined = _joined([0, 1, 24, 25, 48], [1, 0, 1, 0, 1], [0.9, 0.1, 0.1, 0.9, 0.8])
    settings = Performance("roc_auc", alert_below=0.5, window="1d")
    report = performance_over_time(joined, "binary_classification", settings)
    assert [w.status for w in report.windows] == ["ok", "alert", "n/a"]
    assert report.status == "alert"
    windows = report.to_json()["windows"]
    assert windows[2]["value"] is None  # JSON has no NaN


def test_an_error_above_its_bar_alerts():
    joined = pd.DataFrame(
        {"prediction": [1.0, 2.0], LABEL: [1.0, 5.0], TIME: [DAY, DAY]}
    )
    settings = Performance("mae", alert_above=1.0, window="1h")
    report = performance_over_time(joined, "regression", settings)
    assert report.windows[0].value == pytest.approx(1.5)
    assert report.status == "alert"


def test_multiclass_log_loss_reads_the_probability_columns():
    frame = pd.DataFrame(
        {
            "prediction": ["a", "b"],
            "probability[a]": [0.8, 0.3],
            "probability[b]": [0.2, 0.7],
        }
    )
    value = score("multiclass_classification", np.array(["a", "b"]), frame, "log_loss")
    assert value == pytest.approx(-(np.log(0.8) + np.log(0.7)) / 2)


def test_nothing_joined_is_an_error():
    with pytest.raises(MonitoringError, match="no prediction has an outcome"):
        performance_over_time(
            pd.DataFrame({LABEL: [], TIME: []}), "regression", Performance("mae")
        )


def test_outcomes_join_by_id_and_a_corrected_outcome_wins():
    predictions = pd.DataFrame({"account": ["1", "2", "3"], "score": [0.9, 0.2, 0.6]})
    outcomes = pd.DataFrame(
        {"account": [1, 2, 2, 9], "at": ["2024-06-01", "2024-06-01", "2024-06-02", "x"]}
    )
    labels = np.array([True, True, False, True])
    joined, unmatched_predictions, unmatched_labels = join_outcomes(
        predictions, outcomes, labels, "at", "account", "score"
    )
    assert (unmatched_predictions, unmatched_labels) == (1, 1)
    assert joined.set_index("account")[LABEL].to_dict() == {"1": True, "2": False}
    assert joined[TIME].max() == pd.Timestamp("2024-06-02")
    with pytest.raises(MonitoringError, match="column 'at': not ISO dates"):
        join_outcomes(
            predictions, outcomes.assign(account=3), labels, "at", "account", "score"
        )


@pytest.mark.parametrize(
    "id_field, time, output, message",
    [
        (None, "at", "score", "no id field"),
        ("missing", "at", "score", "the predictions have no id column 'missing'"),
        ("account", "when", "score", "time column 'when'"),
        ("account", "at", "prediction", "no output column 'prediction'"),
    ],
)
def test_what_cannot_be_joined_is_named(id_field, time, output, message):
    predictions = pd.DataFrame({"account": ["1"], "score": [0.5]})
    outcomes = pd.DataFrame({"account": ["1"], "at": ["2024-06-01"]})
    with pytest.raises(MonitoringError, match=message):
        join_outcomes(predictions, outcomes, np.array([True]), time, id_field, output)


def _split(valid: pd.DataFrame):
    return valid.drop(columns=[TARGET.name]), valid[TARGET.name].to_numpy(dtype=bool)


def test_measure_checks_the_labels_against_the_contract_then_joins():
    predictions = pd.DataFrame(
        {"account": ["1", "2", "3"], "score": ["0.9", "0.1", "0.8"]}
    )
    outcomes = pd.DataFrame(
        {
            "account": ["1", "2", "3"],
            "churned": [True, False, "perhaps"],
            "timestamp": ["2024-06-01"] * 3,
        }
    )
    report = measure_performance(
        predictions,
        outcomes,
        "timestamp",
        contract=CONTRACT,
        target=TARGET,
        split=_split,
        task="binary_classification",
        settings=Performance("accuracy", alert_below=0.9),
    )
    assert report.joined == 2
    assert (report.unmatched_predictions, report.unmatched_labels) == (1, 1)
    assert report.windows[0].value == 1.0 and report.status == "ok"


def test_predictions_that_are_not_numbers_are_named():
    with pytest.raises(MonitoringError, match="'score' column is missing or not"):
        measure_performance(
            pd.DataFrame({"account": ["1"], "score": ["high"]}),
            pd.DataFrame({"account": ["1"], "churned": [True], "timestamp": [DAY]}),
            "timestamp",
            contract=CONTRACT,
            target=TARGET,
            split=_split,
            task="binary_classification",
            settings=Performance("accuracy"),
        )
