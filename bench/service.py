"""How fast the generated service answers, next to a bare endpoint with the same model.

Generates and trains the churn project, then, in the same run and on loopback only:
- starts its `serve` (uvicorn, the generated app: contract, features, matrix, ONNX
  predict, decisions, metrics) and a bare FastAPI app whose one `async def` endpoint
  runs the same model.onnx on a ready-made one-row matrix (the floor: HTTP + predict);
- sends a bounded number of requests (count and time capped) over one keep-alive
  connection and reports p50/p99 latency and requests/s of `/predict` and
  `/predict/batch` next to the bare endpoint (goal: `/predict` p50 within 1.5x);
- times one-row predict of onnxruntime against scikit-learn on the same model;
- and the batch figures of issue 7: rows/s of contract, features, serialization and
  predict at 10k/100k/1M rows, the peak memory of scoring 1M rows, the service's
  memory at rest and the model's size.

Generated code runs in subprocesses with PYTHONPATH=<project>/src, like the tool's
tests, so the figures are those of the generated package.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import modelplate

ROOT = Path(__file__).resolve().parent.parent
CHURN = ROOT / "examples" / "churn.yaml"
PACKAGE = "churn_predictor"
REQUESTS = 2000  # per endpoint, and at most SECONDS each
SECONDS = 20.0
BLOCK = 100  # requests per endpoint before switching to the other
WARM_UP = 50  # requests per endpoint before the timing starts
BATCH = 100
BATCH_ROWS = (10_000, 100_000, 1_000_000)

BARE_APP = """
import json, os
import numpy as np
import onnxruntime
from fastapi import FastAPI
from fastapi.responses import Response

location = os.environ["BENCH_ARTIFACT"]
columns = json.load(open(os.path.join(location, "metadata.json")))["columns"]
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = options.inter_op_num_threads = 1
session = onnxruntime.InferenceSession(
    os.path.join(location, "model.onnx"), options, providers=["CPUExecutionProvider"]
)
name = session.get_inputs()[0].name
dtype = np.float32 if session.get_inputs()[0].type == "tensor(float)" else np.float64
matrix = np.ones((1, len(columns)), dtype=dtype)
app = FastAPI()


@app.post("/predict")
async def predict() -> Response:
    score = float(session.run(None, {name: matrix})[1][0, 1])
    return Response(json.dumps({"score": score}), media_type="application/json")
"""

# Runs inside the generated project: one-row predict, and the batch stages.
STAGES = """
import json, resource, sys, time
import numpy as np
import pandas as pd
from churn_predictor.contracts import CONTRACT
from churn_predictor.features import FEATURES
from churn_predictor.model import MODEL
from churn_predictor.pipeline import SCORER, load_artifact
from churn_predictor.runtime.contract import validate_frame
from churn_predictor.runtime.features import build_features
from churn_predictor.runtime.io import read_frame
from churn_predictor.runtime.serialization import to_matrix
from churn_predictor.runtime.training import train, training_fields

