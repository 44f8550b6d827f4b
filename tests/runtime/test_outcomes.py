"""Outcomes matched with logged predictions: by request id, or by entity and time."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from modelplate.runtime.errors import MonitoringError
from modelplate.runtime.outcomes import join_logged, scored_rows
from modelplate.runtime.performance import LABEL, TIME


def _log(rows: list[tuple]) -> pd.DataFrame:
    """(request id, index, logged at, entity, score) -> log rows."""
    return pd.DataFrame(
        {
            "request_id": [r[0] for r in rows],
            "index": [r[1] for r in rows],
            "logged_at": pd.to_datetime([r[2] for r in rows]).astype("datetime64[us]"),
            "role": "champion",
            "model_version": "v1",
            "status": "ok",
            "latency_ms": 1.0,
            "features": json.dumps({"x": 1.0}),
            "result": [json.dumps({"order_id": r[3], "score": r[4]}) for r in rows],
        }
    )


SERVED = scored_rows(
    _log(
        [
            ("a", 0, "2024-01-01", "O1", 0.1),
            ("b", 0, "2024-01-02", "O1", 0.2),
            ("b", 1, "2024-01-02", "O2", 0.3),
            ("c", 0, "2024-01-05", "O1", 0.9),
        ]
    )
)


def test_logged_rows_read_like_a_score_output():
    assert list(SERVED.columns[:7]) == [
        "_request_id",
        "_index",
        "_logged_at",
        "_role",
        "_model_version",
        "_status",
        "_latency_ms",
    ]
    assert SERVED["score"].tolist() == [0.1, 0.2, 0.3, 0.9]
    assert SERVED["order_id"].tolist() == ["O1", "O1", "O2", "O1"]


def test_a_multiclass_answer_gets_its_probability_columns():
    log = _log([("a", 0, "2024-01-01", "O1", 0.0)])
    log["result"] = [
        json.dumps({"prediction": "b", "probabilities": {"a": 0.4, "b": 0.6}})
    ]
    row = scored_rows(log).iloc[0]
    assert (row["prediction"], row["probability[a]"], row["probability[b]"]) == (
        "b",
        0.4,
        0.6,
    )


def test_by_request_id_and_index_with_index_zero_by_default():
    outcomes = pd.DataFrame({"request_id": ["b", "a", "zzz"], "index": [1, 0, 0]})
    joined, unmatched_predictions, unmatched_outcomes = join_logged(
        SERVED, outcomes, np.array([True, False, True]), "timestamp", "order_id"
    )
    assert joined["score"].tolist() == [0.3, 0.1] or sorted(joined["score"]) == [
        0.1,
        0.3,
    ]
    assert (unmatched_predictions, unmatched_outcomes) == (2, 1)
    # The window is the time the prediction was served.
    assert set(joined[TIME]) == {pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")}
    without_index = pd.DataFrame({"request_id": ["c"]})
    joined, _, _ = join_logged(SERVED, without_index, np.array([True]), "t", None)
    assert joined["score"].tolist() == [0.9]


def test_by_entity_the_latest_prediction_before_the_outcome():
    outcomes = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3"],
            "timestamp": ["2024-01-03", "2024-01-01", "2024-02-01"],
        }
    )
    joined, _, unmatched = join_logged(
        SERVED, outcomes, np.array([True, False, True]), "timestamp", "order_id"
    )
    # O1's outcome on the 3rd matches its answer of the 2nd, not that of the 5th;
    # O2's outcome came before any answer for it; O3 was never scored.
    assert joined["score"].tolist() == [0.2]
    assert joined[LABEL].tolist() == [True]
    assert unmatched == 2


def test_by_entity_without_a_time_the_latest_prediction():
    outcomes = pd.DataFrame({"order_id": ["O1", "O2"]})
    joined, _, _ = join_logged(
        SERVED, outcomes, np.array([1, 0]), "timestamp", "order_id"
    )
    assert sorted(joined["score"]) == [0.3, 0.9]


def test_what_cannot_be_matched_is_one_clear_line():
    with pytest.raises(MonitoringError, match="declares no id field"):
        join_logged(SERVED, pd.DataFrame({"x": [1]}), np.array([1]), "t", None)
    with pytest.raises(MonitoringError, match="neither a 'request_id' nor an id"):
        join_logged(SERVED, pd.DataFrame({"x": [1]}), np.array([1]), "t", "order_id")
    with pytest.raises(MonitoringError, match="'index' column is not whole numbers"):
        outcomes = pd.DataFrame({"request_id": ["a"], "index": ["first"]})
        join_logged(SERVED, outcomes, np.array([1]), "t", None)
    with pytest.raises(MonitoringError, match="column 'when': not ISO"):
        outcomes = pd.DataFrame({"order_id": ["O1"], "when": ["yesterday"]})
        join_logged(SERVED, outcomes, np.array([1]), "when", "order_id")
