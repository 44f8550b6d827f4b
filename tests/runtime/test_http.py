"""One small service over HTTP, in-process: readiness, both predict paths, rejections,
metrics and the owners' routes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sklearn.linear_model import LogisticRegression

from modelplate.runtime.bodies import (
    FIELD_BYTES,
    MEMORY_PER_BODY_BYTE,
    RECORD_FLOOR,
    Limits,
)
from modelplate.runtime.definition import Drift, Features, Monitoring, Performance
from modelplate.runtime.errors import ArtifactError
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
    with pytest.raises(ArtifactError, match="cannot score the example record"):
        broken.run(Settings(), broken.create_app)
