"""Right-sizing: measured figures judged against a budget, and a small measurement."""

from __future__ import annotations

import pandas as pd
import pytest

from modelplate.runtime.definition import Resources
from modelplate.runtime.sizing import format_sizing, judge, measure, measure_model

FIGURES = {
    "rss_before_load_mb": 100.0,
    "rss_after_load_mb": 120.0,
    "model_mb": 20.0,
    "single_p50_ms": 2.0,
    "single_p99_ms": 8.0,
    "single_peak_mb": 1.0,
    "batch_p50_ms": 40.0,
    "batch_p99_ms": 60.0,
    "batch_peak_mb": 30.0,
}


def test_within_budget_every_check_passes():
    sizing = judge(FIGURES, Resources(memory_mb=512, cpus=2, latency_p99_ms=10))
    assert sizing.ok and all(check.ok for check in sizing.checks)
    assert sizing.figures["peak_rss_mb"] == 150.0  # after load + the largest call
    # 150 MB x 1.5 headroom x 2 workers = 450, rounded up to 64 MB steps.
    assert (sizing.memory_mb, sizing.cpus) == (512, 2)
    assert "rss_after_load_mb" in FIGURES and "peak_rss_mb" not in FIGURES


@pytest.mark.parametrize(
    "resources, failing",
    [
        (Resources(memory_mb=140), ["peak worker memory"]),
        (Resources(memory_mb=10), ["model memory", "peak worker memory"]),
        (Resources(latency_p99_ms=5), ["single-record p99 latency"]),
        # Half a CPU doubles a single-threaded request's wall time: 16 ms > 10.
        (Resources(cpus=0.5, latency_p99_ms=10), ["single-record p99 latency"]),
    ],
)
def test_each_check_follows_its_budget(resources, failing):
    sizing = judge(FIGURES, resources)
    assert not sizing.ok
    assert [check.name for check in sizing.checks if not check.ok] == failing
    assert sizing.cpus == 1


def test_the_table_gives_each_verdict_and_the_recommendation():
    text = format_sizing(judge(FIGURES, Resources(memory_mb=140, latency_p99_ms=10)))
    assert "peak worker memory" in text and "OVER BUDGET" in text
    assert "budget 10 ms  ok" in text
    assert "recommended container: 256 MB, 1 CPU" in text
    assert "about 500 single-record requests/s" in text


class Model:
    """Stands in for a loaded artifact: a list to make loading allocate memory."""

    def __init__(self, location: object) -> None:
        self.weights = list(range(200_000))


def _score(frame: pd.DataFrame, artifact: Model, as_of: pd.Timestamp) -> float:
    return float(frame["x"].sum()) * len(artifact.weights)


def test_measure_loads_once_and_times_one_record_and_a_full_batch(tmp_path):
    loaded = []

    def load(location: object) -> Model:
        loaded.append(location)
        return Model(location)

    store = tmp_path / "store.sqlite"
    store.write_bytes(b"\0" * 1024 * 1024)
    records = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    budget = Resources(memory_mb=1e6, latency_p99_ms=1e6, max_batch_records=10)
    sizing = measure(
        "here",
        records,
        pd.Timestamp("2024-06-01"),
        load=load,
        score=_score,
        resources=budget,
        store=store,
        runs=5,
        seconds=0.1,
    )
    assert loaded == ["here"]
    assert sizing.ok
    assert sizing.figures["batch_records"] == 10
    assert sizing.figures["store_mb"] == pytest.approx(1.0)
    assert sizing.figures["single_p99_ms"] >= sizing.figures["single_p50_ms"] > 0
    _, figures = measure_model("there", Model)
    assert figures["model_mb"] > 1.0  # 200k integers in a list: several MB
