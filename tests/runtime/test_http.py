"""One small service over HTTP, in-process: readiness, both predict paths, rejections,
metrics and the owners' routes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sklearn.linear_model import LogisticRegression

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


def _post(client, path, payload):
    return client.post(path, content=json.dumps(payload))


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
        not_json = client.post("/predict", content=b"{")
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
