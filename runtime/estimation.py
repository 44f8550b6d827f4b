# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A classifier's performance estimated before its labels arrive.

Confidence-based performance estimation: once its scores are calibrated (a score of
0.8 is right 80% of the time), a classifier's own outputs say how often it will be
right. Each row contributes its calibrated probability to the expected confusion
matrix (and to the expected ROC curve), and the metric is computed from those
expectations. It stays right under covariate shift (the inputs move, the relation
between inputs and outcome does not), the usual way a model's traffic changes; it
cannot see concept drift, which only labels reveal, so realized performance is shown
beside it wherever labels exist.

The calibration is learned at training from rows the model did not learn from: the
held-out rows and, unless those are many, the training rows' out-of-fold outputs
(``runtime.training``). Isotonic (monotone, no shape assumed) once those rows are
enough to shape it, Platt's sigmoid below; stored in the artifact as knots that
``numpy.interp`` applies: estimating needs no scikit-learn. Where the rows' features
are at hand (``monitor --current``, the prediction log), the calibration given the
features too (``runtime.featurecalibration``) is used instead: it stays right when
traffic shifts along an input the score under-uses. A regressor's error cannot be
estimated this way (a prediction carries no confidence): ``estimate`` says so rather
than guessing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .featurecalibration import (
    PROBABILITY,
    calibration_targets,
    chances_given_features,
    logit,
)

__all__ = [
    "ESTIMABLE",
    "Calibration",
    "calibrate",
    "chances",
    "estimate",
    "fit_calibration",
    "from_chances",
    "unestimable",
]

THRESHOLD = 0.5  # as performance.THRESHOLD: a binary model's positive call
# What can be estimated from calibrated probabilities, per task.
ESTIMABLE = {
    "binary_classification": (
        "roc_auc",
        "accuracy",
        "balanced_accuracy",
        "f1",
        "precision",
        "recall",
        "log_loss",
        "brier",
    ),
    "multiclass_classification": ("accuracy", "f1_macro", "log_loss", "roc_auc"),
    "regression": (),
}
EPSILON = 1e-15
# Rows from which isotonic calibration is used (scikit-learn's advice too); fewer
# get Platt's sigmoid, written as this many knots.
ISOTONIC_ROWS = 1000
SIGMOID_KNOTS = 201

# {class or "score": {"x": knots, "y": calibrated values}}
Calibration = Mapping[str, Mapping[str, Sequence[float]]]


def _isotonic(scores: np.ndarray, outcomes: np.ndarray) -> dict[str, list[float]]:
    from sklearn.isotonic import IsotonicRegression  # training only

    fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
        scores, outcomes
    )
    return {
        "x": fitted.X_thresholds_.tolist(),
        "y": fitted.y_thresholds_.tolist(),
    }


def _sigmoid(scores: np.ndarray, outcomes: np.ndarray) -> dict[str, list[float]]:
    """Platt's two-parameter fit on the scores' log-odds, as knots on a grid."""
    from sklearn.linear_model import LogisticRegression  # training only

    def column(values: np.ndarray) -> np.ndarray:
        return logit(values).reshape(-1, 1)

    if len(np.unique(outcomes)) < 2:  # one class seen: nothing to scale
        return {"x": [0.0, 1.0], "y": [float(outcomes.mean())] * 2}
    fitted = LogisticRegression(C=1e6).fit(column(scores), outcomes)
    grid = np.linspace(0.0, 1.0, SIGMOID_KNOTS)
    return {"x": grid.tolist(), "y": fitted.predict_proba(column(grid))[:, 1].tolist()}


def _calibration(scores: np.ndarray, outcomes: np.ndarray) -> dict[str, list[float]]:
    """Isotonic (no shape assumed) once there are enough rows to shape it; below
    that its steps follow the noise, and Platt's two parameters do better (bench
    estimation: 0.05 of roc_auc off with isotonic on 400 rows)."""
    if len(scores) >= ISOTONIC_ROWS:
        return _isotonic(scores, outcomes)
    return _sigmoid(scores, outcomes)


def fit_calibration(
    task: str, outputs: pd.DataFrame, labels: np.ndarray
) -> dict | None:
    """The calibration of ``outputs`` the model gave rows it did not learn from
    (``score``, or ``probability[c]`` columns) against their ``labels``; None for
    a regressor."""
    if not ESTIMABLE.get(task):
        return None
    return {
        key: _calibration(output, positive.astype(float))
        for key, (output, positive) in calibration_targets(
            task, outputs, labels
        ).items()
    }


def calibrate(knots: Mapping[str, Sequence[float]], scores: np.ndarray) -> np.ndarray:
    return np.interp(scores, knots["x"], knots["y"])


