"""Calibrated drift thresholds: few false alarms at any window size, real shifts
found; fixed PSI thresholds do neither."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelplate.runtime.calibration import null_ks, null_psi, resamples_for, thresholds
from modelplate.runtime.drift import column_drift
from modelplate.runtime.statistics import histogram

RNG = np.random.default_rng(7)
REFERENCE = histogram(pd.Series(RNG.normal(0, 1, 4000)), 10)


def _judge(values: np.ndarray, rate: float | None, method: str = "psi") -> str:
    column = pd.Series(values)
    return column_drift(
        "features", "x", REFERENCE, column, method, 0.1, 0.25, rate, columns=1
    ).status


def _windows(size: int, shift: float = 0.0, count: int = 200) -> list[np.ndarray]:
    rng = np.random.default_rng(size)
    return [rng.normal(shift, 1, size) for _ in range(count)]


@pytest.mark.parametrize("method", ["psi", "ks"])
def test_windows_without_drift_rarely_alert_at_any_size(method):
    for size in (100, 500, 5000):
        alerts = [_judge(w, 0.01, method) == "alert" for w in _windows(size)]
        assert np.mean(alerts) <= 0.02, (method, size)


def test_fixed_psi_thresholds_cry_wolf_on_small_windows():
    alerts = [_judge(w, None) != "ok" for w in _windows(60)]
    assert np.mean(alerts) > 0.2


@pytest.mark.parametrize("method", ["psi", "ks"])
def test_half_a_standard_deviation_is_found_in_windows_of_500(method):
    found = [_judge(w, 0.01, method) == "alert" for w in _windows(500, shift=0.5)]
    assert np.mean(found) >= 0.95


def test_fixed_psi_thresholds_miss_it():
    found = [_judge(w, None) == "alert" for w in _windows(500, shift=0.5)]
    assert np.mean(found) < 0.95


def test_thresholds_shrink_as_windows_grow_and_split_the_rate_over_columns():
    counts = np.asarray(REFERENCE["counts"])
    small = thresholds("psi", counts, 200, 0.01, 1)
    large = thresholds("psi", counts, 20_000, 0.01, 1)
    assert small[1] > large[1] > 0 and small[0] < small[1]
    assert thresholds("psi", counts, 200, 0.01, 30)[1] > small[1]
    assert thresholds("psi", counts, 200, 0.01, 1) == small  # deterministic


def test_the_null_draws_have_the_expected_size_and_scale():
    counts = np.asarray(REFERENCE["counts"], dtype=float)
    draws = null_psi(counts, 1000, 3000)
    assert draws.shape == (3000,) and np.all(draws >= 0)
    # PSI ~ chi-square(k - 1) / n_effective for small differences.
    effective = 1000 * 4000 / 5000
    assert np.mean(draws) == pytest.approx((len(counts) - 1) / effective, rel=0.2)
    ks = null_ks(4000, 1000, 3000)
    assert 0 < np.median(ks) < 0.1
    assert resamples_for(0.5) == 2000 and resamples_for(1e-9) == 200_000


def test_a_constant_column_never_alerts_on_its_own_constant():
    constant = histogram(pd.Series(np.zeros(800)), 10)
    column = pd.Series(np.zeros(300))
    judged = column_drift("features", "c", constant, column, "psi", 0.1, 0.25, 0.01)
    assert (judged.alert, judged.status) == (0.0, "ok")
    moved = column_drift("features", "c", constant, column + 1, "psi", 0.1, 0.25, 0.01)
    assert moved.status == "alert"
