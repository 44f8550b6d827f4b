"""The SQLite backend: files that are not, or no longer, a readable store.

The rules every backend shares are in test_store.py, which runs on this one too.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from modelplate.runtime.definition import Precompute
from modelplate.runtime.errors import (
    FeatureStoreError,
    MissingEntityError,
    StaleFeatureError,
)
from modelplate.runtime.store import FeatureStore

AS_OF = pd.Timestamp("2024-06-01")
PRECOMPUTE = Precompute("order_id", ("per_item",), "1h", 3600.0, "s")


@pytest.fixture
def store(contract, tmp_path) -> FeatureStore:
    store = FeatureStore(tmp_path / "features.sqlite", PRECOMPUTE, contract)
    keys = [f"O{n:04}" for n in range(40)]
    store.write(pd.DataFrame({"order_id": keys, "per_item": 1.0}), AS_OF)
    return store


def _exec(path: Path, statement: str) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(statement)


def _broken(path: Path, how: str) -> None:
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
    _broken(store.backend.path, how)
    with pytest.raises(FeatureStoreError, match=store.location) as raised:
        store.open()
    assert "\n" not in str(raised.value)
    assert "`precompute`" in str(raised.value)


def test_a_store_broken_while_open_fails_its_lookups_as_a_store_error(store):
    store.open()
    try:
        path = store.backend.path
        path.write_bytes(b"\0" * path.stat().st_size)
        with pytest.raises(FeatureStoreError, match="cannot read") as raised:
            store.lookup_one("O0003", AS_OF)
        assert not isinstance(raised.value, MissingEntityError | StaleFeatureError)
        with pytest.raises(FeatureStoreError, match="cannot read"):
            store.sample()
    finally:
        store.close()


def test_a_store_that_cannot_be_written_is_one_line(contract, tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    store = FeatureStore(folder, PRECOMPUTE, contract)  # a folder, not a file
    with pytest.raises(FeatureStoreError, match="cannot write the feature store"):
        store.write(pd.DataFrame({"order_id": ["A"], "per_item": 1.0}), AS_OF)
