"""The service's recent-records window: single records and batches, stacked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelplate.runtime.definition import Contract, Drift, Field
from modelplate.runtime.recent import Recent

CONTRACT = Contract(
    title="t",
    fields=(
        Field(name="id", type="string", role="id"),
        Field(name="n", type="integer"),
    ),
)
DTYPES = {"id": object, "n": "Int64"}


def _batch(start: int, count: int) -> tuple[pd.DataFrame, ...]:
    n = np.arange(start, start + count)
    inputs = pd.DataFrame({"id": n.astype(str), "n": pd.array(n, dtype="Int64")})
    return inputs, pd.DataFrame({"n2": n * 2.0}), pd.DataFrame({"score": n / 100})


def _record(n: int) -> tuple[dict, ...]:
    return (
        {"id": np.array([str(n)], dtype=object), "n": np.array([n])},
        {"n2": np.array([n * 2.0])},
        {"score": np.array([n / 100])},
    )


def test_the_window_comes_from_the_drift_settings():
    assert Recent(DTYPES, CONTRACT, Drift(window=7)).window == 7
    assert Recent(DTYPES, CONTRACT, Drift(window=7), window=3).window == 3


def test_records_and_batches_stack_in_order_typed_like_a_batch():
    recent = Recent(DTYPES, CONTRACT, Drift(window=100))
    recent.add(*_batch(0, 3))
    recent.add(*_record(3))
    recent.add(*_record(4))
    recent.add(*_batch(5, 2))
    groups = recent.groups()
    assert recent.rows == 7
    assert groups["inputs"]["n"].tolist() == list(range(7))
    assert str(groups["inputs"]["n"].dtype) == "Int64"
    assert "id" not in groups["inputs"].columns  # identifies a record: not monitored
    assert groups["features"]["n2"].tolist() == [n * 2.0 for n in range(7)]
    assert groups["output"]["score"].tolist() == pytest.approx(
        [n / 100 for n in range(7)]
    )


def test_the_oldest_are_forgotten_but_whole_batches_are_kept():
    recent = Recent(DTYPES, CONTRACT, Drift(window=5))
    recent.add(*_batch(0, 4))
    recent.add(*_batch(4, 4))
    # Dropping the first batch would leave 4 < 5 records: it stays.
    assert recent.rows == 8
    recent.add(*_record(8))
    assert recent.rows == 5
    assert recent.groups()["inputs"]["n"].tolist() == [4, 5, 6, 7, 8]
    for n in range(9, 15):
        recent.add(*_record(n))
    assert recent.rows == 5
    assert recent.groups()["inputs"]["n"].tolist() == [10, 11, 12, 13, 14]


def test_groups_hold_only_the_last_window_records():
    recent = Recent(DTYPES, CONTRACT, Drift(window=5))
    recent.add(*_batch(0, 4))
    recent.add(*_batch(4, 4))
    assert recent.groups()["inputs"]["n"].tolist() == [3, 4, 5, 6, 7]
