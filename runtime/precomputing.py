# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Features computed ahead of time, in batch, and joined to requests online.

``compute_features`` runs the same contract and feature functions as scoring over
a batch, one row per entity, for ``precompute`` to write into the feature store
(``runtime.store``); ``online_features`` builds checked requests' features with
the precomputed ones looked up there.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .contract import validate_frame
from .definition import Contract, Features, Precompute
from .features import assemble, derive_features, impute
from .store import FeatureStore

__all__ = ["compute_features", "online_features"]


def compute_features(
    frame: pd.DataFrame,
    imputation: Mapping[str, object],
    as_of: pd.Timestamp,
    *,
    contract: Contract,
    features: Features,
    precompute: Precompute,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per entity: the entity and the precomputed columns, rejected rows).

    Pure. The features are the scoring path's own (same contract, imputation and
    functions). When an entity appears more than once the last row wins, as in a
    snapshot appended to over time.
    """
    valid, rejects = validate_frame(frame, contract)
    inputs = impute(valid, imputation, contract.fields)
    derived = derive_features(inputs, valid, as_of, features)
    entity = precompute.entity
    table = pd.concat([valid[[entity]], derived[list(precompute.columns)]], axis=1)
    return table.drop_duplicates(entity, keep="last"), rejects


def online_features(
    valid: pd.DataFrame,
    as_of: pd.Timestamp,
    imputation: Mapping[str, object],
    store: FeatureStore,
    features: Features,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(derived features, model input frame) of checked requests, the precomputed
    features looked up in ``store`` by entity."""
    looked_up = store.lookup(valid[store.precompute.entity], as_of)
    inputs = impute(valid, imputation, store.contract.fields)
    derived = derive_features(inputs, valid, as_of, features, looked_up)
    return derived, assemble(inputs, derived, features)
