"""Performance estimated from calibrated confidence: close to the realized metric
under covariate shift, and honest about what it cannot estimate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

from modelplate.runtime.estimation import (
    ESTIMABLE,
    calibrate,
    estimate,
    fit_calibration,
)


def _binary_world(rows: int, shift: float, seed: int):
    """Outcomes drawn from sigmoid(2x); the model is overconfident: sigmoid(3x + 0.3)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1.0, rows)
    labels = rng.random(rows) < 1 / (1 + np.exp(-2 * x))
    scores = 1 / (1 + np.exp(-(3 * x + 0.3)))
    return pd.DataFrame({"score": scores}), labels


CALIBRATION = fit_calibration("binary_classification", *_binary_world(4000, 0.0, 1))


@pytest.mark.parametrize("shift", [0.0, 0.7, -1.0])
def test_binary_estimates_follow_the_realized_metric_under_covariate_shift(shift):
    frame, labels = _binary_world(5000, shift, seed=2)
    called = frame["score"] > 0.5
    realized = {
        "roc_auc": metrics.roc_auc_score(labels, frame["score"]),
        "accuracy": metrics.accuracy_score(labels, called),
        "f1": metrics.f1_score(labels, called),
    }
    if shift == 0.0:  # the tails' calibration is thin: log loss is held only here
        realized["log_loss"] = metrics.log_loss(labels, frame["score"])
    for metric, value in realized.items():
        estimated, how = estimate("binary_classification", metric, frame, CALIBRATION)
        assert how == "confidence-based estimate"
        assert estimated == pytest.approx(value, abs=0.03), (metric, shift)


def test_without_calibration_an_overconfident_model_overestimates_itself():
    frame, labels = _binary_world(5000, 0.0, seed=3)
    identity = {"score": {"x": [0.0, 1.0], "y": [0.0, 1.0]}}
    naive, _ = estimate("binary_classification", "accuracy", frame, identity)
    realized = metrics.accuracy_score(labels, frame["score"] > 0.5)
    assert naive - realized > 0.03


def test_the_calibration_is_monotone_knots_in_zero_to_one():
    knots = CALIBRATION["score"]
    assert np.all(np.diff(knots["x"]) >= 0) and np.all(np.diff(knots["y"]) >= 0)
    assert 0.0 <= min(knots["y"]) and max(knots["y"]) <= 1.0
    assert calibrate(knots, np.array([0.0, 1.0])).tolist() == [
        knots["y"][0],
        knots["y"][-1],
    ]


def _multiclass_world(rows: int, shift: float, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1.0, (rows, 1))
    logits = np.hstack([x * 2, -x * 2, np.zeros((rows, 1))])
    chance = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(["a", "b", "c"], p=p) for p in chance])
    sharp = np.exp(1.5 * logits) / np.exp(1.5 * logits).sum(axis=1, keepdims=True)
    frame = pd.DataFrame(
        {f"probability[{c}]": sharp[:, i] for i, c in enumerate("abc")}
    )
    return frame, labels


def test_multiclass_accuracy_is_estimated_under_shift():
    calibration = fit_calibration(
        "multiclass_classification", *_multiclass_world(4000, 0, 1)
    )
    frame, labels = _multiclass_world(5000, 0.5, seed=4)
    called = np.array(list("abc"))[np.argmax(frame.to_numpy(), axis=1)]
    estimated, _ = estimate("multiclass_classification", "accuracy", frame, calibration)
    assert estimated == pytest.approx(metrics.accuracy_score(labels, called), abs=0.03)
    macro, _ = estimate("multiclass_classification", "f1_macro", frame, calibration)
    realized = metrics.f1_score(labels, called, average="macro")
    assert macro == pytest.approx(realized, abs=0.03)


def test_what_cannot_be_estimated_says_so():
    frame = pd.DataFrame({"prediction": [1.0, 2.0]})
    value, why = estimate("regression", "rmse", frame, None)
    assert value is None and "regressor" in why
    value, why = estimate(
        "binary_classification", "average_precision", frame, CALIBRATION
    )
    assert value is None and "average_precision" in why
    value, why = estimate("binary_classification", "roc_auc", frame, None)
    assert value is None and "retrain" in why
    assert fit_calibration("regression", frame, np.array([1.0, 2.0])) is None
    assert ESTIMABLE["regression"] == ()


def test_few_held_out_rows_get_platts_sigmoid_many_get_isotonic():
    few = fit_calibration("binary_classification", *_binary_world(400, 0.0, 5))
    assert len(few["score"]["x"]) == 201  # the sigmoid's grid
    assert np.all(np.diff(few["score"]["y"]) >= 0)
    assert len(CALIBRATION["score"]["x"]) != 201  # 4,000 rows: isotonic's steps
    frame, labels = _binary_world(5000, 0.7, seed=6)
    estimated, _ = estimate("binary_classification", "accuracy", frame, few)
    realized = metrics.accuracy_score(labels, frame["score"] > 0.5)
    assert estimated == pytest.approx(realized, abs=0.03)
