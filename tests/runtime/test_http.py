"""One small service over HTTP, in-process: readiness, both predict paths, rejections,
metrics and the owners' routes."""

from __future__ import annotations

import json
import logging
import re
import socket
import sqlite3
import threading
import time
from contextlib import ExitStack, closing
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import redis
import uvicorn
from fastapi.testclient import TestClient
from redis_server import running_redis
from sklearn.linear_model import LogisticRegression

from modelplate.runtime.bodies import (
    FIELD_BYTES,
    MEMORY_PER_BODY_BYTE,
    RECORD_FLOOR,
    Limits,
)
from modelplate.runtime.definition import (
    Drift,
    Features,
    Monitoring,
    Performance,
    Precompute,
)
from modelplate.runtime.errors import ArtifactError, FeatureStoreError
from modelplate.runtime.http import ENDPOINTS, Http
from modelplate.runtime.pipeline import Scorer
from modelplate.runtime.serving import Serving

AS_OF = pd.Timestamp("2024-06-01")
FEATURES = Features(expressions={}, model_columns=("items", "amount"))


@dataclass(frozen=True)
class Artifact:
    model: object
    columns: tuple[str, ...] = FEATURES.model_columns
    imputation: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=lambda: {"model_sha256": "abc"})


@dataclass
class Settings:
    artifact: str = "model"
    host: str = "127.0.0.1"
    port: int = 8000
    max_batch_records: int = 3
    max_record_bytes: int | None = None
    max_batch_bytes: int | None = None


def _artifact() -> Artifact:
    matrix = np.array([[n % 7 + 1, n * 3.5] for n in range(30)])
    return Artifact(LogisticRegression().fit(matrix, matrix[:, 0] > 4))


MODEL = _artifact()


def _load(location: object) -> Artifact:
    if location != "model":
        raise ArtifactError(f"no model artifact at {location}")
    return MODEL


@pytest.fixture
def http(contract, record) -> Http:
    def probability(model, matrix):
        return model.predict_proba(matrix)[:, 1]

    monitoring = Monitoring(Drift(window=100), Performance(metric="roc_auc"))
    serving = Serving(
        contract=contract,
        request_fields=contract.fields,
        features=FEATURES,
        scorer=Scorer(contract, FEATURES, "binary_classification", probability),
        load_artifact=_load,
        example=record,
        monitoring=monitoring,
        namespace="orders",
    )
    return Http(serving, Settings, title="Orders API", description="Orders")


JSON = {"content-type": "application/json"}


def _post(client, path, payload):
    return client.post(path, content=json.dumps(payload), headers=JSON)


def test_not_ready_until_the_lifespan_loads_the_model(http, record):
    app = http.create_app(clock=lambda: AS_OF)
    idle = TestClient(app)
    assert idle.get("/health").status_code == 200
    assert idle.get("/ready").status_code == 503
    assert _post(idle, "/predict", record).status_code == 503
    with TestClient(app) as client:
        assert client.get("/ready").json()["model_sha256"] == "abc"


def _ready_gauge(app) -> str:
    text = app.state.service.telemetry.render().decode()
    return re.search(r"^orders_ready (\S+)$", text, re.MULTILINE).group(1)


def test_the_ready_gauge_follows_the_model_and_its_probes(http, record):
    app = http.create_app(clock=lambda: AS_OF)
    state = app.state.service
    assert _ready_gauge(app) == "0.0"  # not loaded yet
    with TestClient(app) as client:
        assert _ready_gauge(app) == "1.0"
        state.artifact = replace(MODEL, model=None)  # cannot score any more
        state.probed_at = float("-inf")
        assert client.get("/ready").status_code == 503
        assert _ready_gauge(app) == "0.0"
        state.artifact, state.probed_at = MODEL, float("-inf")
        assert client.get("/ready").status_code == 200
        assert _ready_gauge(app) == "1.0"
    assert _ready_gauge(app) == "0.0"  # unloaded


def test_a_bad_artifact_stops_the_start(http):
    with pytest.raises(ArtifactError, match="no model artifact"):
        with TestClient(http.create_app("elsewhere")):
            pass


