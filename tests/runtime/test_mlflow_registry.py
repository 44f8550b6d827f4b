"""The registry in MLflow, against a real tracking server on a SQLite store started
here (no mock): train, list, promote and load as with a folder, and the same
verification before an alias moves.

Starting the server takes 10 s to a minute on a busy machine, so one server serves
every test of this module and the tests are few.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from orders import MODEL, one_error_line, program, serving, write_sample

from modelplate.runtime import cli
from modelplate.runtime.artifact import MODEL_FILE
from modelplate.runtime.errors import NoAliasError
from modelplate.runtime.following import Follower
from modelplate.runtime.serving import now
from modelplate.runtime.versions import locate

pytestmark = pytest.mark.slow
mlflow = pytest.importorskip("mlflow", reason="the [mlflow] extra is not installed")
STARTUP_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(tracking URI, artifacts folder) of a tracking server for this module."""
    folder = tmp_path_factory.mktemp("mlflow")
    port = _free_port()
    command = [
        *(sys.executable, "-m", "mlflow", "server"),
        *("--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}"),
        *("--artifacts-destination", str(folder / "artifacts")),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
    ]
    # Without its job runner (a dozen processes the registry never uses).
    environment = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=environment,
        start_new_session=True,
    )
    uri = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{uri}/health", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "the MLflow server did not start: "
                        + (folder / "server.log").read_text()[-2000:]
                    )
                time.sleep(0.5)
        yield uri, folder / "artifacts"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def registry(server, tmp_path, monkeypatch, capsys):
    """(root, first version, second version): two trains, in a fresh model."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server[0])
    write_sample(tmp_path)
    root = f"models:/orders-{tmp_path.name}"
    versions = []
    for _ in range(2):
        assert cli.main(program(tmp_path), ["train", "--artifact", root]) == 0
        out = capsys.readouterr().out
        versions.append(out.split("version ", 1)[1].split()[0])
    return root, *versions


def test_train_promote_and_load_through_mlflow(tmp_path, registry, capsys):
    root, first, second = registry
    name = root.removeprefix("models:/")
    client = mlflow.tracking.MlflowClient()
    # Registered under the model's name, the first one the champion.
    assert (
        client.get_model_version_by_alias(name, "champion").tags["modelplate.version"]
        == first
    )
    with pytest.raises(NoAliasError, match="--alias challenger"):
        locate(f"{root}@challenger", "orders")
    argv = ["promote", second, "--alias", "challenger", "--artifact", root]
    assert cli.main(program(tmp_path), argv) == 0
    assert f"challenger: none -> {second}" in capsys.readouterr().out
    challenger = client.get_model_version_by_alias(name, "challenger")
    run = client.get_run(challenger.run_id)
    assert run.data.params["algorithm"] == MODEL.algorithm
    assert set(run.data.metrics) == {MODEL.metric}
    # Serving's reference, as in the folder registry: verified, pinned, with its id.
    loaded = program(tmp_path).load_artifact(f"{root}@challenger")
    assert loaded.version == second
    assert loaded.location == f"{root}/{challenger.version}"
    assert program(tmp_path).load_artifact(root).version == first
    assert cli.main(program(tmp_path), ["models", "--artifact", root]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split()[0] for row in rows] == [first, second]
    assert rows[0].endswith("champion") and rows[1].endswith("challenger")


@dataclass
class Following:
    artifact: str
    follow_registry_seconds: float = 30.0


def test_a_running_service_follows_the_mlflow_champion(tmp_path, registry, capsys):
    """What `serve` does every follow_registry_seconds, against the real server."""
    root, first, second = registry
    orders = serving()
    state = orders.new_state(Following(root), now, ())
    orders.load(state)
    follower = Follower(orders, state)
    assert state.artifact.version == first and follower.look().kind == "same"
    argv = ["promote", second, "--alias", "champion", "--artifact", root]
    assert cli.main(program(tmp_path), argv) == 0
    look = follower.look()
    assert look.kind == "moved" and look.champion.version == second
    follower.settle(look)
    assert state.artifact.version == second and follower.look().kind == "same"
    orders.unload(state)


def test_a_version_that_fails_verification_leaves_the_alias(
    server, tmp_path, registry, capsys
):
    root, first, second = registry
    name = root.removeprefix("models:/")
    client = mlflow.tracking.MlflowClient()
    raised = program(tmp_path, model=replace(MODEL, min_metric=0.9999))
    argv = ["promote", second, "--alias", "champion", "--artifact", root]
    assert cli.main(raised, argv) == 1
    assert "below min_metric 0.9999" in one_error_line(capsys)
    # The stored model file changed after training: its checksum gives it away.
    run_id = client.get_model_version(name, "2").run_id
    (stored,) = Path(server[1]).glob(f"**/{run_id}/artifacts/model/{MODEL_FILE}")
    stored.write_bytes(stored.read_bytes() + b"\0")
    assert cli.main(program(tmp_path), argv) == 1
    assert "checksum differs" in one_error_line(capsys)
    champion = client.get_model_version_by_alias(name, "champion")
    assert champion.tags["modelplate.version"] == first
