# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A classifier's outputs calibrated given the model's features as well as its score.

Calibrating the score alone (``runtime.estimation``) assumes that, among rows given
the same score, the share of positives is the same in every window. Traffic that
shifts along an input the model under-uses breaks that: in a window of customers
with many support tickets, a score of 0.6 is right more often than on average
(bench estimation: the roc_auc estimate 0.067 off along ``support_tickets_90d``,
0.026 given the features). A logistic regression on the output's log-odds and the
model's columns, fitted on rows the model did not learn from, corrects what is
linear in those columns.

Fitted on standardized columns (so one penalty fits columns of any scale) and
stored unstandardized: applying it is one dot product in numpy, no scikit-learn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "PROBABILITY",
    "calibration_targets",
    "chances_given_features",
    "fit_feature_calibration",
    "logit",
]

PROBABILITY = "probability["
# The inverse strength of the L2 penalty on standardized columns (scikit-learn's
# C). In trials on the churn service's shifted windows, 0.01 and 1.0 did no better
# than 0.1, nor did adding the columns' squares.
STRENGTH = 0.1
# Log-odds are taken of outputs clipped to [CLIP, 1 - CLIP]: a score of exactly 0
# or 1 is a finite, extreme value, not an infinity.
CLIP = 1e-6


def logit(values: np.ndarray) -> np.ndarray:
    clipped = np.clip(np.asarray(values, dtype=float), CLIP, 1 - CLIP)
    return np.log(clipped / (1 - clipped))


def calibration_targets(task: str, outputs: pd.DataFrame, labels: np.ndarray) -> dict:
    """{calibrated key: (the output, whether each row is that key's class)}."""
    if task == "binary_classification":
        scores = outputs["score"].to_numpy(dtype=float)
        return {"score": (scores, np.asarray(labels).astype(bool))}
    truth = np.asarray(labels).astype(str)
    return {
        name[len(PROBABILITY) : -1]: (
            outputs[name].to_numpy(dtype=float),
            truth == name[len(PROBABILITY) : -1],
        )
        for name in outputs.columns
        if str(name).startswith(PROBABILITY)
    }


def _fit_one(design: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """[intercept, weights...] of the logistic regression on ``design``'s
    standardized columns, returned for the unstandardized ones."""
    if positive.all() or not positive.any():  # one class: its share, nothing to weigh
        share = float(np.clip(positive.mean(), CLIP, 1 - CLIP))
        return np.r_[np.log(share / (1 - share)), np.zeros(design.shape[1])]
    from sklearn.linear_model import LogisticRegression  # training only

    center = design.mean(axis=0)
    scale = design.std(axis=0)
    scale[scale == 0] = 1.0  # a constant column: its weight is penalized to 0
    fitted = LogisticRegression(C=STRENGTH, max_iter=5000).fit(
        (design - center) / scale, positive
    )
    weights = fitted.coef_[0] / scale
    return np.r_[fitted.intercept_[0] - float(np.dot(weights, center)), weights]


def fit_feature_calibration(
    task: str,
    outputs: pd.DataFrame,
    labels: np.ndarray,
    matrix: np.ndarray,
    columns: Sequence[str],
) -> dict | None:
    """The calibration of ``outputs`` given ``matrix`` (the model's ``columns``),
    on rows the model did not learn from, against their ``labels``; None for a
    regressor. {"columns": [...], "weights": {key: {"intercept", "output",
    "features"}}}, a key per output calibrated (``score``, or each class)."""
    if task not in ("binary_classification", "multiclass_classification"):
        return None
    weights = {}
    for key, (output, positive) in calibration_targets(task, outputs, labels).items():
        fitted = _fit_one(np.column_stack([logit(output), matrix]), positive)
        weights[key] = {
            "intercept": float(fitted[0]),
            "output": float(fitted[1]),
            "features": fitted[2:].tolist(),
        }
    return {"columns": list(columns), "weights": weights}


def chances_given_features(
    calibration: Mapping, key: str, output: np.ndarray, matrix: np.ndarray
) -> np.ndarray:
    """Each row's calibrated chance of being ``key`` (``score``: positive), from
    its ``output`` and its row of ``matrix`` (the calibration's columns)."""
    weights = calibration["weights"][key]
    linear = (
        weights["intercept"]
        + weights["output"] * logit(output)
        + matrix @ np.asarray(weights["features"], dtype=float)
    )
    # exp of a large negative number overflows to inf, which gives 0: the right
    # limit, but numpy warns; clipped, the result is the same to 1e-300.
    return 1.0 / (1.0 + np.exp(-np.clip(linear, -700, 700)))
