# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Right-sizing: what a service measurably needs, against its spec's budget.

Measured in this process: resident memory before and after loading the model,
then the full scoring pipeline (contract, features, model, decisions) on a single
record and on a batch of ``Resources.max_batch_records``: latency percentiles over
a bounded number of runs, and the memory one call allocates (tracemalloc, in a
separate run because tracing slows the code down). The verdict compares the
peak a worker reaches and the single-record p99 with the ``Resources``; the
recommendation adds headroom for what a measurement cannot see (fragmentation,
the web server, a bigger batch of wider records).
"""

from __future__ import annotations

import math
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from .definition import Resources

__all__ = [
    "Check",
    "Sizing",
    "container_mb",
    "format_sizing",
    "judge",
    "measure",
    "measure_model",
    "need_mb",
]

MB = 1024 * 1024
# Multiplies the measured peak: allocator fragmentation, the HTTP server, spikes.
HEADROOM = 1.5
# Containers are sized in steps of this many MB.
STEP_MB = 64
# Loads an artifact from its location (a service's ``artifact.load_artifact``).
Load = Callable[[object], object]
# Scores raw records: (frame, artifact, as_of) -> anything (``Scorer.score_frame``).
Score = Callable[[pd.DataFrame, object, pd.Timestamp], object]


@dataclass(frozen=True)
class Check:
    name: str
    measured: float
    budget: float
    unit: str

    @property
    def ok(self) -> bool:
        return self.measured <= self.budget


@dataclass(frozen=True)
class Sizing:
    """Every figure measured, the checks against the budget and a recommendation."""

    figures: dict[str, float]
    checks: list[Check]
    memory_mb: int  # recommended container memory
    cpus: int  # recommended CPUs (one worker process each)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / MB


def measure_model(location: object, load: Load) -> tuple[object, dict[str, float]]:
    """Load the model; its memory is the larger of RSS growth and the traced peak."""
    before = _rss_mb()
    tracemalloc.start()
    try:
        start = time.perf_counter()
        artifact = load(location)
        seconds = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    after = _rss_mb()
    figures = {"rss_before_load_mb": before, "rss_after_load_mb": after}
    # The load is timed under tracing, which slows it: an upper bound, as a
    # start-up probe's patience should be.
    figures["model_load_s"] = seconds
    return artifact, {**figures, "model_mb": max(after - before, traced)}


def _latency(call: Callable[[], object], runs: int, seconds: float) -> dict[str, float]:
    """p50/p99 in ms over at most ``runs`` calls or ``seconds``, then a traced call."""
    call()  # warm-up: first-call caches are not what a running service sees
    times = []
    deadline = time.perf_counter() + seconds
    while len(times) < runs and (len(times) < 5 or time.perf_counter() < deadline):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000.0)
    tracemalloc.start()
    try:
        call()
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    p50, p99 = np.percentile(times, [50, 99])
    return {"p50_ms": float(p50), "p99_ms": float(p99), "peak_mb": peak}


def _batch(records: pd.DataFrame, size: int) -> pd.DataFrame:
    """``size`` rows: the records repeated (real rows, not synthetic ones)."""
    repeats = math.ceil(size / len(records))
    return pd.concat([records] * repeats, ignore_index=True).head(size)


def measure(
    location: object,
    records: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    load: Load,
    score: Score,
    resources: Resources,
    store: str | Path | None = None,
    runs: int = 200,
    seconds: float = 2.0,
) -> Sizing:
    """Measure the model, one record and a full batch; judge them against
    ``resources``.

    ``records`` are raw records the contract accepts (e.g. the sample data);
    ``load`` loads the artifact at ``location`` and ``score`` scores a frame
    with it, as the service does.
    """
    artifact, figures = measure_model(location, load)
    single = records.head(1)
    batch = _batch(records, resources.max_batch_records)
    for name, frame, count in (("single", single, runs), ("batch", batch, runs // 10)):

        def call(frame: pd.DataFrame = frame) -> object:
            return score(frame, artifact, as_of)

        measured = _latency(call, max(count, 1), seconds)
        figures.update({f"{name}_{key}": value for key, value in measured.items()})
    figures["batch_records"] = float(len(batch))
    # A SQLite store's size on disk; a Redis store's memory is its server's.
    on_disk = store is not None and Path(store).is_file()
    figures["store_mb"] = Path(store).stat().st_size / MB if on_disk else 0.0
    return judge(figures, resources)


def judge(figures: dict[str, float], resources: Resources) -> Sizing:
    """The checks of measured ``figures`` against ``resources``, and the container
    to run it in. Reads the figures ``measure`` takes: model_mb, rss_after_load_mb,
    single_/batch_peak_mb and single_p99_ms."""
    figures = dict(figures)
    call_peak = max(figures["single_peak_mb"], figures["batch_peak_mb"])
    peak = figures["rss_after_load_mb"] + call_peak
    figures["peak_rss_mb"] = peak
    # A CPU quota below one core stretches a single-threaded request's wall time.
    stretched = figures["single_p99_ms"] / min(resources.cpus, 1.0)
    checks = [
        Check("model memory", figures["model_mb"], resources.memory_mb, "MB"),
        Check("peak worker memory", peak, resources.memory_mb, "MB"),
        Check("single-record p99 latency", stretched, resources.latency_p99_ms, "ms"),
    ]
    # One worker process per whole CPU; each holds its own model and batch.
    workers = max(1, math.floor(resources.cpus))
    memory = container_mb(peak, workers)
    return Sizing(figures=figures, checks=checks, memory_mb=memory, cpus=workers)


def container_mb(need: float, workers: int = 1) -> int:
    """The memory to give ``workers`` processes that each measurably need ``need``
    MB: HEADROOM for what a measurement cannot see, in steps of STEP_MB."""
    return math.ceil(need * HEADROOM * workers / STEP_MB) * STEP_MB


def need_mb(figures: dict[str, float]) -> float:
    """What one serving process measurably needs: resident after loading the model,
    plus the largest call (one record or a full batch), plus the feature store's
    file, whose pages the kernel caches and charges to the container's memory."""
    call = max(figures["single_peak_mb"], figures["batch_peak_mb"])
    return figures["rss_after_load_mb"] + call + figures.get("store_mb", 0.0)


def format_sizing(sizing: Sizing) -> str:
    """The figures, the checks and the recommendation, as a table."""
    lines = [f"{name:<28} {value:>12.3f}" for name, value in sizing.figures.items()]
    lines.append("")
    for check in sizing.checks:
        verdict = "ok" if check.ok else "OVER BUDGET"
        lines.append(
            f"{check.name:<28} {check.measured:>10.2f} {check.unit:<3} "
            f"budget {check.budget:g} {check.unit}  {verdict}"
        )
    per_worker = 1000.0 / max(sizing.figures["single_p50_ms"], 1e-9)
    lines.append(
        f"recommended container: {sizing.memory_mb} MB, {sizing.cpus} CPU "
        f"({sizing.cpus} worker(s), about {per_worker:.0f} single-record "
        "requests/s each at p50)"
    )
    return "\n".join(lines)
