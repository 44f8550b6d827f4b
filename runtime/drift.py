# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Drift of one column against its reference histogram: PSI and KS, by hand.

Both statistics come from the histogram training stored (``statistics.histogram``),
never from the training rows themselves, so checking drift needs only the
artifact. numpy does all the work: 20 columns of 100k rows take well under a
second, where the general-purpose drift libraries took 1.5-7 s.

- PSI (population stability index) compares the share of rows per bin (per value
  for discrete columns), with nulls and unseen values as bins of their own, so a
  rising null rate or a new category is drift too.
- KS (Kolmogorov-Smirnov statistic) is the largest gap between the two
  cumulative distributions of a numeric column, read at the reference's
  percentiles: exact to about one percentage point.

The spec's ``method`` picks which of the two the warn/alert thresholds apply to;
KS has no meaning for a discrete column, which is always judged by its PSI. The
thresholds are the spec's fixed ``warn`` and ``alert``, or, with a
``false_alarm_rate``, learned for this column and this window's size
(``runtime.calibration``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .calibration import thresholds
from .statistics import PERCENTILES, as_labels, as_numbers, bin_counts

__all__ = ["STATUSES", "ColumnDrift", "column_drift", "status_of"]

# An empty bin would make PSI infinite; a share this small stands in for it.
FLOOR = 1e-4
STATUSES = ("ok", "warn", "alert")


@dataclass(frozen=True)
class ColumnDrift:
    """One column's drift: both statistics, the one judged, and the two histograms."""

    group: str  # "inputs", "features" or "output"
    column: str
    kind: str  # "numeric" or "discrete"
    rows: int
    psi: float
    ks: float | None
    statistic: str  # which of the two the thresholds were applied to
    status: str  # "ok", "warn" or "alert"
    labels: list[str]
    reference: list[float]  # share of reference rows per label
    current: list[float]
    # The thresholds the statistic was judged against: fixed, or calibrated for
    # this column and ``rows``.
    warn: float = 0.1
    alert: float = 0.25

    @property
    def value(self) -> float:
        return self.psi if self.statistic == "psi" else float(self.ks)

    def to_json(self) -> dict:
        return {**asdict(self), "value": self.value}


def status_of(value: float, warn: float, alert: float, strict: bool = False) -> str:
    """Fixed thresholds are met at or above; calibrated ones only above (a
    constant column's no-drift statistic is always 0: 0 is no evidence)."""
    if value > alert or (value == alert and not strict):
        return "alert"
    return "warn" if value > warn or (value == warn and not strict) else "ok"


def _shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total else np.zeros(len(counts))


def psi(reference: np.ndarray, current: np.ndarray) -> float:
    """Population stability index of two count vectors over the same bins."""
    expected = np.clip(_shares(reference), FLOOR, None)
    actual = np.clip(_shares(current), FLOOR, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def ks(percentiles: list[float], values: np.ndarray) -> float:
    """Largest gap between the reference CDF (known at percentiles) and the data's."""
    present = np.sort(values[~np.isnan(values)])
    if not len(present):
        return 0.0
    observed = np.searchsorted(present, percentiles, side="right") / len(present)
    return float(np.max(np.abs(observed - PERCENTILES / 100.0)))


Bins = tuple[list[str], np.ndarray, np.ndarray]


def _numeric(reference: dict, column: pd.Series) -> tuple[Bins, float, int]:
    numbers = as_numbers(column)
    if numbers is None:  # text where training saw numbers: all of it is drift
        numbers = np.full(len(column), np.nan)
    edges = reference["edges"]
    bounds = zip(edges[:-1], edges[1:], strict=True)
    labels = [f"{lo:.4g} to {hi:.4g}" for lo, hi in bounds]
    expected = np.asarray(reference["counts"], dtype=np.float64)
    actual = bin_counts(numbers, edges[1:-1]).astype(np.float64)
    present = int(np.count_nonzero(~np.isnan(numbers)))
    return (labels, expected, actual), ks(reference["percentiles"], numbers), present


def _discrete(reference: dict, column: pd.Series) -> Bins:
    known = list(reference["values"])
    counts = as_labels(column).value_counts()
    actual = [float(counts.get(value, 0)) for value in known]
    expected = [float(count) for count in reference["counts"]]
    unseen = float(counts.sum()) - sum(actual)
    if reference["other"] or unseen:
        known.append("(other)")
        expected.append(float(reference["other"]))
        actual.append(unseen)
    return known, np.asarray(expected), np.asarray(actual)


def column_drift(
    group: str,
    name: str,
    reference: dict,
    column: pd.Series,
    method: str,
    warn: float,
    alert: float,
    false_alarm_rate: float | None = None,
    columns: int = 1,
    allowance: float = 0.0,
) -> ColumnDrift:
    """Drift of ``column`` (current data) against its reference ``histogram``,
    judged against ``warn`` and ``alert``, or with a ``false_alarm_rate``, against
    thresholds calibrated for this window, the rate split over ``columns``; both
    raised by ``allowance``, a difference known not to be drift (the model's
    output on its own training rows against unseen ones, ``output_gap``)."""
    present = 0
    if reference["kind"] == "numeric":
        (labels, expected, actual), gap, present = _numeric(reference, column)
    else:
        (labels, expected, actual), gap = _discrete(reference, column), None
    nulls = float(column.isna().sum())
    if reference["nulls"] or nulls:
        labels = [*labels, "(null)"]
        expected = np.append(expected, float(reference["nulls"]))
        actual = np.append(actual, nulls)
    index = psi(expected, actual)
    statistic = "ks" if method == "ks" and gap is not None else "psi"
    judged = gap if statistic == "ks" else index
    if false_alarm_rate is not None:
        if statistic == "ks":  # KS reads the non-null values only
            counts, window = np.asarray(reference["counts"]), present
        else:
            counts, window = expected, len(column)
        warn, alert = thresholds(statistic, counts, window, false_alarm_rate, columns)
    warn, alert = warn + allowance, alert + allowance
    return ColumnDrift(
        group=group,
        column=name,
        kind=reference["kind"],
        rows=len(column),
        psi=index,
        ks=gap,
        statistic=statistic,
        status=status_of(
            float(judged), warn, alert, strict=false_alarm_rate is not None
        ),
        labels=labels,
        reference=_shares(expected).tolist(),
        current=_shares(actual).tolist(),
        warn=float(warn),
        alert=float(alert),
    )
