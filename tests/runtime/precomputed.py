"""Two features of the orders contract, precomputed per order: what the store's and
the precomputing tests share."""

from __future__ import annotations

import pandas as pd

from modelplate.runtime.definition import Features, Precompute

AS_OF = pd.Timestamp("2024-06-01")
FEATURES = Features(
    expressions={
        "per_item": lambda inputs, raw, as_of: inputs["amount"] / inputs["items"],
        "bulk": lambda inputs, raw, as_of: inputs["items"] > 50,
    },
    model_columns=("per_item", "bulk", "channel"),
)
PRECOMPUTE = Precompute(
    entity="order_id",
    features=("per_item", "bulk"),
    booleans=("bulk",),
    max_age="1h",
    max_age_seconds=3600.0,
    store="features.sqlite",
    offline_only=("amount",),
)
