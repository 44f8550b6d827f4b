"""The feature store: batch compute, lookups by entity, staleness, identity."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import numpy as np
import pandas as pd
import pytest
from order_rows import order_rows

from modelplate.runtime.contract import validate_frame
from modelplate.runtime.definition import Contract, Features, Precompute
from modelplate.runtime.errors import (
    FeatureStoreError,
    MissingEntityError,
    NullFeatureError,
    StaleFeatureError,
)
from modelplate.runtime.features import build_features
from modelplate.runtime.store import (
    FeatureStore,
    compute_features,
    entity_key,
    entity_keys,
    online_features,
)

AS_OF = pd.Timestamp("2024-06-01")
SECOND = pd.Timedelta(seconds=1)
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
SETTINGS = {"features": FEATURES, "precompute": PRECOMPUTE}


def _frame(count: int) -> pd.DataFrame:
    rows = order_rows(count, coupon=None, **{"Ship To": None})
    return pd.DataFrame(rows, dtype=object)


@pytest.fixture
def store(contract, tmp_path) -> FeatureStore:
    table, rejects = compute_features(
        _frame(12), {}, AS_OF, contract=contract, **SETTINGS
    )
    assert rejects.empty
    store = FeatureStore(tmp_path / "features.sqlite", PRECOMPUTE, contract)
    assert store.write(table, AS_OF) == 12 == len(store)
    return store


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


def test_a_lookup_gives_what_the_batch_computed(store, contract):
    frame = _frame(12).iloc[[5, 2, 5]]
    found = store.lookup(frame["order_id"], AS_OF + pd.Timedelta(hours=1))
    assert found.index.equals(frame.index)
    assert list(found.columns) == ["per_item", "bulk"]
    expected = frame["amount"].astype(float) / frame["items"].astype(float)
    np.testing.assert_allclose(found["per_item"], expected)
    assert found["bulk"].dtype == bool
    assert found["bulk"].tolist() == (frame["items"] > 50).tolist()


def test_one_entity_is_looked_up_as_the_batch_looks_it_up(store):
    ids = pd.Series(["O0007"])
    batch = store.lookup(ids, AS_OF)
    one = store.lookup_one("O0007", AS_OF)
    assert one["per_item"][0] == batch["per_item"].iloc[0]
    assert one["bulk"].dtype == bool and one["bulk"][0] == batch["bulk"].iloc[0]


def test_values_older_than_max_age_are_refused_naming_the_entity(store):
    late = AS_OF + pd.Timedelta(hours=1) + SECOND
    with pytest.raises(StaleFeatureError, match="O0003.*max_age 1h") as raised:
        store.lookup(pd.Series(["O0003", "O0004"]), late)
    assert raised.value.entities == ["O0003", "O0004"]
    with pytest.raises(StaleFeatureError, match="O0003"):
        store.lookup_one("O0003", late)


def test_missing_entities_are_all_named_and_no_partial_answer(store):
    unknown = [f"X{n}" for n in range(7)]
    with pytest.raises(MissingEntityError, match=r"\(and 2 more\)") as raised:
        store.lookup(pd.Series(["O0001", *unknown]), AS_OF)
    assert raised.value.entities == unknown
    with pytest.raises(MissingEntityError, match="run `precompute`"):
        store.lookup_one("X0", AS_OF)


def test_a_store_written_under_another_contract_is_refused(store, contract):
    narrower = Contract(contract.title, contract.fields[:-1])
    other = FeatureStore(store.path, PRECOMPUTE, narrower, command="svc precompute")
    with pytest.raises(FeatureStoreError, match="another input contract"):
        other.open()
    one_column = Precompute("order_id", ("per_item",), "1h", 3600.0, "s")
    with pytest.raises(FeatureStoreError, match="other features"):
        table = pd.DataFrame({"order_id": ["O9999"], "per_item": [1.0]})
        FeatureStore(store.path, one_column, contract).write(table, AS_OF)
    with pytest.raises(MissingEntityError):
        store.lookup_one("O9999", AS_OF)


def test_a_missing_store_stops_the_service_at_open(contract, tmp_path):
    missing = FeatureStore(tmp_path / "none.sqlite", PRECOMPUTE, contract, command="c")
    assert len(missing) == 0
    with pytest.raises(FeatureStoreError, match="run `c` first"):
        missing.open()


def test_an_open_store_serves_lookups_on_its_connection(store):
    store.open()
    try:
        assert store.lookup(pd.Series(["O0001"]), AS_OF).shape == (1, 2)
    finally:
        store.close()


def test_numeric_entities_are_keyed_as_written():
    assert entity_key(12.0) == "12" and entity_key(np.float64(1.5)) == "1.5"
    assert entity_key("A1") == "A1"
    assert entity_keys(pd.Series([3.0, 4.0])) == ["3", "4"]


def test_a_request_without_offline_fields_builds_the_full_model_input(store, contract):
    frame = _frame(12)
    fields = tuple(f for f in contract.fields if f.name not in PRECOMPUTE.offline_only)
    requests = frame.drop(columns=list(PRECOMPUTE.offline_only))
    checked, _ = validate_frame(requests, contract, fields)
    _, online = online_features(checked, AS_OF, {}, store, FEATURES)
    valid, _ = validate_frame(frame, contract)
    full = build_features(valid, AS_OF, {}, FEATURES, contract.fields)
    pd.testing.assert_frame_equal(online, full)


def _set(store: FeatureStore, statement: str, *parameters) -> None:
    with closing(sqlite3.connect(store.path)) as connection, connection:
        connection.execute(statement, parameters)


@pytest.mark.parametrize(
    "computed_at, reason",
    [
        ("", "is not an ISO 8601 time"),
        ("   ", "is not an ISO 8601 time"),
        ("2024-13-45", "is not an ISO 8601 time"),
        ("yesterday", "is not an ISO 8601 time"),
        ("2024-06-01T00:00:01", "in the future"),
        ("2030-01-01", "in the future"),
        ("2024-05-01T00:00:00+02:00", "older than max_age"),
    ],
)
def test_a_time_that_is_not_a_past_time_within_max_age_is_stale(
    store, computed_at, reason
):
    _set(
        store, "UPDATE features SET computed_at = ? WHERE entity = 'O0003'", computed_at
    )
    with pytest.raises(StaleFeatureError, match="O0003") as raised:
        store.lookup(pd.Series(["O0002", "O0003"]), AS_OF)
    assert raised.value.entities == ["O0003"]
    assert reason in raised.value.reasons["O0003"]
    with pytest.raises(StaleFeatureError, match=reason):
        store.lookup_one("O0003", AS_OF)


def test_an_aware_time_is_compared_in_utc(store):
    _set(store, "UPDATE features SET computed_at = '2024-06-01T01:30:00+02:00'")
    assert store.lookup_one("O0003", AS_OF)["per_item"].shape == (1,)


@pytest.mark.parametrize("value", [None, "abc", float("inf")])
def test_a_feature_with_no_finite_value_is_refused_naming_it(store, value):
    _set(store, "UPDATE features SET per_item = ? WHERE entity = 'O0003'", value)
    with pytest.raises(NullFeatureError, match="O0003.*per_item") as raised:
        store.lookup(pd.Series(["O0002", "O0003"]), AS_OF)
    assert raised.value.entities == ["O0003"]
    with pytest.raises(NullFeatureError, match="per_item"):
        store.lookup_one("O0003", AS_OF)


def _broken(path, how: str) -> None:
    if how == "empty file":
        path.write_bytes(b"")
    elif how == "not sqlite":
        path.write_bytes(b"this is no database\n" * 100)
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[:1500])
    elif how == "no tables":
        path.unlink()
        sqlite3.connect(path).close()
        _exec(path, "CREATE TABLE other (x)")
    elif how == "no features table":
        _exec(path, "DROP TABLE features")
    elif how == "no features":
        _exec(path, "DELETE FROM features")


def _exec(path, statement: str) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(statement)


@pytest.mark.parametrize(
    "how",
    [
        "empty file",
        "not sqlite",
        "truncated",
        "no tables",
        "no features table",
        "no features",
    ],
)
def test_a_store_that_cannot_serve_stops_the_service_at_open(store, how):
    _broken(store.path, how)
    with pytest.raises(FeatureStoreError, match=str(store.path)) as raised:
        store.open()
    assert "\n" not in str(raised.value)
    assert "`precompute`" in str(raised.value)


def test_a_store_broken_while_open_fails_its_lookups_as_a_store_error(store):
    store.open()
    try:
        store.path.write_bytes(b"\0" * store.path.stat().st_size)
        with pytest.raises(FeatureStoreError, match="cannot read") as raised:
            store.lookup_one("O0003", AS_OF)
        assert not isinstance(raised.value, MissingEntityError | StaleFeatureError)
        with pytest.raises(FeatureStoreError, match="cannot read"):
            store.sample()
    finally:
        store.close()
