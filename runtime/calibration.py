# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Drift thresholds learned from the reference itself, for the window being judged.

A fixed PSI threshold means different things for different windows: a few hundred
rows drawn from the very training distribution reach PSI 0.1 by chance, while a
million rows sit far below it even when a feature has moved. So the threshold is a
quantile of the statistic's no-drift distribution, learned by resampling: two
samples are drawn from the reference histogram, one of the reference's size and one
of the window's, and the statistic between them is computed, many times (a
parametric bootstrap of the two-sample null, so the reference's own sampling noise
is counted too). The alert threshold is the quantile that a window with no drift
exceeds with probability ``false_alarm_rate / columns``: the rate is the whole
window's (any column alerting), split over the columns judged (Bonferroni), so a
report of 40 columns is not 40 times as likely to cry wolf. Warn is the same at ten
times the rate.

KS is read at the reference's 101 percentiles: its null is drawn as a window's share
of rows between consecutive percentiles, whose true probabilities themselves vary
with the reference's size (a Dirichlet draw).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = ["WARN_FACTOR", "null_psi", "resamples_for", "thresholds"]

WARN_FACTOR = 10.0
MIN_RESAMPLES = 2_000
MAX_RESAMPLES = 200_000
# Enough draws that this many land beyond the quantile: its estimate is stable.
TAIL_DRAWS = 50
FLOOR = 1e-4  # as in drift.psi: an empty bin's share


def resamples_for(tail: float) -> int:
    return int(min(MAX_RESAMPLES, max(MIN_RESAMPLES, math.ceil(TAIL_DRAWS / tail))))


def _psi_rows(reference: np.ndarray, current: np.ndarray) -> np.ndarray:
    """drift.psi for each row of two count matrices."""
    expected = reference / np.maximum(reference.sum(axis=1, keepdims=True), 1)
    actual = current / np.maximum(current.sum(axis=1, keepdims=True), 1)
    expected, actual = np.clip(expected, FLOOR, None), np.clip(actual, FLOOR, None)
    return np.sum((actual - expected) * np.log(actual / expected), axis=1)


def null_psi(
    counts: np.ndarray, window: int, resamples: int, seed: int = 0
) -> np.ndarray:
    """PSI between a reference of ``counts.sum()`` rows and a window of ``window``
    rows, both drawn from the reference's shares, ``resamples`` times."""
    shares = counts / counts.sum()
    generator = np.random.default_rng(seed)
    reference = generator.multinomial(int(counts.sum()), shares, size=resamples)
    current = generator.multinomial(window, shares, size=resamples)
    return _psi_rows(reference.astype(float), current.astype(float))


def null_ks(
    reference_rows: int, window: int, resamples: int, seed: int = 0
) -> np.ndarray:
    """KS at 100 percentile cells between a reference of ``reference_rows`` and a
    window of ``window`` rows of one distribution, ``resamples`` times."""
    generator = np.random.default_rng(seed)
    cells = 100
    # The true probability of each cell between estimated percentiles.
    weight = max(reference_rows / cells, 1e-3)
    chunks = []
    for start in range(0, resamples, 20_000):  # bounded memory for large resamples
        size = min(20_000, resamples - start)
        probabilities = generator.dirichlet(np.full(cells, weight), size=size)
        counts = generator.multinomial(window, probabilities)
        observed = np.cumsum(counts, axis=1) / window
        expected = np.arange(1, cells + 1) / cells
        chunks.append(np.max(np.abs(observed - expected), axis=1))
    return np.concatenate(chunks)


@lru_cache(maxsize=4096)
def _thresholds(
    statistic: str, counts: tuple[int, ...], window: int, tail: float, seed: int
) -> tuple[float, float]:
    resamples = resamples_for(tail)
    if statistic == "ks":
        null = null_ks(sum(counts), window, resamples, seed)
    else:
        null = null_psi(np.asarray(counts, dtype=float), window, resamples, seed)
    warn_tail = min(0.5, tail * WARN_FACTOR)
    warn, alert = np.quantile(null, [1 - warn_tail, 1 - tail])
    return float(warn), float(alert)


def thresholds(
    statistic: str,
    counts: np.ndarray,
    window: int,
    false_alarm_rate: float,
    columns: int,
    seed: int = 0,
) -> tuple[float, float]:
    """(warn, alert) for one column: the no-drift quantiles of ``statistic`` ("psi"
    or "ks") for a window of ``window`` rows against a reference whose bins hold
    ``counts`` (nulls and pooled values included). Deterministic for a seed; cached,
    since a service judges the same window sizes again and again."""
    tail = false_alarm_rate / max(columns, 1)
    key = tuple(int(c) for c in counts)
    return _thresholds(statistic, key, max(int(window), 1), tail, seed)
