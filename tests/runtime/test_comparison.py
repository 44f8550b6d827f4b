"""Champion against challenger on the same logged requests."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from modelplate.runtime.comparison import (
    bootstrap_difference,
    compare,
    latest_pair,
    paired,
)
from modelplate.runtime.errors import MonitoringError
from modelplate.runtime.outcomes import scored_rows
from modelplate.runtime.performance import LABEL


def _rows(role: str, scores, actions, status="ok", version="v1", latency=1.0):
    count = len(scores)
    return pd.DataFrame(
        {
            "request_id": [f"r{n}" for n in range(count)],
            "index": 0,
            "logged_at": pd.Timestamp("2024-01-01"),
            "role": role,
            "model_version": version,
            "status": status,
            "latency_ms": latency,
            "features": json.dumps({"x": 1.0}),
            "result": [
                json.dumps({"score": s, "action": a})
                for s, a in zip(scores, actions, strict=True)
            ],
        }
    )


def _log(champion, challenger) -> pd.DataFrame:
    return scored_rows(pd.concat([champion, challenger], ignore_index=True))


def test_agreement_flips_timeouts_and_missing_answers():
    champion = _rows("champion", [0.9, 0.8, 0.2, 0.1, 0.6], ["a", "a", "b", "b", "a"])
    challenger = _rows(
        "challenger",
        [0.7, 0.3, 0.1, 0.9],
        ["a", "b", "b", "a"],
        version="v2",
        latency=3.0,
    )
    challenger.loc[3, "status"] = "timeout"
    pairs = paired(_log(champion, challenger))
    result = compare(pairs, "binary_classification", "score", "action")
    assert (result.champion, result.challenger) == ("v1", "v2")
    assert (result.requests, result.compared, result.timed_out, result.missing) == (
        5,
        3,
        1,
        1,
    )
    # r0 same class, r1 flipped (0.8 -> 0.3), r2 same; the timed-out r3 is not compared.
    assert result.agreement == pytest.approx(2 / 3)
    assert result.mean_abs_difference == pytest.approx((0.2 + 0.5 + 0.1) / 3)
    assert result.decision_flips == {"a -> b": 1}
    assert result.latency_ms["challenger"]["p50"] == 3.0


def test_a_log_without_a_challenger_says_how_to_get_one():
    champion = _rows("champion", [0.5], ["a"])
    with pytest.raises(MonitoringError, match="settings.challenger"):
        paired(scored_rows(champion))


def test_the_better_model_is_named_only_when_the_interval_excludes_zero():
    rng = np.random.default_rng(0)
    labels = rng.random(400) > 0.5
    noise = rng.normal(0, 0.35, 400)
    good = pd.DataFrame({"score": np.clip(labels + noise, 0, 1)})
    poor = pd.DataFrame({"score": rng.random(400)})
    better = bootstrap_difference(
        "binary_classification", "roc_auc", labels, poor, good, resamples=200
    )
    assert better.better == "challenger" and better.low > 0
    worse = bootstrap_difference(
        "binary_classification", "roc_auc", labels, good, poor, resamples=200
    )
    assert worse.better == "champion" and worse.high < 0
    same = bootstrap_difference(
        "binary_classification", "roc_auc", labels, good, good, resamples=50
    )
    assert same.difference == 0 and same.better == "undecided"
    # An error metric: lower is better.
    truth = rng.normal(0, 1, 300)
    close = pd.DataFrame({"prediction": truth + rng.normal(0, 0.1, 300)})
    far = pd.DataFrame({"prediction": truth + rng.normal(0, 1.0, 300)})
    rmse = bootstrap_difference("regression", "rmse", truth, far, close, resamples=200)
    assert rmse.difference < 0 and rmse.better == "challenger"


def test_labelled_pairs_give_the_metric_difference():
    champion = _rows("champion", [0.9, 0.8, 0.2, 0.1] * 10, ["a"] * 40)
    challenger = _rows("challenger", [0.1, 0.9, 0.8, 0.2] * 10, ["a"] * 40)
    pairs = paired(_log(champion, challenger))
    labelled = pairs.assign(**{LABEL: [True, True, False, False] * 10})
    result = compare(
        pairs, "binary_classification", "score", "action", "roc_auc", labelled
    )
    assert result.metric.champion == pytest.approx(1.0)
    assert result.metric.challenger == pytest.approx(0.5)
    assert result.metric.better == "champion"


def test_a_log_spanning_a_promotion_compares_only_the_latest_pair():
    """v1 served with v2 in its shadow, then the aliases swapped: pooling both
    halves would compare no pair; the latest pair is compared, the rest counted."""
    before = [
        _rows("champion", [0.9] * 4, ["a"] * 4, version="v1"),
        _rows("challenger", [0.1] * 4, ["b"] * 4, version="v2"),
    ]
    after = [
        _rows("champion", [0.2] * 3, ["b"] * 3, version="v2"),
        _rows("challenger", [0.8] * 3, ["a"] * 3, version="v1"),
    ]
    for frame in after:
        frame["request_id"] = "later-" + frame["request_id"]
    served = scored_rows(pd.concat([*before, *after], ignore_index=True))
    rows, left_out = latest_pair(served)
    assert left_out == 4
    assert set(zip(rows["_role"], rows["_model_version"], strict=True)) == {
        ("champion", "v2"),
        ("challenger", "v1"),
    }
    result = compare(paired(rows), "binary_classification", "score", "action")
    assert (result.champion, result.challenger, result.requests) == ("v2", "v1", 3)
    assert result.agreement == 0.0
    assert latest_pair(scored_rows(before[0]))[1] == 0  # no challenger: untouched