def _expected_auc(scores: np.ndarray, chance: np.ndarray) -> float:
    """The area under the ROC curve whose true and false positives at each cut are
    the calibrated chances of the rows above it (tied scores cut together)."""
    order = np.argsort(-scores, kind="stable")
    scores, chance = scores[order], chance[order]
    cuts = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    positives = np.cumsum(chance)[cuts]
    negatives = np.cumsum(1.0 - chance)[cuts]
    if positives[-1] <= 0 or negatives[-1] <= 0:
        return float("nan")
    tpr = np.r_[0.0, positives / positives[-1]]
    fpr = np.r_[0.0, negatives / negatives[-1]]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def _binary(metric: str, scores: np.ndarray, chance: np.ndarray) -> float:
    called = scores > THRESHOLD
    tp = float(np.sum(chance[called]))
    fp = float(np.sum(1 - chance[called]))
    fn = float(np.sum(chance[~called]))
    tn = float(np.sum(1 - chance[~called]))
    if metric == "roc_auc":
        return _expected_auc(scores, chance)
    if metric == "accuracy":
        return (tp + tn) / len(scores)
    if metric == "balanced_accuracy":
        return (tp / max(tp + fn, EPSILON) + tn / max(tn + fp, EPSILON)) / 2
    if metric == "precision":
        return tp / (tp + fp) if tp + fp else 0.0
    if metric == "recall":
        return tp / max(tp + fn, EPSILON)
    if metric == "f1":
        return 2 * tp / max(2 * tp + fp + fn, EPSILON)
    clipped = np.clip(scores, EPSILON, 1 - EPSILON)
    if metric == "log_loss":
        losses = -(chance * np.log(clipped) + (1 - chance) * np.log(1 - clipped))
        return float(np.mean(losses))
    # brier: E[(score - y)^2] with y ~ Bernoulli(chance)
    return float(np.mean(chance * (1 - scores) ** 2 + (1 - chance) * scores**2))


def _multiclass(metric: str, raw: np.ndarray, chances: np.ndarray) -> float:
    chances = chances / np.maximum(chances.sum(axis=1, keepdims=True), EPSILON)
    called = np.argmax(raw, axis=1)
    rows = np.arange(len(raw))
    if metric == "accuracy":
        return float(np.mean(chances[rows, called]))
    if metric == "log_loss":
        clipped = np.clip(raw, EPSILON, 1)
        return float(np.mean(-np.sum(chances * np.log(clipped), axis=1)))
    if metric == "roc_auc":  # one against the rest, averaged as scikit-learn does
        areas = [_expected_auc(raw[:, i], chances[:, i]) for i in range(raw.shape[1])]
        return float(np.nanmean(areas))
    scores = []  # f1_macro: each class's expected F1
    for i in range(raw.shape[1]):
        mine = called == i
        tp = float(np.sum(chances[mine, i]))
        fp = float(np.sum(1 - chances[mine, i]))
        fn = float(np.sum(chances[~mine, i]))
        scores.append(2 * tp / max(2 * tp + fp + fn, EPSILON))
    return float(np.mean(scores))


def _given_features(
    matrix: np.ndarray | None, calibration: Mapping | None, rows: int
) -> Mapping | None:
    """The calibration given the features, when it applies to ``matrix``."""
    if matrix is None or not calibration:
        return None
    matrix = np.asarray(matrix)
    if matrix.shape != (rows, len(calibration["columns"])):
        return None
    return calibration


def chances(
    task: str,
    frame: pd.DataFrame,
    calibration: Calibration,
    matrix: np.ndarray | None = None,
    feature_calibration: Mapping | None = None,
) -> tuple[np.ndarray, bool]:
    """(each row's calibrated chance: of the positive class, or of each class in
    ``calibration``'s order; whether it was given the features). With ``matrix``
    (the rows' model columns, in ``frame``'s order) and ``feature_calibration``,
    each chance is calibrated given the row's features too."""
    given = _given_features(matrix, feature_calibration, len(frame))

    def chance(key: str, output: np.ndarray) -> np.ndarray:
        if given is not None:
            return chances_given_features(given, key, output, np.asarray(matrix))
        return calibrate(calibration[key], output)

    if task == "binary_classification":
        return chance("score", frame["score"].to_numpy(dtype=float)), given is not None
    raw = _probabilities(frame, list(calibration))
    columns = [chance(c, raw[:, i]) for i, c in enumerate(calibration)]
    return np.column_stack(columns), given is not None


def _probabilities(frame: pd.DataFrame, classes: Sequence[str]) -> np.ndarray:
    return np.column_stack(
        [frame[f"{PROBABILITY}{c}]"].to_numpy(dtype=float) for c in classes]
    )


def from_chances(
    task: str,
    metric: str,
    frame: pd.DataFrame,
    chance: np.ndarray,
    classes: Sequence[str] = (),
) -> float:
    """The ``metric`` expected of the outputs in ``frame`` given each row's
    ``chance`` (``chances``; for multiclass, one column per class of ``classes``)."""
    if task == "binary_classification":
        return _binary(metric, frame["score"].to_numpy(dtype=float), chance)
    return _multiclass(metric, _probabilities(frame, classes), chance)


def unestimable(task: str, metric: str, calibration: Calibration | None) -> str | None:
    """Why ``metric`` cannot be estimated for ``task``, or None when it can."""
    if task == "regression":
        return "no estimate for a regressor: its predictions carry no confidence"
    if metric not in ESTIMABLE[task]:
        return f"{metric} cannot be estimated from calibrated probabilities"
    if not calibration:
        return "the artifact holds no calibration: retrain to estimate"
    return None


def estimate(
    task: str,
    metric: str,
    frame: pd.DataFrame,
    calibration: Calibration | None,
    matrix: np.ndarray | None = None,
    feature_calibration: Mapping | None = None,
) -> tuple[float | None, str]:
    """(the estimated ``metric`` of the outputs in ``frame``, or None, and why).

    With ``matrix`` (the rows' model columns, in ``frame``'s order) and the
    artifact's ``feature_calibration``, each row's chance is calibrated given its
    features too; otherwise given its output alone (``calibration``)."""
    reason = unestimable(task, metric, calibration)
    if reason is not None:
        return None, reason
    if frame.empty:
        return None, "no rows"
    chance, given = chances(task, frame, calibration, matrix, feature_calibration)
    how = "confidence-based estimate" + (", given the features" if given else "")
    return from_chances(task, metric, frame, chance, list(calibration)), how
