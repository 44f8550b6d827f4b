"""The candidate algorithms an inferred spec proposes, by the size of the data.

Training compares the candidates by cross-validation and keeps the best, so the
list is a few learners that fail differently: a linear model (which a small or
noisy table often favours: on scikit-learn's diabetes data, 442 rows, a linear
model reached r2 0.33-0.44 where gradient boosting reached 0.16), a random
forest and gradient boosting. On larger data the forest gives way to LightGBM,
fast on many rows; the generated project's `[train]` installs what the spec names
(its `[lightgbm]` extra, 10 MB). XGBoost is never proposed: its wheel brings
NVIDIA's NCCL, about 700 MB installed, for a learner of the same family.
"""

from __future__ import annotations

# Below this many rows the candidates are the small-data ones.
SMALL_DATA_ROWS = 2000

_LINEAR = {
    "binary_classification": "logistic_regression",
    "multiclass_classification": "logistic_regression",
    "regression": "linear_regression",
}


def candidates(task: str, rows: int | None) -> list[str]:
    """The learners to compare for ``task`` on ``rows`` rows (None: more than
    were read, an unknown number)."""
    if rows is not None and rows < SMALL_DATA_ROWS:
        return [_LINEAR[task], "random_forest", "hist_gradient_boosting"]
    return [_LINEAR[task], "hist_gradient_boosting", "lightgbm"]


def describe(rows: int | None) -> str:
    """Why these candidates, for the comment beside them."""
    if rows is not None and rows < SMALL_DATA_ROWS:
        return f"{rows:,} rows: small data, where a linear model often wins"
    return "larger data; lightgbm installs with the [lightgbm] extra, via [train]"
