"""What following the registry costs `/predict` while promotions happen.

Generates and trains the churn project twice into one registry (two versions), copies
that registry, and starts two of its servers at once on loopback, each following its
own registry every FOLLOW seconds. While requests go to both in alternating blocks
(`bench.service._load`), the first registry's champion alias is moved between the two
versions every PROMOTE_EVERY seconds (written as `promote` writes it, from this
process, so no command's start-up competes for the CPU); the second's never moves.
Each move makes the first server load, verify and probe a version off its event loop,
then swap it in. The figures: `/predict` p50 and p99 with the swaps against without,
and the swaps counted by the server itself (`model_reloads_total`). No request may
fail (`_load` raises on any non-2xx answer).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import httpx

from modelplate.runtime.registry import FolderRegistry

from .service import (
    PACKAGE,
    _env,
    _free_port,
    _load,
    _start,
    churn_service,
    train_into,
)

SETTING = PACKAGE.upper() + "_"
# Seconds between two looks at the registry (30 by default), and between two
# promotions: far more often than any team promotes, so that a run of a few seconds
# holds a dozen swaps and the p99 holds the requests around them.
FOLLOW = 0.05
PROMOTE_EVERY = 0.25


def _promote_in_turn(root: Path, versions: list[str], stop: threading.Event) -> None:
    registry, turn = FolderRegistry(str(root)), 1
    while not stop.wait(PROMOTE_EVERY):
        registry.set_alias("champion", versions[turn % 2], by="bench", at="bench")
        turn += 1


def run(report) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="modelplate-bench-following-"))
    servers: list[subprocess.Popen] = []
    stop = threading.Event()
    try:
        project, artifact, record, serve = churn_service(scratch)
        train_into(project, artifact)
        found = FolderRegistry(str(artifact)).versions()
        versions = [version.id for version in found]
        steady = scratch / "steady-model"
        shutil.copytree(artifact, steady)
        urls = []
        for root in (artifact, steady):
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            command = [*serve, "--artifact", str(root), "--port", str(port)]
            env = _env(project, **{SETTING + "FOLLOW_REGISTRY_SECONDS": str(FOLLOW)})
            servers.append(_start(command, project, env, url + "/ready"))
            urls.append(url)
        promoter = threading.Thread(
            target=_promote_in_turn, args=(artifact, versions, stop), daemon=True
        )
        promoter.start()
        body = json.dumps(record).encode()
        moving, still = _load(*[(url + "/predict", body) for url in urls])
        stop.set()
        promoter.join(timeout=10)
        metrics = httpx.get(urls[0] + "/metrics", timeout=10).text
        swaps = re.search(r'model_reloads_total\{outcome="loaded"\} (\S+)', metrics)
        failed = re.search(r'model_reloads_total\{outcome="failed"\} (\S+)', metrics)
        report(
            f"/predict p50, the champion moved every {PROMOTE_EVERY:g} s",
            moving["p50_ms"],
            "ms",
            baseline=still["p50_ms"],
            baseline_name="following, champion still, same run",
        )
        report(
            f"/predict p99, the champion moved every {PROMOTE_EVERY:g} s",
            moving["p99_ms"],
            "ms",
            baseline=still["p99_ms"],
            baseline_name="following, champion still, same run",
        )
        report(
            "promoted champions served (model_reloads_total loaded)",
            float(swaps.group(1)) if swaps else 0.0,
            "",
            lower_is_better=False,
        )
        report(
            "promoted champions refused (model_reloads_total failed)",
            float(failed.group(1)) if failed else 0.0,
            "",
            goal=0.0,
        )
    finally:
        stop.set()
        for server in servers:
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
        shutil.rmtree(scratch, ignore_errors=True)
