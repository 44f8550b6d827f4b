"""The generated service before and after a change of modelplate, in one run.

`python -m bench baseline` renders the reference spec twice, with this checkout and with
an earlier commit of modelplate (`BENCH_BASELINE_REV`, default: the last landing before
the runtime moved out of the template), trains and precomputes both, serves both on
loopback and loads `/predict` in alternating blocks, then times the batch stages
(contract, features, serialization) of both, alternated. So "the figures did not get
worse" is a same-run comparison, not one against a figure from another day: on a shared
machine single-shot batch figures moved by up to 10x from run to run.

The earlier modelplate is read from git (`git archive`) and imported from a folder laid
out as its wheel would be (`generator/` as `modelplate`, `template/` beside it), with this
environment's packages; nothing is installed.
"""

from __future__ import annotations

import ast
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from . import service

ROOT = service.ROOT
REV = os.environ.get("BENCH_BASELINE_REV", "16a0d27")
ROUNDS = 3  # alternated runs of the batch stages, per side


def _git(*args: str) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, check=True, timeout=120
    ).stdout


def earlier_modelplate(scratch: Path) -> Path:
    """A folder to put on PYTHONPATH so that `import modelplate` is the one at REV."""
    tree = scratch / "tree"
    archive = _git("archive", REV, "generator", "template")
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(tree, filter="data")
    package = scratch / "path" / "modelplate"
    package.mkdir(parents=True)
    for entry in (tree / "generator").iterdir():
        (package / entry.name).symlink_to(entry)
    (package / "template").symlink_to(tree / "template")
    return scratch / "path"


def _stages_at(rev: str) -> str:
    """The batch-stage probe of `bench/service.py` as it was at `rev`."""
    source = _git("show", f"{rev}:bench/service.py").decode()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "STAGES" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise RuntimeError(f"bench/service.py at {rev} has no STAGES")


def _prepare(project: Path, pythonpath: str | None, scratch: Path, name: str) -> dict:
    """Render, train and precompute one side; return how to serve it."""
    env = {**os.environ}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    command = [sys.executable, "-m", "modelplate", "new", str(service.CHURN)]
    command += ["--output", str(project), "--force", "--no-git"]
    subprocess.run(command, env=env, capture_output=True, check=True, timeout=300)
    artifact, store = scratch / f"{name}-model", scratch / f"{name}.sqlite"
    run_env = service._env(project)
    for args in (
        ["train", "--artifact", str(artifact)],
        ["precompute", "data/sample.csv", "--artifact", str(artifact)]
        + ["--store", str(store)],
    ):
        subprocess.run(
            [sys.executable, "-m", service.PACKAGE, *args],
            cwd=project,
            env=run_env,
            capture_output=True,
            check=True,
            timeout=600,
        )
    return {"project": project, "artifact": artifact, "store": store}


def _serve(side: dict) -> tuple[subprocess.Popen, str]:
    port = service._free_port()
    command = [sys.executable, "-m", service.PACKAGE, "serve"]
    command += ["--artifact", str(side["artifact"]), "--store", str(side["store"])]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    project = side["project"]
    return service._start(command, project, service._env(project), url + "/ready"), url


def run(report) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="modelplate-bench-baseline-"))
    servers: list[subprocess.Popen] = []
    try:
        before = _prepare(
            scratch / "before", str(earlier_modelplate(scratch)), scratch, "before"
        )
        after = _prepare(scratch / "after", None, scratch, "after")
        example = json.loads((after["project"] / "tests" / "cases.json").read_text())
        body = json.dumps(example["bases"]["example"]).encode()
        urls = []
        for side in (before, after):
            process, url = _serve(side)
            servers.append(process)
            urls.append(url + "/predict")
        old, new = service._load((urls[0], body), (urls[1], body))
        for figure in ("p50_ms", "p99_ms"):
            report(
                f"/predict {figure[:3]}, this checkout",
                new[figure],
                "ms",
                goal=old[figure] * 1.05,
                baseline=old[figure],
                baseline_name=f"modelplate {REV}, same run",
            )
        # The same rows for both: each checkout draws its own synthetic sample, and
        # the cost of a contract check depends on the data (distinct dates, say).
        shutil.copyfile(
            after["project"] / "data" / "sample.csv",
            before["project"] / "data" / "sample.csv",
        )
        probes = {"before": _stages_at(REV), "after": service.STAGES}
        for rows in ("100000", "1000000"):
            runs: dict[str, list[float]] = {"before": [], "after": []}
            for _ in range(ROUNDS):
                for name, side in (("before", before), ("after", after)):
                    stages = service._stages(
                        side["project"], side["artifact"], rows, probes[name]
                    )
                    total = sum(
                        stages[key]
                        for key in ("contract_s", "features_s", "serialization_s")
                    )
                    runs[name].append(total)
            report(
                f"{rows} rows: contract+features+serialization, best of {ROUNDS}",
                min(runs["after"]),
                "s",
                goal=min(runs["before"]) * 1.10,
                baseline=min(runs["before"]),
                baseline_name=f"modelplate {REV}, alternated",
                spread=(min(runs["after"]), max(runs["after"])),
                baseline_spread=(min(runs["before"]), max(runs["before"])),
            )
    finally:
        for process in servers:
            process.terminate()
            process.wait(timeout=30)
