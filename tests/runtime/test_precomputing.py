"""Precomputed features: the batch that fills the store, and requests joined to it."""

from __future__ import annotations

import pandas as pd
import pytest
from order_rows import order_rows
from precomputed import AS_OF, FEATURES, PRECOMPUTE

from modelplate.runtime.contract import validate_frame
from modelplate.runtime.definition import Precompute
from modelplate.runtime.features import build_features
from modelplate.runtime.precomputing import compute_features, online_features
from modelplate.runtime.store import FeatureStore

SETTINGS = {"features": FEATURES, "precompute": PRECOMPUTE}


def _frame(count: int) -> pd.DataFrame:
    rows = order_rows(count, coupon=None, **{"Ship To": None})
    return pd.DataFrame(rows, dtype=object)


def test_columns_default_to_the_features():
    assert PRECOMPUTE.columns == ("per_item", "bulk")
    one_hot = Precompute("id", ("c",), "1h", 3600.0, "s", columns=("c=a", "c=b"))
    assert one_hot.columns == ("c=a", "c=b")


def test_a_batch_gives_one_row_per_entity_the_last_winning(contract):
    frame = _frame(4)
    frame.loc[3, "order_id"] = "O0000"  # the first entity again, later
    frame.loc[2, "items"] = 0  # breaks the contract
    table, rejects = compute_features(frame, {}, AS_OF, contract=contract, **SETTINGS)
    assert list(table.columns) == ["order_id", "per_item", "bulk"]
    assert sorted(table["order_id"]) == ["O0000", "O0001"]
    first = table.set_index("order_id").loc["O0000"]
    assert first["per_item"] == pytest.approx(44.0 / 22.0)
    assert list(rejects.index) == [2]


def test_a_request_without_offline_fields_builds_the_full_model_input(
    contract, tmp_path
):
    frame = _frame(12)
    table, _ = compute_features(frame, {}, AS_OF, contract=contract, **SETTINGS)
    store = FeatureStore(tmp_path / "features.sqlite", PRECOMPUTE, contract)
    store.write(table, AS_OF)
    fields = tuple(f for f in contract.fields if f.name not in PRECOMPUTE.offline_only)
    requests = frame.drop(columns=list(PRECOMPUTE.offline_only))
    checked, _ = validate_frame(requests, contract, fields)
    _, online = online_features(checked, AS_OF, {}, store, FEATURES)
    valid, _ = validate_frame(frame, contract)
    full = build_features(valid, AS_OF, {}, FEATURES, contract.fields)
    pd.testing.assert_frame_equal(online, full)
