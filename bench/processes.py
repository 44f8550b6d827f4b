"""Timing commands as a user runs them: whole processes, alternated with a baseline.

A command's figure includes the interpreter's start and every import, which an
in-process timing hides. The machine is shared (other sessions run on its 2 cores), so
the measured command and its baseline run in alternating blocks and each median is
compared only with the other's from the same run. CPU seconds are kept beside the wall
seconds: waiting for a busy core shows in the wall time only.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sysconfig
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def script(name: str) -> str:
    """The console script `name` installed beside this interpreter (as a user runs it)."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.is_file():
        raise SystemExit(
            f"bench: the `{name}` command is not installed in {path.parent}"
        )
    return str(path)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process(
    argv: list[str], env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Wall and CPU seconds of one process, with those of the processes it waited for
    (git's, for example); a failure stops the benchmark."""
    cpu, start = _children_cpu(), time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(
            f"bench: {' '.join(argv[:3])} ... exited {result.returncode}:\n"
            f"{result.stderr[-2000:]}"
        )
    return elapsed, _children_cpu() - cpu


@dataclass
class Command:
    """A command to time; `prepare` does the untimed setup of one run and returns argv."""

    prepare: Callable[[], list[str]]
    env: Callable[[], dict[str, str]] = field(default=lambda: dict(os.environ))
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def run(self) -> None:
        argv, env = self.prepare(), self.env()
        elapsed, cpu = run_process(argv, env)
        self.times.append(elapsed)
        self.cpu.append(cpu)

    def median(self, cpu: bool = False) -> float:
        return statistics.median(self.cpu if cpu else self.times)

    def spread(self, cpu: bool = False) -> tuple[float, float]:
        values = self.cpu if cpu else self.times
        return min(values), max(values)


def alternate(
    measured: Command, baseline: Command, blocks: int, per_block: int
) -> None:
    """Time both in alternating blocks (AB, BA, AB, ...) after one untimed run each.

    The untimed run fills the caches a user's second run would find warm (the OS's file
    cache, Python's bytecode, modelplate's compiled templates), for both commands alike.
    """
    for command in (measured, baseline):
        command.run()
        command.times.clear()
        command.cpu.clear()
    for block in range(blocks):
        order = (measured, baseline) if block % 2 == 0 else (baseline, measured)
        for command in order:
            for _ in range(per_block):
                command.run()


__all__ = ["Command", "alternate", "run_process", "script"]
