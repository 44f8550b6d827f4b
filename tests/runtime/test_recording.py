"""The service's log and shadow: every answer logged under its request id, the
challenger scored beside the champion without changing or delaying its answer."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sklearn.linear_model import LogisticRegression

from modelplate.runtime.definition import Drift, Features, Monitoring, Performance
from modelplate.runtime.errors import ArtifactError, NoAliasError
from modelplate.runtime.http import Http
from modelplate.runtime.pipeline import Scorer
from modelplate.runtime.predictionlog import read_log
from modelplate.runtime.recording import request_id_of, version_of
from modelplate.runtime.requests import Rejected
from modelplate.runtime.serving import Serving

AS_OF = pd.Timestamp("2024-06-01")
FEATURES = Features(expressions={}, model_columns=("items", "amount"))


@dataclass(frozen=True)
class Artifact:
    model: object
    version: str
    columns: tuple[str, ...] = FEATURES.model_columns
    imputation: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)


@dataclass
class Settings:
    prediction_log: str
    challenger: str = ""
    artifact: str = "champion"
    host: str = "127.0.0.1"
    port: int = 8000
    max_batch_records: int = 10
    max_record_bytes: int | None = None
    max_batch_bytes: int | None = None


def _fitted(version: str, flip: bool = False) -> Artifact:
    matrix = np.array([[1 + n % 9, 2.5 * n] for n in range(40)])
    target = (matrix[:, 0] > 4) != flip
    return Artifact(LogisticRegression(max_iter=1000).fit(matrix, target), version)


class Slow:
    """A model that answers like ``model``, ``seconds`` late."""

    def __init__(self, model, seconds: float) -> None:
        self.model, self.seconds = model, seconds
        self.classes_ = model.classes_

    def predict_proba(self, matrix):
        time.sleep(self.seconds)
        return self.model.predict_proba(matrix)


class Broken:
    classes_ = np.array([False, True])

    def __init__(self) -> None:
        self.calls = 0

    def predict_proba(self, matrix):
        self.calls += 1
        if self.calls > 1:  # the check at start passes, then it fails
            raise RuntimeError("challenger broke")
        return np.full((len(matrix), 2), 0.5)


def _http(contract, record, artifacts: dict) -> Http:
    def load(location):
        if location not in artifacts:
            if location.endswith("@challenger"):
                raise NoAliasError(f"{location}: no challenger alias")
            raise ArtifactError(f"{location}: no such model")
        return artifacts[location]

    serving = Serving(
        contract=contract,
        request_fields=contract.fields,
        features=FEATURES,
        scorer=Scorer(
            contract,
            FEATURES,
            "binary_classification",
            lambda model, matrix: model.predict_proba(matrix)[:, 1],
        ),
        load_artifact=load,
        example=record,
        monitoring=Monitoring(Drift(), Performance(metric="roc_auc")),
        namespace="orders",
    )
    return Http(serving, Settings, "orders", "test")


def _count(app, outcome: str) -> float:
    registry = app.state.service.telemetry.registry
    return registry.get_sample_value("orders_challenger_total", {"outcome": outcome})


def _records(record, count: int) -> list[dict]:
    return [
        {**record, "order_id": f"O{n:04d}", "items": 1 + n % 9, "amount": 2.5 * n}
        for n in range(count)
    ]


def test_request_ids_are_kept_made_or_refused():
    assert request_id_of("abc-123:x_y.z") == "abc-123:x_y.z"
    made = request_id_of(None)
    assert len(made) == 32 and made != request_id_of(None)
    for bad in ("", "a b", "x" * 129, "id\n", "ü"):
        with pytest.raises(Rejected) as refused:
            request_id_of(bad)
        assert refused.value.status == 422
        assert refused.value.violations[0]["field"] == "$header.X-Request-ID"


def test_the_version_is_the_registrys_or_the_models_checksum():
    assert version_of(_fitted("v7")) == "v7"

    @dataclass
    class Plain:
        metadata: dict

    assert version_of(Plain({"model_sha256": "0123456789abcdef"})) == "0123456789ab"


def test_every_answer_is_logged_with_its_request_id_and_the_challengers(
    contract, record, tmp_path
):
    artifacts = {"champion": _fitted("v1"), "next": _fitted("v2", flip=True)}
    http = _http(contract, record, artifacts)
    settings = Settings(prediction_log=str(tmp_path / "log"), challenger="next")
    with TestClient(http.create_app(settings, clock=lambda: AS_OF)) as client:
        one = client.post("/predict", json=record, headers={"X-Request-ID": "req-1"})
        batch = client.post("/predict/batch", json={"records": _records(record, 4)})
    assert one.status_code == 200 and one.headers["X-Request-ID"] == "req-1"
    batch_id = batch.headers["X-Request-ID"]
    log = read_log(tmp_path / "log")
    champion = log[log["role"] == "champion"]
    challenger = log[log["role"] == "challenger"]
    assert champion["request_id"].tolist() == ["req-1"] + [batch_id] * 4
    assert champion["index"].tolist() == [0, 0, 1, 2, 3]
    assert set(champion["model_version"]) == {"v1"}
    assert set(challenger["model_version"]) == {"v2"}
    assert set(champion["contract_hash"]) == {contract.hash}
    # The champion's answers are what the caller got; the challenger's are its own.
    answered = [one.json()["score"]] + [r["score"] for r in batch.json()["results"]]
    assert champion["output"].tolist() == pytest.approx(answered)
    paired = champion.merge(challenger, on=["request_id", "index"])
    assert len(paired) == 5
    assert (paired["output_x"] != paired["output_y"]).all()
    assert (paired["status_y"] == "ok").all()
    assert champion["entity"].tolist()[1:] == [f"O{n:04d}" for n in range(4)]


def test_a_slow_challenger_neither_delays_nor_changes_the_answer(
    contract, record, tmp_path
):
    champion = _fitted("v1")
    slow = Artifact(Slow(champion.model, 0.3), "v2")
    http = _http(contract, record, {"champion": champion, "slow": slow})
    settings = Settings(prediction_log=str(tmp_path / "log"), challenger="slow")
    app = http.create_app(settings, clock=lambda: AS_OF)
    with TestClient(app) as client:
        started = time.perf_counter()
        answers = [client.post("/predict", json=record) for _ in range(3)]
        elapsed = time.perf_counter() - started
    # Three answers in far less than one challenger's turn each.
    assert elapsed < 0.3
    assert {a.json()["score"] for a in answers} == {answers[0].json()["score"]}
    log = read_log(tmp_path / "log")
    slow_rows = log[log["role"] == "challenger"]
    # The challenger's turn (0.3 s) is over the 50 ms budget: timed out, counted.
    assert set(slow_rows["status"]) == {"timeout"} and len(slow_rows) == 3
    assert _count(app, "timeout") == 3


def test_a_failing_challenger_is_counted_and_the_champion_answers(
    contract, record, tmp_path
):
    broken = Artifact(Broken(), "v2")
    http = _http(contract, record, {"champion": _fitted("v1"), "bad": broken})
    settings = Settings(prediction_log=str(tmp_path / "log"), challenger="bad")
    app = http.create_app(settings, clock=lambda: AS_OF)
    with TestClient(app) as client:
        assert client.post("/predict", json=record).status_code == 200
    assert _count(app, "error") == 1
    assert set(read_log(tmp_path / "log")["role"]) == {"champion"}


def test_a_challenger_that_does_not_load_leaves_the_champion_serving(
    contract, record, tmp_path, capsys
):
    http = _http(contract, record, {"champion": _fitted("v1")})
    settings = Settings(prediction_log=str(tmp_path / "log"), challenger="missing")
    with TestClient(http.create_app(settings, clock=lambda: AS_OF)) as client:
        assert client.get("/ready").status_code == 200
        assert client.post("/predict", json=record).status_code == 200
    assert "challenger not loaded, serving without it: missing: no such model" in (
        capsys.readouterr().err
    )


def test_a_malformed_request_id_is_a_422_naming_the_header(contract, record, tmp_path):
    http = _http(contract, record, {"champion": _fitted("v1")})
    settings = Settings(prediction_log=str(tmp_path / "log"))
    with TestClient(http.create_app(settings, clock=lambda: AS_OF)) as client:
        response = client.post("/predict", json=record, headers={"X-Request-ID": "a b"})
    assert response.status_code == 422
    assert response.json()["violations"][0]["field"] == "$header.X-Request-ID"
    assert read_log(tmp_path / "log").empty


def test_no_log_folder_means_no_log(contract, record, tmp_path):
    http = _http(contract, record, {"champion": _fitted("v1")})
    with TestClient(http.create_app(Settings(prediction_log=""))) as client:
        assert client.post("/predict", json=record).status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_the_registrys_challenger_alias_is_shadowed_unless_it_is_the_champion(
    contract, record, tmp_path, capsys
):
    champion, challenger = _fitted("v1"), _fitted("v2", flip=True)
    for aliased, shadowed in ((challenger, True), (champion, False)):
        log = tmp_path / f"log-{shadowed}"
        artifacts = {"champion": champion, "champion@challenger": aliased}
        http = _http(contract, record, artifacts)
        settings = Settings(prediction_log=str(log))
        with TestClient(http.create_app(settings, clock=lambda: AS_OF)) as client:
            assert client.post("/predict", json=record).status_code == 200
        roles = set(read_log(log)["role"])
        assert roles == ({"champion", "challenger"} if shadowed else {"champion"})
    # No challenger alias at all is no news: nothing on stderr.
    http = _http(contract, record, {"champion": champion})
    with TestClient(http.create_app(Settings(prediction_log=str(tmp_path / "x")))):
        pass
    assert capsys.readouterr().err == ""
