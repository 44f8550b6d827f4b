"""A small contract the runtime's tests share: one field of each kind of rule."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis_server import running_redis

from modelplate.runtime.definition import Contract, Field


@pytest.fixture
def contract() -> Contract:
    return Contract(
        title="orders",
        fields=(
            Field(name="order_id", type="string", pattern="^O[0-9]{4}$", role="id"),
            Field(name="items", type="integer", minimum=1, maximum=100),
            Field(name="amount", type="float", minimum=0.0, maximum=1e6, unit="EUR"),
            Field(name="channel", type="category", values=("web", "shop")),
            Field(name="coupon", type="boolean", nullable=True),
            Field(name="placed", type="date", minimum="2020-01-01"),
            Field(name="Ship To", type="string", nullable=True, wire_name="ship-to"),
        ),
    )


@pytest.fixture
def record() -> dict[str, object]:
    return {
        "order_id": "O0001",
        "items": 3,
        "amount": 12.5,
        "channel": "web",
        "coupon": None,
        "placed": "2024-05-01",
        "Ship To": "Lyon",
    }


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[str]:
    """One real redis-server for the session (see ``redis_server.running_redis``)."""
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(redis_server) -> str:
    """The session's Redis database 0, emptied for this test."""
    import redis

    with redis.Redis.from_url(redis_server) as client:
        client.flushdb()
    return redis_server
