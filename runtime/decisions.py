# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Business rules over the model's output and the inputs: what to do with a score.

Kept apart from the model on purpose: thresholds and actions change with the
business, not with the data, and must be readable without knowing any statistics.
A service's ``decisions.py`` writes each rule once, as a function whose docstring
is the rule as the spec states it (``definition.Rule``); rules are tried in order
and the first one that holds wins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .definition import Columns, Decisions

__all__ = ["choose", "decide"]


def _mask(condition: object, rows: int) -> np.ndarray:
    """A rule's result as a plain boolean array; a null comparison does not match."""
    if isinstance(condition, pd.Series):
        return condition.to_numpy(dtype=bool, na_value=False)
    values = np.asarray(condition, dtype=bool)
    # A constant from the rule applies to every row.
    return values if values.shape == (rows,) else np.broadcast_to(values, (rows,))


def choose(
    decisions: Decisions,
    inputs: Columns,
    features: Columns,
    outputs: Columns,
    rows: int,
) -> np.ndarray:
    """Each row's decision as an array: the ``then`` of the first rule that holds.

    Works on frames and on the one-record path's columns (``record``) alike.
    """
    if rows == 1:  # one request: the first rule that holds, without array bookkeeping
        for rule in decisions.rules:
            if _mask(rule.when(inputs, features, outputs), 1)[0]:
                return np.array([rule.then], dtype=object)
        return np.array([decisions.default], dtype=object)
    decided = np.full(rows, decisions.default, dtype=object)
    open_rows = np.ones(rows, dtype=bool)
    for rule in decisions.rules:
        matched = _mask(rule.when(inputs, features, outputs), rows)
        decided[matched & open_rows] = rule.then  # the first rule that holds wins
        open_rows &= ~matched
    return decided


def decide(
    decisions: Decisions,
    inputs: pd.DataFrame,
    features: pd.DataFrame,
    outputs: pd.DataFrame,
) -> pd.Series:
    """Each row's decision, named ``decisions.output``, on the inputs' index."""
    decided = choose(decisions, inputs, features, outputs, len(inputs.index))
    return pd.Series(decided, index=inputs.index, name=decisions.output, dtype=object)
