"""What the prediction log and the shadow challenger cost `/predict`.

Generates and trains the churn project, then starts three of its servers at once on
loopback, the same model and store behind each: without a log
(`prediction_log` empty), with the log (the default), and with the log and a
challenger (the same artifact again, so both do the same work). Requests go to the
three in alternating blocks over one keep-alive connection each
(`bench.service._load`), so they share the machine alike. The goal (issue #14):
with the log, `/predict` p50 at most 5% above without. After a graceful stop, the
logs are read back to count what was logged against what was answered.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

from .service import PACKAGE, _env, _free_port, _load, _start, churn_service

SETTING = PACKAGE.upper() + "_"


def _rows(folder: Path) -> int:
    return sum(
        pq.ParquetFile(segment).metadata.num_rows
        for segment in folder.glob("predictions-*.parquet")
    )


def run(report) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="modelplate-bench-log-"))
    servers: list[subprocess.Popen] = []
    try:
        project, artifact, record, serve = churn_service(scratch)
        variants = {
            "no log": {SETTING + "PREDICTION_LOG": ""},
            "log": {SETTING + "PREDICTION_LOG": str(scratch / "log")},
            "log + challenger": {
                SETTING + "PREDICTION_LOG": str(scratch / "shadow-log"),
                SETTING + "CHALLENGER": str(artifact),
            },
        }
        urls = []
        for settings in variants.values():
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            command = serve + ["--host", "127.0.0.1", "--port", str(port)]
            env = _env(project, **settings)
            servers.append(_start(command, project, env, url + "/ready"))
            urls.append(url)
        body = json.dumps(record).encode()
        without, logged, shadowed = _load(*[(url + "/predict", body) for url in urls])
        for server in servers:
            server.terminate()  # graceful: the log writes what it holds
            server.wait(timeout=60)
        report(
            "/predict p50 with the prediction log",
            logged["p50_ms"],
            "ms",
            goal=1.05 * without["p50_ms"],
            baseline=without["p50_ms"],
            baseline_name="no log, same run",
        )
        report(
            "/predict p99 with the prediction log",
            logged["p99_ms"],
            "ms",
            baseline=without["p99_ms"],
            baseline_name="no log, same run",
        )
        report(
            "/predict p50 with the log and a shadow challenger",
            shadowed["p50_ms"],
            "ms",
            baseline=without["p50_ms"],
            baseline_name="no log, same run",
        )
        answered = logged["requests"]
        report(
            "predictions logged / answered (log)",
            100 * _rows(scratch / "log") / answered,
            "%",
            goal=100.0,
            lower_is_better=False,
        )
        shadow_rows = _rows(scratch / "shadow-log")
        report(
            "challenger answers logged / champion answers",
            100 * (shadow_rows - shadowed["requests"]) / shadowed["requests"],
            "%",
            lower_is_better=False,
        )
    finally:
        for server in servers:
            if server.poll() is None:
                server.kill()
        shutil.rmtree(scratch, ignore_errors=True)
