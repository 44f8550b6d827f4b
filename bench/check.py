"""How long `modelplate check` takes on large specs, next to an earlier modelplate.

`python -m bench check` writes two large specs (50,000 values of one category field;
60,000 fields, about 4 MB) and times `python -m modelplate check SPEC` as a process,
with this checkout and with modelplate at `BENCH_CHECK_REV` (default: the last commit
before the checks were made linear), read from git as `bench baseline` does. The two
run in alternating blocks after one untimed run each. The goal: 50,000 category values
in under 2 s, and any spec answered in under 10 s.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .baseline import earlier_modelplate
from .processes import Command, alternate

REV = os.environ.get("BENCH_CHECK_REV", "8841d7d")
BLOCKS, PER_BLOCK = 2, 1  # the earlier modelplate takes up to a minute per run


def _categories(path: Path, count: int) -> Path:
    values = ", ".join(f"v{i}" for i in range(count))
    path.write_text(
        "spec_version: 1\nname: many-values\ninputs:\n  fields:\n"
        "    rooms: {type: integer, min: 1, max: 50}\n"
        f"    city: {{type: category, values: [{values}]}}\n"
        "model:\n  task: regression\n  target: {name: price, type: float}\n"
    )
    return path


def _fields(path: Path, count: int) -> Path:
    lines = ["spec_version: 1", "name: many-fields", "inputs:", "  fields:"]
    lines += [
        f"    field_{i:05d}: {{type: float, min: 0, max: {i + 1}, producer: team-{i % 7}}}"
        for i in range(count)
    ]
    lines += ["model:", "  task: regression", "  target: {name: price, type: float}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def _command(spec: Path, pythonpath: str | None) -> Command:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    argv = [sys.executable, "-m", "modelplate", "check", str(spec)]
    return Command(lambda: argv, lambda: env)


def run(report) -> None:
    with tempfile.TemporaryDirectory(prefix="modelplate-bench-check-") as scratch:
        folder = Path(scratch)
        earlier = str(earlier_modelplate(folder))
        specs = {
            "check, 50,000 category values": (
                _categories(folder / "c.yaml", 50_000),
                2,
            ),
            "check, 60,000 fields (4 MB)": (_fields(folder / "f.yaml", 60_000), 10),
        }
        for name, (spec, goal) in specs.items():
            size = spec.stat().st_size / 1e6
            now, before = _command(spec, None), _command(spec, earlier)
            alternate(now, before, BLOCKS, PER_BLOCK)
            report(
                f"{name}, {size:.1f} MB",
                now.median(),
                "s",
                goal=goal,
                baseline=before.median(),
                baseline_name=f"modelplate {REV}",
                spread=now.spread(),
                baseline_spread=before.spread(),
            )