def test_one_record_scores_as_a_batch_of_it_and_as_the_scorer(http, record):
    with TestClient(http.create_app(clock=lambda: AS_OF)) as client:
        alone = _post(client, "/predict", record).json()
        batch = _post(client, "/predict/batch", {"records": [record, record]}).json()
    assert batch["results"] == [alone, alone]
    valid = http.serving.requests.check_batch([record])
    expected = http.serving.scorer.score_steps(valid, MODEL, AS_OF).scored
    assert alone["score"] == pytest.approx(expected["score"].iloc[0])
    assert alone["order_id"] == record["order_id"]


def test_observers_see_every_scored_batch(http, record):
    seen = []
    app = http.create_app(observers=[lambda valid, scored: seen.append(len(scored))])
    with TestClient(app) as client:
        _post(client, "/predict", record)
        _post(client, "/predict/batch", {"records": [record, record]})
    assert seen == [1, 2]


def test_rejections_carry_their_violations_and_are_counted(http, record):
    with TestClient(http.create_app()) as client:
        broken = _post(client, "/predict", {**record, "items": 0})
        too_many = _post(client, "/predict/batch", {"records": [record] * 4})
        not_json = client.post("/predict", content=b"{", headers=JSON)
        metrics = client.get("/metrics").text
    assert broken.status_code == 422
    assert broken.json()["violations"][0]["field"] == "items"
    assert too_many.status_code == 413 and not_json.status_code == 422
    assert 'orders_requests_total{endpoint="/predict",status="422"} 2.0' in metrics


def test_the_owners_routes_are_added_and_every_endpoint_is_served(http):
    def routes(app):
        @app.get("/owners")
        async def owners() -> dict:
            return {"hello": "owners"}

    with TestClient(http.create_app(routes=routes)) as client:
        assert client.get("/owners").json() == {"hello": "owners"}
        paths = client.get("/openapi.json").json()["paths"]
    assert set(ENDPOINTS) | {"/owners"} == set(paths)
    assert http.serving.decision is None


def test_every_response_names_the_contract_version(http, record):
    version = http.serving.contract.hash[:12]
    with TestClient(http.create_app(clock=lambda: AS_OF)) as client:
        for response in (
            client.get("/health"),
            _post(client, "/predict", record),
            _post(client, "/predict", {**record, "items": 0}),  # a 422 too
            client.get("/nowhere"),
        ):
            assert response.headers["contract-version"] == version


def test_the_contract_is_served_as_json_schema_or_odcs(http):
    with TestClient(http.create_app(clock=lambda: AS_OF)) as client:
        schema = client.get("/contract").json()
        assert client.get("/contract?format=json-schema").json() == schema
        odcs = client.get("/contract?format=odcs").json()
        refused = client.get("/contract?format=" + "x" * 500)
    assert schema["properties"].keys() >= {"order_id", "items"}
    assert odcs["kind"] == "DataContract" and odcs["version"] == schema_version(http)
    assert odcs["description"]["purpose"] == "Orders"
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("format: got 'xxx")
    assert len(refused.text) < 300


def schema_version(http) -> str:
    return http.serving.contract.hash[:12]


def test_a_body_that_is_not_declared_json_gets_415(http, record):
    body = json.dumps(record)
    with TestClient(http.create_app()) as client:
        for header in (None, "text/plain", "application/json; charset=latin-1"):
            headers = {} if header is None else {"content-type": header}
            response = client.post("/predict", content=body, headers=headers)
            assert response.status_code == 415, header
            assert response.json()["violations"][0]["field"] == "$content-type"
        utf8 = {"content-type": "Application/JSON; charset=UTF-8"}
        assert client.post("/predict", content=body, headers=utf8).status_code == 200


