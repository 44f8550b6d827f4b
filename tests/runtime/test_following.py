"""A promoted champion served without a restart: a real registry of two trained
versions, the service in-process, `promote` between two requests."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from orders import LOAD_ARTIFACT, RECORD, program, serving, write_sample

from modelplate.runtime import cli, following
from modelplate.runtime.following import Follower, Look, follow, followed, period
from modelplate.runtime.http import Http
from modelplate.runtime.predictionlog import read_log
from modelplate.runtime.registry import FolderRegistry
from modelplate.runtime.serving import now

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
    challenger: str = ""


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

    def look(self):
        step = self.script.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step


def _scripted_state(http):
    state = http.serving.new_state(Settings(artifact="models"), None, ())
    state.artifact = object()
    return state


def test_following_survives_whatever_a_look_raises(capsys):
    """look() reports the registry's errors as outcomes; even what escapes it
    (StopIteration, which an executor's future cannot carry) is counted, said,
    and the looks go on."""
    http = _http()
    state = _scripted_state(http)
    follower = _Scripted(
        http.serving,
        state,
        [
            Look("unreadable", reason="registry unreachable"),
            Look("unreadable", reason="registry unreachable"),
            StopIteration(),
            RuntimeError("boom"),
            Look("same"),
        ],
    )
    looks = []

    async def sleep(seconds):
        looks.append(seconds)
        if not follower.script:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(follow(follower, 5.0, sleep))
    assert looks == [5.0] * 6
    counted = state.telemetry.model_reloads.labels
    assert counted("registry_unreadable")._value.get() == 2
    assert counted("failed")._value.get() == 2
    err = capsys.readouterr().err
    assert err.count("registry unreachable") == 1  # once while the reason holds
    assert "StopIteration" in err and "RuntimeError: boom" in err


def test_stopping_does_not_wait_for_a_look_in_progress():
    """A look stuck in a slow download is abandoned when the app stops."""
    http = _http()
    state = _scripted_state(http)
    started = threading.Event()

    class Slow(Follower):
        def look(self):
            started.set()
            time.sleep(5)
            return Look("same")

    async def run():
        task = asyncio.create_task(follow(Slow(http.serving, state), 0.01))
        await asyncio.to_thread(started.wait, 5)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    began = time.monotonic()
    asyncio.run(run())
    assert time.monotonic() - began < 2


def test_an_unreadable_registry_is_not_a_refused_promotion(registry, capsys):
    root, _ = registry
    app = _http().create_app(Settings(artifact=str(root)))
    aliases = root / "aliases.json"
    with TestClient(app) as client:
        good = aliases.read_text()
        aliases.write_text("{not json")
        _until(lambda: _reloads(client, "registry_unreadable") >= 2)
        aliases.write_text(good)
        assert _reloads(client, "failed") == 0
        _predict(client)
    assert "the registry cannot be read" in capsys.readouterr().err


def test_the_shadow_follows_the_promotion(registry, tmp_path, capsys):
    """Both aliases on the first version at start: nothing to shadow. Once the
    second is champion, the first (still the challenger) is shadowed; once the
    challenger is promoted in turn, shadowing stops again."""
    root, (first, second) = registry
    orders = program(tmp_path)
    assert cli.main(orders, ["promote", first, "--alias", "challenger"]) == 0
    log = tmp_path / "log"
    app = _http().create_app(Settings(artifact=str(root), prediction_log=str(log)))
    with TestClient(app) as client:
        _predict(client)
        assert cli.main(orders, ["promote", second, "--alias", "champion"]) == 0
        _until(lambda: _served(client) == second)
        _predict(client)
        assert cli.main(orders, ["promote", second, "--alias", "challenger"]) == 0
        assert cli.main(orders, ["promote", first, "--alias", "champion"]) == 0
        _until(lambda: _served(client) == first)
        _predict(client)
    logged = read_log(log)
    rows = list(zip(logged["role"], logged["model_version"], strict=True))
    assert rows.count(("champion", first)) == 2 and ("champion", second) in rows
    # Shadowed only while the two aliases named two versions.
    assert [row for row in rows if row[0] == "challenger"] == [
        ("challenger", first),
        ("challenger", second),
    ]


def test_a_problem_is_said_again_once_it_went_away_and_came_back(capsys):
    http = _http()
    follower = Follower(http.serving, _scripted_state(http))
    down = Look("unreadable", reason="registry unreachable")
    for look in (down, down, Look("same"), down):
        follower.settle(look)
    assert capsys.readouterr().err.count("registry unreachable") == 2


def test_a_refused_version_is_not_fetched_again_until_the_alias_moves(registry, capsys):
    root, (first, second) = registry
    model_file = root / "versions" / second / "model.onnx"
    model_file.write_bytes(model_file.read_bytes() + b"tampered")
    http = _http()
    loads = []

    def load(reference):
        loads.append(reference)
        return LOAD_ARTIFACT(reference)

    serving = replace(http.serving, load_artifact=load)
    state = serving.new_state(Settings(artifact=str(root)), now, ())
    serving.load(state)
    follower = Follower(serving, state)
    FolderRegistry(str(root)).set_alias("champion", second, by="hand", at="t")
    looks = [follower.look() for _ in range(3)]
    assert [look.kind for look in looks] == ["refused"] * 3
    assert len(loads) == 2  # at start, then the refused version once
    assert looks[0].reason.startswith(str(root / "versions" / second))
    FolderRegistry(str(root)).set_alias("champion", first, by="hand", at="t")
    assert follower.look().kind == "same"


def test_a_look_that_hangs_counts_as_no_answer_and_looks_do_not_pile_up(
    monkeypatch, capsys
):
    http = _http()
    state = _scripted_state(http)
    release, started = threading.Event(), []

    class Hung(Follower):
        def look(self):
            started.append(time.monotonic())
            release.wait(10)
            return Look("same")

    monkeypatch.setattr(following, "LOOK_SECONDS", 0.2)

    async def run():
        task = asyncio.create_task(follow(Hung(http.serving, state), 0.01))
        await asyncio.sleep(1.0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(run())
    release.set()
    assert len(started) == 1
    assert state.telemetry.model_reloads.labels("registry_unreadable")._value.get() >= 3
    assert capsys.readouterr().err.count("no answer from the registry") == 1


def test_a_challenger_that_raises_anything_never_holds_back_the_champion(
    registry, tmp_path, capsys
):
    """A storage library's own error while reading the challenger: the verified
    champion is served all the same, without a shadow."""
    root, (first, second) = registry
    orders = program(tmp_path)
    assert cli.main(orders, ["promote", first, "--alias", "challenger"]) == 0
    http = _http()

    def load(reference):
        if str(reference).endswith("@challenger"):
            raise RuntimeError("botocore: connection reset")
        return LOAD_ARTIFACT(reference)

    serving = replace(http.serving, load_artifact=load)
    settings = Settings(artifact=str(root), prediction_log=str(tmp_path / "log"))
    state = serving.new_state(settings, now, ())
    serving.load(state)
    assert cli.main(orders, ["promote", second, "--alias", "champion"]) == 0
    follower = Follower(serving, state)
    look = follower.look()
    assert look.kind == "moved" and look.champion.version == second
    follower.settle(look)
    assert state.artifact.version == second and state.recorder.challenge is None
    assert "botocore: connection reset" in capsys.readouterr().err
    serving.unload(state)


def test_a_setting_that_names_the_challenger_alias_is_the_alias(registry, tmp_path):
    """Both aliases on one version: nothing to shadow, whether the challenger
    setting is empty or names ROOT@challenger."""
    root, (first, _) = registry
    assert cli.main(program(tmp_path), ["promote", first, "--alias", "challenger"]) == 0
    serving = _http().serving
    state = serving.new_state(Settings(artifact=str(root)), now, ())
    state.settings.challenger = f"{root}@challenger"
    state.artifact = LOAD_ARTIFACT(str(root))
    challenger, implicit = serving.challenger_of(state)
    assert challenger.version == first and implicit
