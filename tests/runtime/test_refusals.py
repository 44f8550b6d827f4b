"""What a request gets when the feature store cannot serve its entities: a 4xx
naming each record whose entity it is, or 503 when the store cannot be read."""

from __future__ import annotations

import pandas as pd
from orders import STORE

from modelplate.runtime.errors import (
    FeatureStoreError,
    MissingEntityError,
    NullFeatureError,
    StaleFeatureError,
)
from modelplate.runtime.refusals import refused


def test_unknown_entities_are_404_for_each_record_of_theirs_in_a_batch():
    error = MissingEntityError("2 unknown", ["O2", "O9"])
    rejected = refused(error, ["O1", "O2", "O9", "O2"], STORE, pd.Index([0, 1, 2, 3]))
    assert rejected.status == 404
    assert [v["index"] for v in rejected.violations] == [1, 2, 3]
    first = rejected.violations[0]
    assert first["field"] == "order_id" and first["rule"] == "unknown_entity"
    assert first["message"] == "no precomputed features for order_id O2"


def test_stale_and_null_features_are_409_with_their_reason():
    stale = refused(
        StaleFeatureError("stale", ["O1"], {"O1": "computed in the future"}),
        ["O1"],
        STORE,
    )
    assert stale.status == 409 and stale.violations[0]["rule"] == "stale_features"
    assert stale.violations[0]["message"].endswith("stale: computed in the future")
    assert "index" not in stale.violations[0]  # one record: no position
    default = refused(StaleFeatureError("stale", ["O1"]), ["O1"], STORE)
    assert default.violations[0]["message"].endswith("older than max_age 1h")
    null = refused(NullFeatureError("null", ["O1"], {"O1": "items"}), ["O1"], STORE)
    assert (null.status, null.violations[0]["rule"]) == (409, "null_features")
    assert null.violations[0]["message"].endswith("hold items")


def test_a_store_that_cannot_be_read_is_503_and_no_fault_of_the_request():
    rejected = refused(FeatureStoreError("store.db: locked"), ["O1"], STORE)
    assert (rejected.status, rejected.violations) == (503, [])
    assert rejected.detail == "store.db: locked"


def test_a_long_entity_key_is_clipped_in_the_message():
    key = "O" * 10_000
    rejected = refused(MissingEntityError("unknown", [key]), [key], STORE)
    assert len(rejected.violations[0]["message"]) < 200