def best(run, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter(); run(); times.append(time.perf_counter() - start)
    return min(times)

artifact = load_artifact(sys.argv[1])
as_of = pd.Timestamp("2026-01-01")
sample = read_frame("data/sample.csv", CONTRACT).drop(columns=["churned"])
out = {}
if sys.argv[2] == "one-row":
    data = read_frame("data/sample.csv", CONTRACT, training_fields(CONTRACT, MODEL))
    model = train(data, CONTRACT, FEATURES, MODEL, as_of=as_of, trained_at="bench").model
    valid = validate_frame(sample.head(1), CONTRACT)[0]
    table = build_features(
        valid, as_of, artifact.imputation, FEATURES, CONTRACT.fields
    )
    row = to_matrix(table, artifact.columns)
    out["sklearn_us"] = best(lambda: model.predict_proba(row), 2000) * 1e6
    out["onnx_us"] = best(lambda: SCORER.predict(artifact.model, row), 2000) * 1e6
else:
    rows = int(sys.argv[2])
    frame = sample.sample(rows, replace=True, random_state=0).reset_index(drop=True)
    start = time.perf_counter(); valid, rejects = validate_frame(frame, CONTRACT)
    out["contract_s"] = time.perf_counter() - start
    start = time.perf_counter()
    table = build_features(
        valid, as_of, artifact.imputation, FEATURES, CONTRACT.fields
    )
    out["features_s"] = time.perf_counter() - start
    start = time.perf_counter(); matrix = to_matrix(table, artifact.columns)
    out["serialization_s"] = time.perf_counter() - start
    start = time.perf_counter(); SCORER.predict(artifact.model, matrix)
    out["predict_s"] = time.perf_counter() - start
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(project: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(project / "src"), **extra}


def _wait_ready(url: str, process: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {seconds} s")


def _start(command: list[str], project: Path, env: dict, ready: str):
    process = subprocess.Popen(
        command,
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(ready, process)
    except BaseException:
        process.kill()
        raise
    return process


def _figures(latencies: list[float], elapsed: float) -> dict[str, float]:
    latencies = sorted(latencies)
    return {
        "p50_ms": statistics.median(latencies) * 1e3,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1e3,
        "rps": len(latencies) / elapsed,
        "requests": len(latencies) + WARM_UP,
    }


def _load(*targets: tuple[str, bytes]) -> list[dict[str, float]]:
    """Bounded sequential load over one keep-alive connection per target.

    With several targets, requests go in alternating blocks of BLOCK, so that each
    target sees the same machine (other processes, CPU frequency) over the run:
    measured one after the other, two runs of the same endpoint differed by 15%.
    """
    headers = {"content-type": "application/json"}
    clients = [httpx.Client(timeout=10.0) for _ in targets]
    latencies: list[list[float]] = [[] for _ in targets]
    elapsed = [0.0 for _ in targets]
    try:
        for client, (url, body) in zip(clients, targets, strict=True):
            for _ in range(WARM_UP):  # connection, caches, first allocations
                client.post(url, content=body, headers=headers).raise_for_status()
        started = time.perf_counter()
        while len(latencies[0]) < REQUESTS and time.perf_counter() - started < SECONDS:
            for position, (url, body) in enumerate(targets):
                block = time.perf_counter()
                for _ in range(BLOCK):
                    start = time.perf_counter()
                    response = clients[position].post(
                        url, content=body, headers=headers
                    )
                    response.raise_for_status()
                    latencies[position].append(time.perf_counter() - start)
                elapsed[position] += time.perf_counter() - block
    finally:
        for client in clients:
            client.close()
    return [
        _figures(times, spent) for times, spent in zip(latencies, elapsed, strict=True)
    ]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _stages(project: Path, artifact: Path, argument: str, probe: str = STAGES) -> dict:
    """Run the batch-stage ``probe`` (this checkout's, by default) in ``project``."""
    result = subprocess.run(
        [sys.executable, "-c", probe, str(artifact), argument],
        cwd=project,
        env=_env(project),
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def trained_churn(scratch: Path) -> tuple[Path, Path]:
    """(project, artifact): the churn project generated and trained in ``scratch``."""
    project = scratch / "churn-predictor"
    modelplate.generate(CHURN, project)
    artifact = scratch / "model"
    train_into(project, artifact)
    return project, artifact


def train_into(project: Path, artifact: Path) -> None:
    """Train the generated ``project`` on its sample into the registry ``artifact``
    (a new version; the first is the champion)."""
    subprocess.run(
        [sys.executable, "-m", PACKAGE, "train", "--artifact", str(artifact)],
        cwd=project,
        env=_env(project),
        capture_output=True,
        check=True,
        timeout=600,
    )


def fresh_churn_rows(scratch: Path, rows: int) -> Path:
    """``rows`` labelled rows drawn from the distribution the churn sample came from,
    past the sample's own (the model never saw them), as a CSV in ``scratch``."""
    from modelplate.api import check
    from modelplate.sample import sample_rows, synthesize

    checked = check(CHURN)
    skip = sample_rows(checked)
    header, *lines = synthesize(checked, rows=skip + rows).splitlines(keepends=True)
    fresh = scratch / "fresh.csv"
    fresh.write_text(header + "".join(lines[skip:]))
    return fresh


def run_in(project: Path, script: str, *args: str) -> dict:
    """The JSON last printed by ``script`` run in the generated ``project``."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=project,
        env=_env(project),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode:
        raise RuntimeError(f"{project.name}: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def churn_service(scratch: Path) -> tuple[Path, Path, dict, list[str]]:
    """(project, artifact, example record, `serve` command without host and port):
    the churn project generated and trained in ``scratch``, its feature store
    holding the example's entity."""
    project, artifact = trained_churn(scratch)
    example = json.loads((project / "tests" / "cases.json").read_text())
    record = example["bases"]["example"]
    # The spec precomputes features: serving looks the record's entity up in the
    # store, so the store holds it (computed now, as a daily job would).
    records = scratch / "records.csv"
    with records.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(record))
        writer.writeheader()
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    store = scratch / "features.sqlite"
    subprocess.run(
        [sys.executable, "-m", PACKAGE, "precompute", str(records)]
        + ["--artifact", str(artifact), "--store", str(store)],
        cwd=project,
        env=_env(project),
        capture_output=True,
        check=True,
        timeout=300,
    )
    serve = [sys.executable, "-m", PACKAGE, "serve", "--artifact", str(artifact)]
    return project, artifact, record, serve + ["--store", str(store)]


def run(report) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="modelplate-bench-service-"))
    servers: list[subprocess.Popen] = []
    try:
        project, artifact, record, serve = churn_service(scratch)
        service_port, bare_port = _free_port(), _free_port()
        serve += ["--host", "127.0.0.1", "--port", str(service_port)]
        service_url = f"http://127.0.0.1:{service_port}"
        servers.append(_start(serve, project, _env(project), service_url + "/ready"))
        (scratch / "bare_app.py").write_text(BARE_APP)
        bare = [sys.executable, "-m", "uvicorn", "bare_app:app", "--no-access-log"]
        bare += ["--host", "127.0.0.1", "--port", str(bare_port)]
        bare_env = {**os.environ, "PYTHONPATH": str(scratch)}
        bare_env["BENCH_ARTIFACT"] = str(artifact)
        bare_url = f"http://127.0.0.1:{bare_port}"
        servers.append(_start(bare, scratch, bare_env, bare_url + "/docs"))

        report("service: memory at rest", _rss_mb(servers[0].pid), "MB")
        report(
            "model.onnx size",
            (artifact / "model.onnx").stat().st_size / 1024,
            "KB",
        )
        floor, one = _load(
            (bare_url + "/predict", b"{}"),
            (service_url + "/predict", json.dumps(record).encode()),
        )
        batch = json.dumps({"records": [record] * BATCH}).encode()
        (many,) = _load((service_url + "/predict/batch", batch))
        report(
            "/predict p50",
            one["p50_ms"],
            "ms",
            goal=1.5 * floor["p50_ms"],
            baseline=floor["p50_ms"],
            baseline_name="bare endpoint, same model",
        )
        report(
            "/predict p99",
            one["p99_ms"],
            "ms",
            baseline=floor["p99_ms"],
            baseline_name="bare endpoint",
        )
        report(
            "/predict requests/s (1 connection)",
            one["rps"],
            "req/s",
            baseline=floor["rps"],
            baseline_name="bare endpoint",
            lower_is_better=False,
        )
        report(f"/predict/batch of {BATCH} p50", many["p50_ms"], "ms")
        report(f"/predict/batch of {BATCH} p99", many["p99_ms"], "ms")
        report(
            f"/predict/batch of {BATCH}: records/s",
            many["rps"] * BATCH,
            "rec/s",
            baseline=one["rps"],
            baseline_name="/predict one by one",
            lower_is_better=False,
        )
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        servers.clear()

        predicts = _stages(project, artifact, "one-row")
        report(
            "one-row predict: onnxruntime",
            predicts["onnx_us"],
            "us",
            baseline=predicts["sklearn_us"],
            baseline_name="scikit-learn predict_proba",
        )
        for rows in BATCH_ROWS:
            stages = _stages(project, artifact, str(rows))
            prepare = (
                stages["contract_s"] + stages["features_s"] + stages["serialization_s"]
            )
            for stage in ("contract", "features", "serialization", "predict"):
                report(f"{rows} rows: {stage}", rows / stages[f"{stage}_s"], "rows/s")
            report(
                f"{rows} rows: contract+features+serialization",
                prepare,
                "s",
                goal=0.5 * stages["predict_s"],
                baseline=stages["predict_s"],
                baseline_name="predict",
            )
            if rows == BATCH_ROWS[-1]:
                report(f"{rows} rows: peak memory", stages["peak_mb"], "MB")
    finally:
        for server in servers:
            server.kill()
        shutil.rmtree(scratch, ignore_errors=True)
