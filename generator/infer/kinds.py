"""The spec type a column's values show, before ids and categories are told apart.

Integer (also floats that are all whole, as pandas reads integers with nulls), float,
boolean (bool values or the text true/false), date and datetime (date objects,
timestamps, or text in ISO 8601 only, since 01/02/2020 is ambiguous), and "text", which
`columns` then splits into category and string with the counts.
"""

from __future__ import annotations

import datetime as dt
import re

from .reading import require_pandas

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"
)
_TRUE_FALSE = {"true", "false"}


def column_type(series) -> str:
    """The spec type of one column (before ids and categories are told apart)."""
    pd = require_pandas()
    types = pd.api.types
    present = series.dropna()
    if types.is_bool_dtype(series.dtype):
        return "boolean"
    if types.is_datetime64_any_dtype(series.dtype):
        return "datetime"
    if types.is_numeric_dtype(series.dtype):
        return (
            "integer"
            if types.is_integer_dtype(series.dtype)
            or (len(present) and _is_whole(present))
            else "float"
        )
    sample = present.tolist()
    if not sample:
        return "string"
    if _is_bool_like(sample):
        return "boolean"
    temporal = _temporal_kind(sample)
    if temporal is not None:
        try:
            pd.to_datetime(pd.Series(sample, dtype=object), format="ISO8601")
        except (ValueError, TypeError, OverflowError):
            return "string"
        return temporal
    return "text"  # category or string, decided with the counts


def _is_bool_like(values) -> bool:
    kinds = {type(v) for v in values}
    if kinds <= {bool} or kinds <= {bool, type(None)}:
        return True
    return (
        all(isinstance(v, str) for v in values)
        and {v.strip().lower() for v in values} <= _TRUE_FALSE
    )


def _is_whole(series) -> bool:
    import numpy as np

    values = series.to_numpy(dtype="float64", na_value=np.nan)
    values = values[~np.isnan(values)]
    return bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))


def _temporal_kind(values: list) -> str | None:
    if all(isinstance(v, dt.datetime) for v in values):
        return "datetime"
    if all(isinstance(v, dt.date) for v in values):
        return "date"
    if all(isinstance(v, str) for v in values):
        if all(_ISO_DATE.fullmatch(v) for v in values):
            return "date"
        if all(_ISO_DATETIME.fullmatch(v) for v in values):
            return "datetime"
    return None
