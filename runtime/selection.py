# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Choosing among candidate algorithms by cross-validation on the training split.

Each candidate is fitted and scored on the same K folds (stratified for a
classifier, shuffled with the training seed), with the spec's metric; the best
mean wins, the earlier candidate on a tie. The held-out split is never seen
here: it judges only the winner, refitted on the whole training split.

The same folds give every training row an output from a model that did not learn
from it (``out_of_fold``), which the calibration of a classifier's outputs learns
from (``runtime.training``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

from .definition import Model
from .errors import TrainingError
from .model import evaluate, fit, predict

__all__ = [
    "FOLDS",
    "LOWER_IS_BETTER",
    "Candidate",
    "best",
    "cross_validate",
    "fold_count",
    "folds",
    "out_of_fold",
]

FOLDS = 5
# Each validation fold holds at least this many rows, or there are fewer folds.
MIN_FOLD_ROWS = 10
# The metrics where a smaller value is better (errors and losses).
LOWER_IS_BETTER = ("log_loss", "brier", "rmse", "mae", "mape")


@dataclass(frozen=True)
class Candidate:
    """One algorithm's cross-validated metric: the mean and standard deviation
    over the folds."""

    algorithm: str
    mean: float
    std: float
    folds: int

    def as_dict(self) -> dict:
        return {"mean": self.mean, "std": self.std, "folds": self.folds}


def fold_count(settings: Model, target: np.ndarray) -> int:
    """FOLDS, fewer when the training split is small: no fold under
    MIN_FOLD_ROWS rows, none without every class (below 2, no folds at all)."""
    count = min(FOLDS, len(target) // MIN_FOLD_ROWS)
    if settings.classifier:
        count = min(count, int(np.unique(target, return_counts=True)[1].min()))
    return count


def folds(settings: Model, target: np.ndarray, seed: int):
    """The splitter: ``fold_count`` folds, stratified for a classifier."""
    count = fold_count(settings, target)
    if count < 2:
        raise TrainingError(
            f"the training split ({len(target)} rows) is too small to compare "
            f"{len(settings.algorithms)} algorithms by cross-validation (every fold "
            "needs each class and "
            f"{MIN_FOLD_ROWS} rows); name one algorithm, or add data"
        )
    splitter = StratifiedKFold if settings.classifier else KFold
    return splitter(n_splits=count, shuffle=True, random_state=seed)


def cross_validate(
    settings: Model, matrix: np.ndarray, target: np.ndarray, seed: int
) -> list[Candidate]:
    """Every candidate's metric over the same folds, in the spec's order."""
    splitter = folds(settings, target, seed)
    parts = list(splitter.split(matrix, target))
    candidates = []
    for algorithm in settings.algorithms:
        scores = [
            evaluate(
                settings.task,
                settings.metric,
                fit(settings, matrix[fitted], target[fitted], seed, algorithm),
                matrix[scored],
                target[scored],
            )
            for fitted, scored in parts
        ]
        candidates.append(
            Candidate(
                algorithm, float(np.mean(scores)), float(np.std(scores)), len(parts)
            )
        )
    return candidates


def best(candidates: list[Candidate], metric: str) -> Candidate:
    """The candidate with the best mean (the first of equals)."""
    sign = -1.0 if metric in LOWER_IS_BETTER else 1.0
    # A NaN mean (a metric undefined on some fold) never wins.
    ranked = [c for c in candidates if np.isfinite(c.mean)] or candidates
    return max(ranked, key=lambda c: sign * c.mean)


def out_of_fold(
    settings: Model, matrix: np.ndarray, target: np.ndarray, seed: int, algorithm: str
):
    """Each row's output (as ``predict`` gives it) from ``algorithm`` fitted on
    the folds without that row: outputs like held-out ones, for every row."""
    outputs = None
    for fitted, scored in folds(settings, target, seed).split(matrix, target):
        model = fit(settings, matrix[fitted], target[fitted], seed, algorithm)
        part = predict(settings.task, model, matrix[scored])
        if settings.task == "multiclass_classification":
            part = part[1]  # the probabilities; the folds keep every class
        if outputs is None:
            outputs = np.zeros((len(target), *np.shape(part)[1:]))
        outputs[scored] = part
    if settings.task == "multiclass_classification":
        return np.asarray(model.classes_)[np.argmax(outputs, axis=1)], outputs
    return outputs
