"""The feature store, the same cases on both backends: lookups by entity, what is
refused (stale, future, blank time, null, unknown) and whose store it is."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from order_rows import order_rows
from precomputed import AS_OF, FEATURES, PRECOMPUTE

from modelplate.runtime.definition import Contract, Precompute
from modelplate.runtime.errors import (
    FeatureStoreError,
    MissingEntityError,
    NullFeatureError,
    StaleFeatureError,
)
from modelplate.runtime.precomputing import compute_features
from modelplate.runtime.store import FeatureStore, entity_key, entity_keys, is_shared

SECOND = pd.Timedelta(seconds=1)
SETTINGS = {"features": FEATURES, "precompute": PRECOMPUTE}


def frame(count: int) -> pd.DataFrame:
    rows = order_rows(count, coupon=None, **{"Ship To": None})
    return pd.DataFrame(rows, dtype=object)


@pytest.fixture(params=["sqlite", "redis"])
def location(request, tmp_path) -> str:
    """An empty store's location on each backend."""
    if request.param == "redis":
        return request.getfixturevalue("redis_url")
    return str(tmp_path / "features.sqlite")


@pytest.fixture
def store(contract, location) -> FeatureStore:
    table, rejects = compute_features(
        frame(12), {}, AS_OF, contract=contract, **SETTINGS
    )
    assert rejects.empty
    store = FeatureStore(location, PRECOMPUTE, contract)
    assert store.write(table, AS_OF) == 12 == len(store)
    return store


def _plant(store: FeatureStore, key: str, computed_at: object, *values) -> None:
    """One row as a hand-edited store may hold it, written as the backend writes."""
    store.backend.put(store.identity, [(key, computed_at, *values)])


def test_a_location_names_its_backend(store, location):
    assert type(store.backend).__name__ == (
        "RedisRows" if is_shared(location) else "SqliteRows"
    )


def test_a_lookup_gives_what_the_batch_computed(store):
    rows = frame(12).iloc[[5, 2, 5]]
    found = store.lookup(rows["order_id"], AS_OF + pd.Timedelta(hours=1))
    assert found.index.equals(rows.index)
    assert list(found.columns) == ["per_item", "bulk"]
    expected = rows["amount"].astype(float) / rows["items"].astype(float)
    np.testing.assert_allclose(found["per_item"], expected)
    assert found["bulk"].dtype == bool
    assert found["bulk"].tolist() == (rows["items"] > 50).tolist()


def test_booleans_round_trip_in_both_lookups(store):
    _plant(store, "T", AS_OF.isoformat(), 1.5, 1.0)
    _plant(store, "F", AS_OF.isoformat(), 1.5, 0.0)
    found = store.lookup(pd.Series(["T", "F"]), AS_OF)
    assert found["bulk"].tolist() == [True, False]
    assert store.lookup_one("T", AS_OF)["bulk"].tolist() == [True]
    assert store.lookup_one("F", AS_OF)["bulk"].dtype == bool


def test_one_entity_is_looked_up_as_the_batch_looks_it_up(store):
    batch = store.lookup(pd.Series(["O0007"]), AS_OF)
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


