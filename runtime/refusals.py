# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""What a request gets when the feature store cannot serve its entities.

The store's errors (``runtime.store``) say which entities it could not serve and
why; a request gets a 4xx naming each record whose entity it is (404 unknown, 409
stale or null), or 503 when the store itself cannot be read: that is no fault of
the request.
"""

from __future__ import annotations

import pandas as pd

from .definition import Precompute
from .errors import (
    FeatureStoreError,
    MissingEntityError,
    NullFeatureError,
    StaleFeatureError,
)
from .requests import Rejected, body_violation
from .rules import clipped

__all__ = ["refused"]

# What a request gets for each refusal of the store: (status, rule, message).
_REFUSALS = {
    MissingEntityError: (404, "unknown_entity", "no precomputed features for {}"),
    StaleFeatureError: (409, "stale_features", "the precomputed features of {} are"),
    NullFeatureError: (409, "null_features", "the precomputed features of {} hold"),
}


def refused(
    error: FeatureStoreError,
    keys: list[str],
    precompute: Precompute,
    index: pd.Index | None = None,
) -> Rejected:
    """What a request gets when the store cannot serve its entities: 404 for
    entities the store does not hold, 409 for features that are stale (older than
    max_age, or computed at a missing or future time) or hold no value. Each
    record whose entity it is gets a violation (in a batch, with its ``index``).
    A store that cannot be read at all is no fault of the request: 503."""
    if type(error) not in _REFUSALS:
        return Rejected(503, str(error), [])
    status, rule, text = _REFUSALS[type(error)]
    entity, named = precompute.entity, set(error.entities)
    reasons = getattr(error, "reasons", {})
    rows = [None] * len(keys) if index is None else list(index)
    violations = []
    for key, row in zip(keys, rows, strict=True):
        if key not in named:
            continue
        message = text.format(f"{entity} {clipped(key)}")
        if isinstance(error, StaleFeatureError):
            default = f"older than max_age {precompute.max_age}"
            message += f" stale: {reasons.get(key, default)}"
        elif key in reasons:
            message += f" {reasons[key]}"
        violation = body_violation(rule, message, entity)
        violations.append(violation if row is None else {**violation, "index": row})
    return Rejected(status, str(error), violations)
