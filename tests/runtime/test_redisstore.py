"""The Redis backend on a real redis-server: generations, failures, timeouts.

The rules every backend shares are in test_store.py, which runs on this one too.
"""

from __future__ import annotations

import socket
import time

import pandas as pd
import pytest
import redis
from redis_server import free_port, running_redis

from modelplate.runtime.definition import Precompute
from modelplate.runtime.errors import FeatureStoreError, MissingEntityError
from modelplate.runtime.redisstore import POINTER, PREFIX, shown
from modelplate.runtime.store import FeatureStore

AS_OF = pd.Timestamp("2024-06-01")
PRECOMPUTE = Precompute("order_id", ("per_item",), "1h", 3600.0, "s")


def table(keys: list[str], value: float) -> pd.DataFrame:
    return pd.DataFrame({"order_id": keys, "per_item": value})


def keys_in(url: str) -> set[str]:
    with redis.Redis.from_url(url) as client:
        return {key.decode() for key in client.keys("*")}


def test_a_write_leaves_the_pointer_and_one_generation(contract, redis_url):
    store = FeatureStore(redis_url, PRECOMPUTE, contract)
    for value in (1.0, 2.0):
        store.write(table(["A", "B"], value), AS_OF)
    left = keys_in(redis_url)
    assert POINTER in left and len(left) == 2
    with redis.Redis.from_url(redis_url) as client:
        (generation,) = left - {POINTER}
        assert client.ttl(generation) == -1  # current: it never expires
        assert client.get(POINTER).decode().startswith(generation[len(PREFIX) + 1 :])


def test_a_writer_overtaken_by_another_fails_and_leaves_no_generation(
    contract, redis_url
):
    first = FeatureStore(redis_url, PRECOMPUTE, contract, command="svc precompute")
    first.write(table(["A"], 1.0), AS_OF)
    other = FeatureStore(redis_url, PRECOMPUTE, contract)

    def rows():
        # Another precompute switches the store while this one is writing.
        other.write(table(["B"], 2.0), AS_OF)
        yield ("C", AS_OF.isoformat(), 3.0)

    with pytest.raises(FeatureStoreError, match="another `svc precompute` wrote"):
        first.backend.put(first.identity, rows())
    assert len(keys_in(redis_url)) == 2
    assert first.lookup(pd.Series(["A", "B"]), AS_OF)["per_item"].tolist() == [1, 2]
    with pytest.raises(MissingEntityError):
        first.lookup_one("C", AS_OF)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("redis://:secret@db.internal:6380/2", "redis://db.internal:6380/2"),
        ("redis://app:secret@db:6379/0?password=x", "redis://app@db:6379/0"),
        ("rediss://db/1", "rediss://db/1"),
        ("unix:///run/redis.sock?db=1&password=x", "unix:///run/redis.sock"),
    ],
)
def test_a_url_is_shown_without_its_password(url, expected):
    assert shown(url) == expected


def test_an_unreachable_server_is_one_line_naming_the_url_never_the_password(
    contract,
):
    port = free_port()  # nothing listens there
    store = FeatureStore(f"redis://:hunter2@127.0.0.1:{port}/0", PRECOMPUTE, contract)
    attempts = (store.open, lambda: store.lookup_one("A", AS_OF), store.__len__)
    for attempt in attempts:
        with pytest.raises(FeatureStoreError) as raised:
            attempt()
        message = str(raised.value)
        assert f"at redis://127.0.0.1:{port}/0 (" in message
        assert "hunter2" not in message and "\n" not in message
    with pytest.raises(FeatureStoreError, match="cannot use the feature store"):
        store.write(table(["A"], 1.0), AS_OF)


def test_a_server_that_never_answers_times_out(contract):
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        url = f"redis://127.0.0.1:{port}/0?socket_timeout=0.2"
        store = FeatureStore(url, PRECOMPUTE, contract)
        start = time.monotonic()
        with pytest.raises(FeatureStoreError, match="cannot use the feature store"):
            store.open()
        assert time.monotonic() - start < 2  # two tries of 0.2 s, not a hang


def test_a_server_gone_while_open_fails_lookups_as_a_store_error(contract, tmp_path):
    with running_redis(tmp_path) as url:
        store = FeatureStore(url, PRECOMPUTE, contract)
        store.write(table(["A"], 1.0), AS_OF)
        store.open()
        assert store.lookup_one("A", AS_OF)["per_item"].tolist() == [1.0]
    with pytest.raises(FeatureStoreError, match="cannot use") as raised:
        store.lookup_one("A", AS_OF)
    assert not isinstance(raised.value, MissingEntityError)
    store.close()


@pytest.mark.parametrize(
    "key, value, message",
    [
        (POINTER, "not a pointer", "holds no feature store.s identity"),
        (POINTER, "g 5", "holds no feature store.s identity"),
        (f"{PREFIX}:ROWS", "[1.0]", "the row of 'A' is not a stored row"),
        (f"{PREFIX}:ROWS", "{", "the row of 'A' is not a stored row"),
    ],
)
def test_keys_that_are_not_a_store_are_refused(
    contract, redis_url, key, value, message
):
    store = FeatureStore(redis_url, PRECOMPUTE, contract)
    store.write(table(["A"], 1.0), AS_OF)
    with redis.Redis.from_url(redis_url) as client:
        generation = client.get(POINTER).split(b" ")[0].decode()
        if key == POINTER:
            client.set(POINTER, value)
        else:
            client.hset(f"{PREFIX}:{generation}", "A", value)
    with pytest.raises(FeatureStoreError, match=message) as raised:
        store.lookup_one("A", AS_OF)
    assert not isinstance(raised.value, MissingEntityError)