@pytest.mark.parametrize(
    "computed_at, reason",
    [
        ("", "is not an ISO 8601 time"),
        ("   ", "is not an ISO 8601 time"),
        ("NaT", "is not an ISO 8601 time"),
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
    _plant(store, "O0003", computed_at, 1.0, 0.0)
    with pytest.raises(StaleFeatureError, match="O0003") as raised:
        store.lookup(pd.Series(["O0002", "O0003"]), AS_OF)
    assert raised.value.entities == ["O0003"]
    assert reason in raised.value.reasons["O0003"]
    with pytest.raises(StaleFeatureError, match=reason):
        store.lookup_one("O0003", AS_OF)


def test_an_aware_time_is_compared_in_utc(store):
    _plant(store, "O0003", "2024-06-01T01:30:00+02:00", 1.0, 0.0)
    assert store.lookup_one("O0003", AS_OF)["per_item"].tolist() == [1.0]


@pytest.mark.parametrize("value", [None, "abc", float("inf"), float("nan")])
def test_a_feature_with_no_finite_value_is_refused_naming_it(store, value):
    _plant(store, "O0003", AS_OF.isoformat(), value, 0.0)
    with pytest.raises(NullFeatureError, match="O0003.*per_item") as raised:
        store.lookup(pd.Series(["O0002", "O0003"]), AS_OF)
    assert raised.value.entities == ["O0003"]
    with pytest.raises(NullFeatureError, match="per_item"):
        store.lookup_one("O0003", AS_OF)


def test_a_missing_value_in_the_batch_is_stored_as_null(store):
    table = pd.DataFrame({"order_id": ["N1"], "per_item": [np.nan], "bulk": [0.0]})
    store.write(table, AS_OF)
    with pytest.raises(NullFeatureError, match="N1"):
        store.lookup_one("N1", AS_OF)
    # the readiness probe takes any entity's values, a null as 0
    assert set(store.sample()) == {"per_item", "bulk"}


def test_unknown_entities_are_all_named_and_no_partial_answer(store):
    unknown = [f"X{n}" for n in range(7)]
    with pytest.raises(MissingEntityError, match=r"\(and 2 more\)") as raised:
        store.lookup(pd.Series(["O0001", *unknown]), AS_OF)
    assert raised.value.entities == unknown
    with pytest.raises(MissingEntityError, match="run `precompute`"):
        store.lookup_one("X0", AS_OF)


def test_many_entities_are_looked_up_in_one_call(contract, location):
    count = 3000  # beyond every chunk a backend reads in
    keys = [f"E{n}" for n in range(count)]
    table = pd.DataFrame(
        {"order_id": keys, "per_item": np.arange(count) / 2, "bulk": [0.0] * count}
    )
    store = FeatureStore(location, PRECOMPUTE, contract)
    store.write(table, AS_OF)
    asked = pd.Series(keys[::-1] + keys[:5], index=range(10, 10 + count + 5))
    found = store.lookup(asked, AS_OF)
    assert found.index.equals(asked.index)
    expected = [int(key[1:]) / 2 for key in asked]
    assert found["per_item"].tolist() == expected
    with pytest.raises(MissingEntityError) as raised:
        store.lookup(pd.Series([*keys, "E-1"]), AS_OF)
    assert raised.value.entities == ["E-1"]


def test_a_write_replaces_its_entities_and_keeps_the_others(store):
    later = AS_OF + pd.Timedelta(minutes=30)
    table = pd.DataFrame({"order_id": ["O0001", "N"], "per_item": [9.0, 8.0]})
    table["bulk"] = 1.0
    assert store.write(table, later) == 2
    assert len(store) == 13
    assert store.lookup_one("O0001", later)["per_item"].tolist() == [9.0]
    assert store.lookup_one("N", later)["bulk"].tolist() == [True]
    with pytest.raises(StaleFeatureError, match="O0002"):
        store.lookup_one("O0002", later + pd.Timedelta(minutes=31))


def test_a_store_written_under_another_contract_is_refused(store, contract):
    narrower = Contract(contract.title, contract.fields[:-1])
    other = FeatureStore(store.location, PRECOMPUTE, narrower, command="svc precompute")
    with pytest.raises(FeatureStoreError, match="another input contract") as raised:
        other.open()
    assert "`svc precompute`" in str(raised.value)
    with pytest.raises(FeatureStoreError, match="another input contract"):
        other.lookup_one("O0001", AS_OF)
    with pytest.raises(FeatureStoreError, match="another input contract"):
        table = pd.DataFrame({"order_id": ["O9999"], "per_item": 1.0, "bulk": 0.0})
        other.write(table, AS_OF)
    with pytest.raises(MissingEntityError):
        store.lookup_one("O9999", AS_OF)


def test_another_services_columns_are_refused(store, contract):
    one_column = Precompute("order_id", ("per_item",), "1h", 3600.0, "s")
    other = FeatureStore(store.location, one_column, contract)
    table = pd.DataFrame({"order_id": ["O9999"], "per_item": [1.0]})
    with pytest.raises(FeatureStoreError, match="other features"):
        other.write(table, AS_OF)
    with pytest.raises(FeatureStoreError, match="other features"):
        other.open()
    with pytest.raises(MissingEntityError):
        store.lookup_one("O9999", AS_OF)
    assert len(store) == 12


def test_a_missing_store_stops_the_service_at_open(contract, location):
    missing = FeatureStore(location, PRECOMPUTE, contract, command="c")
    assert len(missing) == 0
    with pytest.raises(FeatureStoreError, match="run `c` first") as raised:
        missing.open()
    assert f"no feature store at {missing.location}" in str(raised.value)


def test_an_empty_store_stops_the_service_at_open(contract, location):
    empty = FeatureStore(location, PRECOMPUTE, contract, command="c")
    assert (
        empty.write(pd.DataFrame(columns=["order_id", "per_item", "bulk"]), AS_OF) == 0
    )
    with pytest.raises(FeatureStoreError, match="holds no precomputed features"):
        empty.open()


def test_an_open_store_serves_lookups_on_its_connection(store):
    store.open()
    try:
        assert store.lookup(pd.Series(["O0001"]), AS_OF).shape == (1, 2)
        assert store.lookup_one("O0002", AS_OF)["per_item"].shape == (1,)
    finally:
        store.close()


def test_a_lookup_during_a_write_sees_the_old_rows_or_the_new_never_a_mix(
    contract, location
):
    keys = [f"E{n}" for n in range(4000)]
    writer = FeatureStore(location, PRECOMPUTE, contract)

    def batch(value: float) -> pd.DataFrame:
        return pd.DataFrame({"order_id": keys, "per_item": value, "bulk": 0.0})

    writer.write(batch(0.0), AS_OF)
    reader = FeatureStore(location, PRECOMPUTE, contract).open()
    seen: list[set[float]] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(set(reader.lookup(pd.Series(keys), AS_OF)["per_item"]))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for value in (1.0, 2.0, 3.0, 4.0, 5.0):
            writer.write(batch(value), AS_OF)
    finally:
        done.set()
        thread.join()
        reader.close()
    assert seen and all(len(values) == 1 for values in seen), seen
    assert set(reader.lookup(pd.Series(keys), AS_OF)["per_item"]) == {5.0}


def test_numeric_entities_are_keyed_as_written():
    assert entity_key(12.0) == "12" and entity_key(np.float64(1.5)) == "1.5"
    assert entity_key("A1") == "A1"
    assert entity_keys(pd.Series([3.0, 4.0])) == ["3", "4"]


def test_a_numeric_entity_is_found_as_the_batch_stored_it(contract, location):
    store = FeatureStore(location, PRECOMPUTE, contract)
    table = pd.DataFrame({"order_id": [7.0, 8.5], "per_item": 1.0, "bulk": 0.0})
    store.write(table, AS_OF)
    assert store.lookup(pd.Series([7.0, 8.5]), AS_OF).shape == (2, 2)
    assert store.lookup_one(np.float64(7.0), AS_OF)["per_item"].tolist() == [1.0]