def test_a_body_over_the_limit_gets_413_whether_declared_or_streamed(http, record):
    limit = http.limits(Settings()).record
    chunk = b" " * 4096

    def streamed():  # no Content-Length: sent chunked, counted as it arrives
        yield json.dumps(record).encode()
        for _ in range(limit // len(chunk) + 1):
            yield chunk

    with TestClient(http.create_app()) as client:
        padded = json.dumps(record).encode() + b" " * limit
        declared = client.post("/predict", content=padded, headers=JSON)
        chunked = client.post("/predict", content=streamed(), headers=JSON)
        fits = json.dumps(record).encode() + b" " * (limit - len(padded) + limit)
        assert client.post("/predict", content=fits, headers=JSON).status_code == 200
    for response in (declared, chunked):
        assert response.status_code == 413
        assert response.json()["violations"][0]["rule"] == "max_bytes"


def test_the_limits_derive_from_the_spec_and_settings_replace_them(http):
    # 3 records of 7 fields fit in the floor of one record; 10,000 do not.
    assert http.limits(Settings()) == Limits(RECORD_FLOOR, RECORD_FLOOR)
    large = http.limits(Settings(max_batch_records=1000))
    assert large == Limits(RECORD_FLOOR, 1000 * 7 * FIELD_BYTES)
    # Never more than the replica's memory allows (the spec's 512 MB by default).
    ceiling = 512 * 2**20 // MEMORY_PER_BODY_BYTE
    assert http.limits(Settings(max_batch_records=10**9)).batch == ceiling
    chosen = http.limits(Settings(max_record_bytes=100, max_batch_bytes=10**9))
    assert (chosen.record, chosen.batch) == (100, 10**9)


def test_a_key_given_twice_is_refused_naming_it(http, record):
    body = json.dumps(record)[:-1] + ', "items": 4}'
    batch = '{"records": [' + body + "]}"
    with TestClient(http.create_app()) as client:
        one = client.post("/predict", content=body, headers=JSON)
        many = client.post("/predict/batch", content=batch, headers=JSON)
    for response in (one, many):
        assert response.status_code == 422
        violation = response.json()["violations"][0]
        assert (violation["field"], violation["rule"]) == ("items", "duplicate_key")


def test_a_long_value_is_shown_cut_with_its_length(http, record):
    long = "O" + "9" * 12_000
    with TestClient(http.create_app()) as client:
        response = _post(client, "/predict", {**record, "order_id": long})
        unknown = _post(client, "/predict", {**record, "x" * 12_000: 1})
        batch = _post(client, "/predict/batch", {"records": ["y" * 12_000]})
    assert response.status_code == 422 and len(response.content) < 1000
    assert "(12003 characters)" in response.json()["violations"][0]["message"]
    assert unknown.status_code == 422 and len(unknown.content) < 1000
    assert batch.status_code == 422 and len(batch.content) < 1000


async def _disconnecting(app, path: str, chunks: list[bytes]) -> list[dict]:
    """Send ``chunks`` of a body, then leave: what the app sent back."""
    sent, messages = [], [
        *({"type": "http.request", "body": c, "more_body": True} for c in chunks),
        {"type": "http.disconnect"},
    ]

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"x")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    await app(scope, receive, send)
    return sent


def test_a_client_that_leaves_mid_body_is_counted_apart_not_as_an_error(http):
    app = http.create_app()
    with TestClient(app) as client:
        for path in ("/predict", "/predict/batch"):
            sent = client.portal.call(_disconnecting, app, path, [b'{"items": '])
            assert sent == []
        metrics = client.get("/metrics").text
    assert 'orders_client_disconnects_total{endpoint="/predict"} 1.0' in metrics
    assert 'orders_client_disconnects_total{endpoint="/predict/batch"} 1.0' in metrics
    assert 'status="500"' not in metrics


def test_a_model_that_cannot_score_the_example_stops_the_start(http, record):
    wrong_width = Artifact(LogisticRegression().fit(np.eye(3), [0, 1, 0]))
    with pytest.raises(ArtifactError, match="cannot score the example record"):
        with TestClient(http.create_app(artifact=wrong_width)):
            pass
    # `serve` checks the same before it opens a port.
    broken = replace(
        http, serving=replace(http.serving, load_artifact=lambda _: wrong_width)
    )
    with pytest.raises(ArtifactError, match="cannot score the example record") as got:
        broken.run(Settings(), broken.create_app)
    assert "\n" not in str(got.value)


# A service whose per_item is precomputed by order: requests carry no amount.
PRECOMPUTE = Precompute(
    entity="order_id",
    features=("per_item",),
    max_age="1h",
    max_age_seconds=3600.0,
    store="features.sqlite",
    offline_only=("amount",),
)
STORED = Features(
    expressions={"per_item": lambda inputs, raw, as_of: inputs["amount"] / 4},
    model_columns=("items", "per_item"),
)


