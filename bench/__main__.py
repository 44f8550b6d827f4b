"""Run the benchmarks: `python -m bench [section ...]` from the project root.

Every figure is printed with its goal and a baseline measured in the same run (or, where a
baseline cannot run here, the published figure it is compared against, marked as such);
a median is followed by the [lowest-highest] of the runs behind it.
"""

from __future__ import annotations

import platform
import sys
import time

from . import (
    baseline,
    calibration,
    check,
    drift,
    engines,
    estimation,
    following,
    generation,
    mutation,
    predictionlog,
    service,
    store,
)

SECTIONS = {
    "generation": generation.run,
    "drift": drift.run,
    "service": service.run,
    # Not run by default: it renders, trains and serves an earlier modelplate too.
    "baseline": baseline.run,
    # Not run by default: minutes per spec (options: --all, --per-spec N).
    "mutation": mutation.run,
    # Not run by default: the earlier modelplate takes minutes on these specs.
    "check": check.run,
    # Not run by default: three servers under load for about a minute.
    "predictionlog": predictionlog.run,
    # Not run by default: 800 drift reports of a trained service, a few minutes.
    "calibration": calibration.run,
    # Not run by default: a trained service's estimates on 8 windows, about a minute.
    "estimation": estimation.run,
    # Not run by default: two servers under load, one champion moving, about a minute.
    "following": following.run,
    # Not run by default: starts a redis-server (store lookups, SQLite vs Redis).
    "store": store.run,
    # Not run by default: minutes (1M rows, a JVM and a Dask cluster per run).
    "engines": engines.run,
}
DEFAULT = ("generation", "drift", "service")
rows: list[tuple[str, str, str, str, str]] = []


def report(
    name: str,
    value: float,
    unit: str,
    goal: float | None = None,
    baseline: float | None = None,
    baseline_name: str = "",
    lower_is_better: bool = True,
    spread: tuple[float, float] | None = None,
    baseline_spread: tuple[float, float] | None = None,
) -> None:
    """Print one figure; `spread` is the (lowest, highest) of the runs behind a median."""
    verdict = ""
    if goal is not None:
        ok = value <= goal if lower_is_better else value >= goal
        verdict = f"{'meets' if ok else 'MISSES'} goal {'<=' if lower_is_better else '>='} {goal:g} {unit}"
    base = ""
    if baseline is not None:
        base = f"{baseline:.3f} {unit}{_range(baseline_spread)} ({baseline_name})"
    shown = f"{value:.3f} {unit}{_range(spread)}"
    rows.append((name, shown, verdict, base, ""))
    print(f"{name:<48} {shown:>26} {verdict:<28} {base}", flush=True)


def _range(spread: tuple[float, float] | None) -> str:
    return f" [{spread[0]:.3f}-{spread[1]:.3f}]" if spread else ""


def main(argv: list[str]) -> int:
    # Words are sections; what starts with -- (and its value) is a section's option.
    chosen = [a for a in argv if a in SECTIONS] or list(DEFAULT)
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}, {platform.system()}"
    )
    start = time.perf_counter()
    for name in chosen:
        print(f"== {name}")
        SECTIONS[name](report)
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
