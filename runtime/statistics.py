# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Reference statistics of the training data, stored with the model.

Monitoring compares live traffic with these numbers (drift per column, null rates,
category mix), so they are computed once, from exactly the rows the model learned
from, and kept in the artifact's metadata.json.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["as_labels", "as_numbers", "bin_counts", "describe", "histogram"]

QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
# Above this many distinct values a text column is an identifier, not a mix.
MAX_CATEGORIES = 50
# A numeric column's percentiles 0..100: KS against them is exact to about 1 point.
PERCENTILES = np.linspace(0.0, 100.0, 101)
_DAY = np.timedelta64(1, "D")


def _describe_column(column: pd.Series) -> dict:
    present = column.dropna()
    stats: dict = {
        "count": len(column),
        "null_rate": float(column.isna().mean()) if len(column) else 0.0,
    }
    if present.empty:
        return stats
    if pd.api.types.is_bool_dtype(column.dtype):
        stats["true_rate"] = float(present.astype("float64").mean())
    elif pd.api.types.is_numeric_dtype(column.dtype):
        values = present.astype("float64")
        stats.update(
            min=float(values.min()),
            max=float(values.max()),
            mean=float(values.mean()),
            std=float(values.std(ddof=0)),
            quantiles={str(q): float(values.quantile(q)) for q in QUANTILES},
        )
    elif pd.api.types.is_datetime64_any_dtype(column.dtype):
        stats.update(min=present.min().isoformat(), max=present.max().isoformat())
    else:
        frequencies = present.astype(str).value_counts(normalize=True)
        stats["distinct"] = len(frequencies)
        if len(frequencies) <= MAX_CATEGORIES:
            stats["frequencies"] = {str(k): float(v) for k, v in frequencies.items()}
    return stats


def as_numbers(column: pd.Series) -> np.ndarray | None:
    """A numeric, boolean or date column as float64 (dates: days since 1970)."""
    dtype = column.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = column.to_numpy(dtype="datetime64[ns]")
        days = (stamps - np.datetime64(0, "ns")) / _DAY
        return np.asarray(days, dtype=np.float64)
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    return None


def as_labels(column: pd.Series) -> pd.Series:
    """The non-null values of a column as text: the keys of a discrete distribution."""
    present = column.dropna()
    if pd.api.types.is_bool_dtype(present.dtype):
        return present.map({True: "true", False: "false"}).astype(object)
    if pd.api.types.is_numeric_dtype(present.dtype):
        # Through float64 so 1 (an int column) and 1.0 (a feature) are the same key.
        text = present.to_numpy(dtype=np.float64).astype(str)
        return pd.Series(text, index=present.index, dtype=object)
    return present.astype(str)


def bin_counts(values: np.ndarray, inner_edges: list[float]) -> np.ndarray:
    """Non-null values per bin; the outer bins are open, so every value lands in one."""
    present = values[~np.isnan(values)]
    slots = np.searchsorted(np.asarray(inner_edges, dtype=np.float64), present, "right")
    return np.bincount(slots, minlength=len(inner_edges) + 1)


def histogram(column: pd.Series, bins: int) -> dict:
    """The reference distribution that drift is measured against.

    A numeric column with more than ``bins`` distinct values gets equal-frequency
    bins (quantile edges: each bin starts with the same share, so PSI weighs them
    alike) and its percentiles for KS. Anything else is discrete: the count of
    each value, the rarest beyond ``MAX_CATEGORIES`` pooled as ``other``.
    """
    nulls = int(column.isna().sum())
    numbers = as_numbers(column)
    if numbers is not None:
        present = numbers[~np.isnan(numbers)]
        # Fractional values are measurements (a regression's predictions, say), never
        # labels: matching them as text would call every rounding difference drift.
        fractional = bool(len(present)) and not np.all(np.mod(present, 1) == 0)
        if len(np.unique(present)) > bins or fractional:
            cuts = np.quantile(present, np.linspace(0.0, 1.0, bins + 1)[1:-1])
            inner = np.unique(cuts).tolist()
            return {
                "kind": "numeric",
                "edges": [float(present.min()), *inner, float(present.max())],
                "counts": bin_counts(present, inner).tolist(),
                "nulls": nulls,
                "percentiles": np.percentile(present, PERCENTILES).tolist(),
            }
    counts = as_labels(column).value_counts()
    return {
        "kind": "discrete",
        "values": [str(value) for value in counts.index[:MAX_CATEGORIES]],
        "counts": [int(count) for count in counts.iloc[:MAX_CATEGORIES]],
        "other": int(counts.iloc[MAX_CATEGORIES:].sum()),
        "nulls": nulls,
    }


def describe(frame: pd.DataFrame, bins: int) -> dict[str, dict]:
    """Per column: count, null rate, then range/quantiles or category frequencies,
    and the histogram that drift is measured against."""
    return {
        str(name): {
            **_describe_column(frame[name]),
            "histogram": histogram(frame[name], bins),
        }
        for name in frame.columns
    }