@dataclass
class StoreSettings(Settings):
    feature_store: str = ""


@pytest.fixture
def stored(contract, record, tmp_path) -> tuple[Http, StoreSettings]:
    return _with_store(contract, record, str(tmp_path / "features.sqlite"))


def _with_store(contract, record, location: str) -> tuple[Http, StoreSettings]:
    """The service of ``PRECOMPUTE``, its store at ``location`` filled."""
    matrix = np.array([[n % 7 + 1, n * 3.5] for n in range(30)])
    model = LogisticRegression().fit(matrix, matrix[:, 0] > 4)
    artifact = Artifact(model, columns=STORED.model_columns)
    fields = tuple(f for f in contract.fields if f.name != "amount")
    serving = Serving(
        contract=contract,
        request_fields=fields,
        features=STORED,
        scorer=Scorer(contract, STORED, "binary_classification", _probability),
        load_artifact=lambda location: artifact,
        example={k: v for k, v in record.items() if k != "amount"},
        monitoring=Monitoring(Drift(window=100), Performance(metric="roc_auc")),
        namespace="orders",
        precompute=PRECOMPUTE,
    )
    settings = StoreSettings(feature_store=location)
    store = serving.feature_store(settings.feature_store)
    table = pd.DataFrame({"order_id": ["O0001", "O0002"], "per_item": [3.0, 5.0]})
    store.write(table, AS_OF)
    return Http(serving, StoreSettings, title="Orders", description="Orders"), settings


def _probability(model, matrix):
    return model.predict_proba(matrix)[:, 1]


def _update(settings, statement: str, *parameters) -> None:
    with closing(sqlite3.connect(settings.feature_store)) as connection, connection:
        connection.execute(statement, parameters)


def test_features_not_fresh_or_not_computed_get_409_naming_why(stored, record):
    http, settings = stored
    request = {k: v for k, v in record.items() if k != "amount"}
    _update(settings, "UPDATE features SET computed_at = '' WHERE entity = 'O0001'")
    _update(settings, "UPDATE features SET per_item = NULL WHERE entity = 'O0002'")
    app = http.create_app(settings, clock=lambda: AS_OF)
    with TestClient(app) as client:
        blank = _post(client, "/predict", request)
        null = _post(client, "/predict", {**request, "order_id": "O0002"})
        batch = _post(client, "/predict/batch", {"records": [request]})
        metrics = client.get("/metrics").text
    for response, rule in ((blank, "stale_features"), (null, "null_features")):
        assert response.status_code == 409
        violation = response.json()["violations"][0]
        assert (violation["field"], violation["rule"]) == ("order_id", rule)
    assert "not an ISO 8601 time" in blank.json()["violations"][0]["message"]
    assert "per_item" in null.json()["violations"][0]["message"]
    assert batch.status_code == 409 and batch.json()["violations"][0]["index"] == 0
    stale = 'orders_contract_violations_total{field="order_id",rule="stale_features"}'
    assert f"{stale} 2.0" in metrics


def test_a_store_broken_while_serving_turns_ready_false_and_predicts_503(
    stored, record
):
    http, settings = stored
    request = {k: v for k, v in record.items() if k != "amount"}
    app = http.create_app(settings, clock=lambda: AS_OF)
    with TestClient(app) as client:
        assert client.get("/ready").status_code == 200
        assert _post(client, "/predict", request).status_code == 200
        path = Path(settings.feature_store)
        path.write_bytes(b"\0" * path.stat().st_size)
        broken = _post(client, "/predict", request)
        ready = client.get("/ready")
    metrics = app.state.service.telemetry.render().decode()
    assert broken.status_code == 503
    assert "cannot read" in broken.json()["detail"]
    assert ready.status_code == 503 and "cannot read" in ready.json()["reason"]
    assert 'status="500"' not in metrics
    assert "orders_ready 0.0" in metrics


