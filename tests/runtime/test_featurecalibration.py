"""Outputs calibrated given the features: right where the score alone is not,
when traffic shifts along an input the model under-uses."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

from modelplate.runtime.estimation import estimate, fit_calibration
from modelplate.runtime.featurecalibration import (
    chances_given_features,
    fit_feature_calibration,
)

BINARY = "binary_classification"
COLUMNS = ["x", "z"]


def _world(rows: int, z_center: float, seed: int, z_spread: float = 1.0):
    """Outcomes drawn from sigmoid(2x + 1.5z); the model saw only x: its score
    is sigmoid(2x). (frame of scores, labels, matrix of x and z)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, rows)
    z = rng.normal(z_center, z_spread, rows)
    labels = rng.random(rows) < 1 / (1 + np.exp(-(2 * x + 1.5 * z)))
    scores = 1 / (1 + np.exp(-2 * x))
    return pd.DataFrame({"score": scores}), labels, np.column_stack([x, z])


SCORES, LABELS, MATRIX = _world(4000, 0.0, seed=1)
ALONE = fit_calibration(BINARY, SCORES, LABELS)
GIVEN = fit_feature_calibration(BINARY, SCORES, LABELS, MATRIX, COLUMNS)


@pytest.mark.parametrize("metric", ["roc_auc", "accuracy"])
def test_a_shift_along_an_unused_input_is_estimated_given_the_features(metric):
    # A window of one narrow band of z, above its usual values (the customers
    # with many support tickets, say): more positives, and x ranks them better.
    frame, labels, matrix = _world(5000, 1.5, seed=2, z_spread=0.1)
    realized = {
        "roc_auc": metrics.roc_auc_score(labels, frame["score"]),
        "accuracy": metrics.accuracy_score(labels, frame["score"] > 0.5),
    }[metric]
    given, how = estimate(BINARY, metric, frame, ALONE, matrix, GIVEN)
    alone, alone_how = estimate(BINARY, metric, frame, ALONE)
    assert how == "confidence-based estimate, given the features"
    assert alone_how == "confidence-based estimate"
    assert given == pytest.approx(realized, abs=0.02)
    # The score alone cannot see z move: its estimate is well off.
    assert abs(alone - realized) > 0.05


def test_the_calibration_is_numbers_that_survive_json():
    stored = json.loads(json.dumps(GIVEN))
    assert stored["columns"] == COLUMNS
    weights = stored["weights"]["score"]
    assert len(weights["features"]) == 2
    # z carries signal the score lacks; the score's log-odds still count.
    assert weights["features"][1] > 0.5 and weights["output"] > 0.3
    chances = chances_given_features(stored, "score", SCORES["score"], MATRIX)
    assert chances.min() >= 0.0 and chances.max() <= 1.0
    assert chances.mean() == pytest.approx(LABELS.mean(), abs=0.01)


def test_columns_of_any_scale_are_weighed_alike():
    """Standardized for the fit, so a column in cents weighs as one in euros."""
    scaled = MATRIX * np.array([1.0, 100.0])
    in_cents = fit_feature_calibration(BINARY, SCORES, LABELS, scaled, COLUMNS)
    assert chances_given_features(
        in_cents, "score", SCORES["score"], scaled
    ) == pytest.approx(
        chances_given_features(GIVEN, "score", SCORES["score"], MATRIX), abs=1e-6
    )


def test_a_constant_column_and_a_single_class_are_not_errors():
    constant = np.column_stack([MATRIX[:, 0], np.full(len(MATRIX), 7.0)])
    fitted = fit_feature_calibration(BINARY, SCORES, LABELS, constant, COLUMNS)
    assert fitted["weights"]["score"]["features"][1] == pytest.approx(0.0, abs=1e-9)
    one_class = np.zeros(len(SCORES), dtype=bool)
    never = fit_feature_calibration(BINARY, SCORES, one_class, MATRIX, COLUMNS)
    chances = chances_given_features(never, "score", SCORES["score"], MATRIX)
    assert chances.max() < 1e-5


def test_extreme_outputs_and_rows_give_finite_chances():
    outputs = np.array([0.0, 1.0, 0.5])
    rows = np.array([[1e9, -1e9], [-1e9, 1e9], [0.0, 0.0]])
    chances = chances_given_features(GIVEN, "score", outputs, rows)
    assert np.isfinite(chances).all() and ((0 <= chances) & (chances <= 1)).all()


def test_without_the_features_the_estimate_rests_on_the_score():
    frame, _, matrix = _world(100, 0.0, seed=3)
    for rows in (None, matrix[:, :1], matrix[:50]):  # absent, or not these rows
        _, how = estimate(BINARY, "accuracy", frame, ALONE, rows, GIVEN)
        assert how == "confidence-based estimate"


def test_multiclass_outputs_get_one_calibration_per_class():
    rng = np.random.default_rng(4)
    matrix = rng.normal(size=(3000, 2))
    logits = np.column_stack([matrix[:, 0], -matrix[:, 0], matrix[:, 1]])
    chance = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(["a", "b", "c"], p=p) for p in chance])
    seen = np.exp(logits[:, :2]) / np.exp(logits[:, :2]).sum(axis=1, keepdims=True)
    outputs = pd.DataFrame(
        {
            "probability[a]": seen[:, 0] * 0.9,
            "probability[b]": seen[:, 1] * 0.9,
            "probability[c]": np.full(3000, 0.1),
        }
    )
    fitted = fit_feature_calibration(
        "multiclass_classification", outputs, labels, matrix, COLUMNS
    )
    assert set(fitted["weights"]) == {"a", "b", "c"}
    # Class c depends on the second column, which its constant output cannot show.
    assert fitted["weights"]["c"]["features"][1] > 0.5
    assert (
        fit_feature_calibration("regression", outputs, labels, matrix, COLUMNS) is None
    )
