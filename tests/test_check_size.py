"""`check` stays linear in the spec's size.

A guard, not a performance claim (those live in bench/): each case checks a spec and one
four times its size, and the CPU time may grow by at most 10x where linear work grows 4x
and quadratic work 16x. CPU time, not wall time, so that a busy machine does not fail it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from paths import MINIMAL

import modelplate
from bench.specs import wide_spec

GROWTH = 4
LIMIT = 10


def _categories(count: int) -> str:
    values = ", ".join(f"v{index}" for index in range(count))
    return MINIMAL.read_text(encoding="utf-8").replace(
        "values: [north, south, east, west]", f"values: [{values}]"
    )


def _listed_columns(count: int) -> str:
    fields = "".join(
        f"    z{index}: {{type: float, min: 0, max: 1}}\n" for index in range(count)
    )
    listed = ", ".join(f"z{index}" for index in range(count))
    return (
        MINIMAL.read_text(encoding="utf-8")
        .replace("    city:", fields + "    city:")
        .replace("type: float}\n", f"type: float}}\n  features: [{listed}]\n", 1)
    )


def _wide(count: int) -> str:
    return wide_spec(count, count // 4)


def _cpu_seconds(path: Path) -> float:
    start = time.process_time()
    modelplate.check(path)
    return time.process_time() - start


@pytest.mark.parametrize(
    ("make", "size"),
    [(_categories, 12_000), (_listed_columns, 1_000), (_wide, 1_000)],
    ids=["category-values", "model-features", "fields-and-features"],
)
def test_checking_four_times_the_spec_costs_at_most_ten_times(
    tmp_path, make: Callable[[int], str], size: int
):
    small, large = tmp_path / "small.yaml", tmp_path / "large.yaml"
    small.write_text(make(size), encoding="utf-8")
    large.write_text(make(size * GROWTH), encoding="utf-8")
    _cpu_seconds(small)  # warm the imports and caches
    # The best of two runs each: one slow run on a busy machine says nothing.
    ratio = min(_cpu_seconds(large) for _ in range(2)) / max(
        min(_cpu_seconds(small) for _ in range(2)), 1e-3
    )
    assert ratio < LIMIT, f"{GROWTH}x the spec cost {ratio:.1f}x the CPU time"