def test_a_redis_store_gone_while_serving_turns_ready_false_and_predicts_503(
    contract, record, tmp_path
):
    request = {k: v for k, v in record.items() if k != "amount"}
    with ExitStack() as server:
        url = server.enter_context(running_redis(tmp_path))
        http, settings = _with_store(contract, record, url)
        with TestClient(http.create_app(settings, clock=lambda: AS_OF)) as client:
            assert client.get("/ready").status_code == 200
            assert _post(client, "/predict", request).status_code == 200
            server.close()  # the Redis server stops; the service stays up
            alone = _post(client, "/predict", request)
            batch = _post(client, "/predict/batch", {"records": [request]})
            ready = client.get("/ready")
    for response in (alone, batch):
        assert response.status_code == 503
        assert f"cannot use the feature store at {url}" in response.json()["detail"]
    assert ready.status_code == 503 and url in ready.json()["reason"]


def test_a_redis_store_without_features_stops_the_start(contract, record, redis_url):
    http, settings = _with_store(contract, record, redis_url)
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
    with pytest.raises(FeatureStoreError, match=f"no feature store at {redis_url}"):
        with TestClient(http.create_app(settings)):
            pass
    with pytest.raises(FeatureStoreError, match=f"no feature store at {redis_url}"):
        http.run(settings, http.create_app)


@pytest.mark.parametrize("how", ["empty file", "no tables", "no features"])
def test_a_store_that_cannot_serve_stops_the_start(stored, how):
    http, settings = stored
    path = Path(settings.feature_store)
    if how == "empty file":
        path.write_bytes(b"")
    elif how == "no tables":
        path.unlink()
        sqlite3.connect(path).close()
    else:
        _update(settings, "DELETE FROM features")
    with pytest.raises(FeatureStoreError, match=str(path)):
        with TestClient(http.create_app(settings)):
            pass
    with pytest.raises(FeatureStoreError, match=str(path)):
        http.run(settings, http.create_app)


# ------------------------------------------------------ under a real uvicorn


@pytest.fixture
def served(http):
    """The app under uvicorn on a free port of this machine, in a thread."""
    app = http.create_app(clock=lambda: AS_OF)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield port, app.state.service.telemetry
    server.should_exit = True
    thread.join(10)


def _peak_kb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))


def _head(path: str, headers: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"{headers}\r\n"
    ).encode()


def _answer(connection: socket.socket) -> bytes:
    connection.settimeout(10)
    received = b""
    try:
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return received


def _send_chunked(connection: socket.socket, total: int) -> int:
    """Send up to ``total`` bytes of chunked body until the server stops reading."""
    chunk = b" " * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    connection.settimeout(2)
    try:
        while sent < total:
            connection.sendall(frame)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass
    return sent


def test_a_real_server_refuses_50_mb_without_holding_it(served, caplog):
    port, telemetry = served
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak to now
    before = _peak_kb()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(_head("/predict/batch", f"Content-Length: {50 * 2**20}\r\n"))
        declared = _answer(connection)
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(_head("/predict", "Transfer-Encoding: chunked\r\n"))
        _send_chunked(connection, 50 * 2**20)
        chunked = _answer(connection)
    grown_mb = (_peak_kb() - before) / 1024
    assert declared.startswith(b"HTTP/1.1 413"), declared[:100]
    assert chunked.startswith(b"HTTP/1.1 413"), chunked[:100]
    # The body limit here is 16 KiB: the server read little more than that.
    assert grown_mb < 20, grown_mb
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_real_client_that_leaves_is_no_error_and_no_traceback(served, caplog):
    port, telemetry = served
    for path in ("/predict", "/predict/batch"):
        with socket.create_connection(("127.0.0.1", port)) as connection:
            connection.sendall(_head(path, "Content-Length: 1000\r\n") + b'{"a": ')
    deadline = time.monotonic() + 5
    metrics = ""
    while time.monotonic() < deadline and metrics.count("disconnects_total{") < 2:
        metrics = telemetry.render().decode()
        time.sleep(0.02)
    assert 'orders_client_disconnects_total{endpoint="/predict"} 1.0' in metrics
    assert 'orders_client_disconnects_total{endpoint="/predict/batch"} 1.0' in metrics
    assert 'status="500"' not in metrics
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
