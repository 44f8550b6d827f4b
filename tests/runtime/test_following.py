"""A promoted champion served without a restart: a real registry of two trained
versions, the service in-process, `promote` between two requests."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from orders import RECORD, program, serving, write_sample

from modelplate.runtime import cli
from modelplate.runtime.errors import ArtifactError
from modelplate.runtime.following import Follower, follow, followed, period
from modelplate.runtime.http import Http
from modelplate.runtime.predictionlog import read_log
from modelplate.runtime.registry import FolderRegistry

JSON = {"content-type": "application/json"}


@dataclass
class Settings:
    artifact: str
    follow_registry_seconds: float = 0.05
    host: str = "127.0.0.1"
    port: int = 8000
    max_batch_records: int = 10
    max_record_bytes: int | None = None
    max_batch_bytes: int | None = None
    prediction_log: str = ""


@pytest.fixture
def registry(tmp_path, capsys) -> tuple[Path, list[str]]:
    """A registry of two versions of the orders model; the first is champion."""
    write_sample(tmp_path)
    orders = program(tmp_path)
    for _ in range(2):
        assert cli.main(orders, ["train"]) == 0
        time.sleep(0.01)  # two training times, so two version ids
    capsys.readouterr()
    root = tmp_path / "model"
    found = sorted(FolderRegistry(str(root)).versions(), key=lambda v: v.trained_at)
    assert found[0].aliases == ("champion",)
    return root, [version.id for version in found]


def _http() -> Http:
    return Http(serving(), Settings, title="Orders API", description="Orders")


def _served(client) -> str:
    text = client.get("/metrics").text
    return re.findall(r'orders_served_model\{version="([^"]*)"\} 1\.0', text)[0]


def _reloads(client, outcome: str) -> float:
    text = client.get("/metrics").text
    found = re.search(
        rf'orders_model_reloads_total\{{outcome="{outcome}"\}} (\S+)', text
    )
    return float(found.group(1)) if found else 0.0


def _until(check, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.02)


def _predict(client) -> float:
    response = client.post("/predict", content=json.dumps(RECORD), headers=JSON)
    assert response.status_code == 200, response.text
    return response.json()["score"]


def test_a_promotion_is_served_between_two_requests(registry, tmp_path, capsys):
    root, (first, second) = registry
    log = tmp_path / "log"
    app = _http().create_app(Settings(artifact=str(root), prediction_log=str(log)))
    with TestClient(app) as client:
        assert _served(client) == first
        _predict(client)
        orders = program(tmp_path)
        assert cli.main(orders, ["promote", second, "--alias", "champion"]) == 0
        _until(lambda: _served(client) == second)
        _predict(client)
        assert _reloads(client, "loaded") == 1.0
        ready = client.get("/ready")
        assert ready.status_code == 200
        assert ready.json()["model_sha256"] == (
            json.loads((root / "versions" / second / "metadata.json").read_text())[
                "model_sha256"
            ]
        )
    assert "serving the promoted champion" in capsys.readouterr().err
    # Each answer is logged under the version that gave it.
    assert read_log(log)["model_version"].tolist() == [first, second]


def test_a_promoted_version_that_does_not_verify_is_not_served(
    registry, tmp_path, capsys
):
    """The alias moved by hand to a version whose model file was changed: the
    service keeps answering with the model it has, says why once, and counts."""
    root, (first, second) = registry
    model_file = root / "versions" / second / "model.onnx"
    model_file.write_bytes(model_file.read_bytes() + b"tampered")
    app = _http().create_app(Settings(artifact=str(root)))
    with TestClient(app) as client:
        before = _predict(client)
        FolderRegistry(str(root)).set_alias(
            "champion", second, by="hand", at="2024-06-01T00:00:00+00:00"
        )
        _until(lambda: _reloads(client, "failed") >= 3)
        assert _served(client) == first
        assert _predict(client) == before
        assert client.get("/ready").status_code == 200
    reported = capsys.readouterr().err
    assert reported.count("the promoted champion is not served") == 1
    assert second in reported


def test_only_a_champion_is_followed():
    assert followed("models") and followed("s3://bucket/m@champion")
    assert not followed("models@challenger")
    assert not followed("models@0123456789ab")
    assert period(Settings(artifact="models", follow_registry_seconds=30)) == 30
    assert period(Settings(artifact="models@0123456789ab")) == 0
    assert period(Settings(artifact="models", follow_registry_seconds=0)) == 0

    @dataclass
    class Older:  # settings from before following existed
        artifact: str = "models"

    assert period(Older()) == 0


class _Scripted(Follower):
    """A follower whose looks at the registry are scripted: each entry is raised
    or returned in turn."""

    def __init__(self, serving, state, script):
        super().__init__(serving, state)
        self.script = list(script)
        self.served = []

    def promoted(self):
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    def loaded(self, artifact):
        self.served.append(artifact)


def test_following_survives_whatever_a_registry_raises(capsys):
    http = _http()
    state = http.serving.new_state(Settings(artifact="models"), None, ())
    state.artifact = object()
    follower = _Scripted(
        http.serving,
        state,
        [ArtifactError("registry unreachable"), RuntimeError("boom"), None, "v2"],
    )
    looks = []

    async def sleep(seconds):
        looks.append(seconds)
        if not follower.script:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(follow(follower, 5.0, sleep))
    assert looks == [5.0] * 5 and follower.served == ["v2"]
    assert state.telemetry.model_reloads.labels("failed")._value.get() == 2
    err = capsys.readouterr().err
    assert "registry unreachable" in err and "RuntimeError: boom" in err
