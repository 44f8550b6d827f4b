"""Feature store lookups: the embedded SQLite file against a shared Redis database.

The same store content (ENTITIES entities, COLUMNS float columns, fresh) is written to
a SQLite file and to a redis-server this section starts on loopback (no persistence),
then each backend looks up one random entity at a time, as the service does per
request (`FeatureStore.lookup_one`: read, freshness and null checks), and a batch of
BATCH entities (`lookup`). The backends run in alternating blocks, since the machine
is shared; each figure is the median of all its lookups, with the lowest and highest
block median. Needs `redis-server` on the PATH and the `redis` package.
"""

from __future__ import annotations

import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from modelplate.runtime.definition import Contract, Field, Precompute
from modelplate.runtime.store import FeatureStore

ENTITIES = 100_000
COLUMNS = 5
BLOCKS = 10
PER_BLOCK = 1000  # single lookups per backend per block
BATCH = 100
BATCHES_PER_BLOCK = 50
AS_OF = pd.Timestamp("2024-06-01")
CONTRACT = Contract("bench", (Field(name="customer", type="string", role="id"),))
PRECOMPUTE = Precompute(
    entity="customer",
    features=tuple(f"f{n}" for n in range(COLUMNS)),
    max_age="1d",
    max_age_seconds=86400.0,
    store="features.sqlite",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _redis(folder: Path):
    program = shutil.which("redis-server")
    if program is None:
        raise SystemExit(
            "bench store: needs redis-server (apt-get install redis-server)"
        )
    port = _free_port()
    argv = [program, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
    argv += ["--appendonly", "no", "--dir", str(folder)]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(
                        "bench store: redis-server did not start"
                    ) from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def _table() -> pd.DataFrame:
    values = np.random.default_rng(0).random((ENTITIES, COLUMNS))
    table = pd.DataFrame(values, columns=list(PRECOMPUTE.columns))
    table.insert(0, "customer", [f"C{n:07}" for n in range(ENTITIES)])
    return table


def _block(store: FeatureStore, keys: list[str], times: list[float]) -> float:
    """One block of single lookups; their median in ms."""
    block = []
    for key in keys:
        start = time.perf_counter()
        store.lookup_one(key, AS_OF)
        block.append((time.perf_counter() - start) * 1000)
    times.extend(block)
    return statistics.median(block)


def _batches(store: FeatureStore, batches: list[list[str]], times: list[float]):
    block = []
    for keys in batches:
        series = pd.Series(keys)
        start = time.perf_counter()
        store.lookup(series, AS_OF)
        block.append((time.perf_counter() - start) * 1000)
    times.extend(block)
    return statistics.median(block)


def run(report) -> None:
    table = _table()
    names = table["customer"].tolist()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as scratch, _redis(Path(scratch)) as url:
        stores = {
            "sqlite": FeatureStore(
                Path(scratch) / "features.sqlite", PRECOMPUTE, CONTRACT
            ),
            "redis": FeatureStore(url, PRECOMPUTE, CONTRACT),
        }
        for name, store in stores.items():
            start = time.perf_counter()
            store.write(table, AS_OF)
            report(
                f"store: write {ENTITIES} entities, {name}",
                time.perf_counter() - start,
                "s",
            )
            store.open()
        single = {name: ([], []) for name in stores}
        batch = {name: ([], []) for name in stores}
        for block in range(BLOCKS):
            keys = rng.sample(names, PER_BLOCK)
            batches = [rng.sample(names, BATCH) for _ in range(BATCHES_PER_BLOCK)]
            # Alternate which backend goes first, so neither always runs warmer.
            order = list(stores) if block % 2 == 0 else list(stores)[::-1]
            for name in order:
                times, medians = single[name]
                medians.append(_block(stores[name], keys, times))
                times, medians = batch[name]
                medians.append(_batches(stores[name], batches, times))
        for name in stores:
            stores[name].close()
    for label, figures in (("lookup_one", single), (f"lookup of {BATCH}", batch)):
        base_times, base_medians = figures["sqlite"]
        base = float(np.percentile(base_times, 50))
        base_spread = (min(base_medians), max(base_medians))
        for name in ("sqlite", "redis"):
            times, medians = figures[name]
            p50, p99 = np.percentile(times, [50, 99])
            shown = (
                {}
                if name == "sqlite"
                else {
                    "baseline": base,
                    "baseline_name": "sqlite p50",
                    "baseline_spread": base_spread,
                }
            )
            report(
                f"store: {label} p50, {name}",
                float(p50),
                "ms",
                spread=(min(medians), max(medians)),
                **shown,
            )
            report(f"store: {label} p99, {name}", float(p99), "ms")
