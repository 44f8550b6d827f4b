"""Drift by hand: PSI and KS against the reference histogram training stored."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelplate.runtime.drift import column_drift, status_of
from modelplate.runtime.statistics import describe, histogram

RNG = np.random.default_rng(7)
THRESHOLDS = {"warn": 0.1, "alert": 0.25}


@pytest.fixture(scope="module")
def reference() -> dict:
    return histogram(pd.Series(RNG.normal(0.0, 1.0, 20_000)), 10)


@pytest.mark.parametrize("method", ["psi", "ks"])
def test_the_same_distribution_is_ok(reference, method):
    current = pd.Series(RNG.normal(0.0, 1.0, 5_000))
    drift = column_drift("inputs", "x", reference, current, method, **THRESHOLDS)
    assert drift.status == "ok"


@pytest.mark.parametrize("method", ["psi", "ks"])
def test_a_shift_of_one_standard_deviation_alerts(reference, method):
    current = pd.Series(RNG.normal(1.0, 1.0, 5_000))
    drift = column_drift("inputs", "x", reference, current, method, **THRESHOLDS)
    assert drift.status == "alert"


def test_a_new_category_and_nulls_are_drift_too():
    reference = histogram(pd.Series(["a", "b"] * 500, dtype=object), 10)
    current = pd.Series(["a"] * 300 + ["c"] * 300 + [None] * 400, dtype=object)
    drift = column_drift("inputs", "k", reference, current, "psi", **THRESHOLDS)
    assert drift.status == "alert"


def test_bins_follow_the_spec():
    frame = pd.DataFrame({"x": RNG.normal(size=1000)})
    assert describe(frame, 5)["x"] != describe(frame, 20)["x"]


@pytest.mark.parametrize(
    "value, status", [(0.05, "ok"), (0.1, "warn"), (0.2, "warn"), (0.25, "alert")]
)
def test_status_at_each_threshold(value, status):
    assert status_of(value, **THRESHOLDS) == status
