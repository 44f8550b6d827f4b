# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A whole column parsed into the type its field declares, vectorized.

Each parser returns (values in the field's type, null where a value was of the wrong
type; where each value had the right type; where a value was sent at all), so that
``rules.check_column`` can name every violation. The common clean batch takes one
C-level pass (a column of Python numbers cast at once, ISO dates checked once per
distinct text); a column that already holds a violation is looked at value by value.
``rules`` holds the same checks for one value; the contract tests run every case
through both.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .definition import Field

__all__ = [
    "BOOL_TYPES",
    "DATETIME_SHAPE",
    "DATE_SHAPE",
    "NUMBER_TYPES",
    "PARSERS",
    "plain",
]

# ASCII digits only: Python's \d also takes other scripts' digits ('２０２４' is
# full-width), which pandas then parses as 2024 and the one-value path refuses.
DATE_SHAPE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
DATETIME_SHAPE = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
    r"(?::[0-9]{2}(?:\.[0-9]{3}(?:[0-9]{3})?)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
NUMBER_TYPES = (int, float, np.integer, np.floating)
BOOL_TYPES = (bool, np.bool_)


# What pandas' C-level type inference calls a column whose non-null values all
# share one accepted Python type; only other columns are checked value by value.
_INFERRED = {
    "number": ("integer", "floating", "mixed-integer-float", "empty"),
    "boolean": ("boolean", "empty"),
    "text": ("string", "empty"),
}


def plain(column: pd.Series) -> pd.Series:
    """``column`` in a dtype the parsers read. A category column (a Parquet
    dictionary, as pandas reads it) becomes its categories' dtype when that is a
    time (so a date field reads it as it would the plain column), else the Python
    values it holds. An Arrow column stays as it is only when it holds integers,
    floats (not half precision), booleans or timestamps; any other (text, dates,
    dictionaries, decimals: a warehouse's NUMERIC) becomes the Python values it
    holds, judged one by one as the one-record path judges them (a Decimal is no
    JSON number)."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories.dtype
        if pd.api.types.is_datetime64_any_dtype(categories):
            return column.astype(categories)
        return column.astype(object)
    if isinstance(dtype, pd.ArrowDtype):
        kind = dtype.pyarrow_dtype
        native = (
            pa.types.is_integer(kind)
            or (pa.types.is_floating(kind) and not pa.types.is_float16(kind))
            or pa.types.is_boolean(kind)
            or pa.types.is_timestamp(kind)
        )
        if not native:
            return column.astype(object)
    return column


def _has_type(column: pd.Series, family: str) -> np.ndarray:
    """True where a value has the type ``family`` asks for (or is null)."""
    dtype = column.dtype
    if family == "number" and pd.api.types.is_bool_dtype(dtype):
        return np.zeros(len(column), dtype=bool)
    checks = {
        "number": pd.api.types.is_numeric_dtype,
        "boolean": pd.api.types.is_bool_dtype,
        "text": lambda d: isinstance(d, pd.StringDtype),
    }
    if checks[family](dtype):
        return np.ones(len(column), dtype=bool)
    if not pd.api.types.is_object_dtype(dtype):
        return np.zeros(len(column), dtype=bool)
    if pd.api.types.infer_dtype(column, skipna=True) in _INFERRED[family]:
        return np.ones(len(column), dtype=bool)
    # A mixed object column already holds a violation: find it value by value.
    accept = {"number": NUMBER_TYPES, "boolean": BOOL_TYPES, "text": str}[family]
    reject = BOOL_TYPES if family == "number" else ()
    return column.map(
        lambda v: isinstance(v, accept) and not isinstance(v, reject)
    ).to_numpy(dtype=bool, copy=True)


def _too_large(value: object) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**1023
    )


def _present(column: pd.Series) -> np.ndarray:
    return column.notna().to_numpy()


def _all_strings(column: pd.Series) -> bool:
    """Whether every value is a str, none null: one C pass instead of two.

    The common case of a clean batch; it spares the null scan and the type scan.
    """
    return (
        pd.api.types.is_object_dtype(column.dtype)
        and pd.api.types.infer_dtype(column, skipna=False) == "string"
    )


def _python_numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """(float64 values, present) of an object column of numbers and nulls.

    One C-level cast instead of ``pd.to_numeric``'s inference: every non-null value
    is already known to be a number (not a boolean). None when a Python integer is
    beyond float range, which only ``pd.to_numeric``'s path tells apart.
    """
    raw = column.to_numpy(dtype=object)
    try:
        values = raw.astype(np.float64)
        # Only numbers were cast, so a null is exactly a NaN (None would not cast).
        return values, ~np.isnan(values)
    except TypeError:  # None or pd.NA among the numbers: fill them, cast again
        present = _present(column)
        try:
            return np.where(present, raw, np.nan).astype(np.float64), present
        except OverflowError:
            return None
    except OverflowError:
        return None


def _parse_numbers(
    column: pd.Series, field: Field
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    if pd.api.types.is_complex_dtype(column.dtype):  # 1+5j is no number here
        nothing = pd.Series(np.nan, index=column.index, dtype=np.float64)
        return nothing, np.zeros(len(column), dtype=bool), _present(column)
    typed = _has_type(column, "number")
    cast = None
    if pd.api.types.is_object_dtype(column.dtype) and typed.all():
        cast = _python_numbers(column)
    if cast is not None:
        values, present = cast
    elif column.dtype.kind in "iuf":  # ints and floats, numpy or nullable: as they are
        present = _present(column)
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        present = _present(column)
        try:
            numbers = pd.to_numeric(column.where(typed), errors="coerce")
        except OverflowError:
            # A Python integer beyond float range (10**400 from a JSON body) is no
            # number the model can take: a type violation, like infinity. Rare, so
            # only then is the column checked value by value.
            typed = typed & ~column.map(_too_large).to_numpy(dtype=bool)
            numbers = pd.to_numeric(column.where(typed), errors="coerce")
        values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        typed = typed & (~present | np.isfinite(values))
        if field.type == "integer":
            typed = typed & (~present | (np.floor(values) == values))
    if cast is None or not typed.all():  # else ``values`` is a fresh, clean cast
        values = np.where(typed, values, np.nan)
    # Not copied again (pandas 3 copies an array handed to a Series by default).
    return pd.Series(values, index=column.index, copy=False), typed, present


def _parse_booleans(
    column: pd.Series, field: Field
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    if column.dtype == bool or (
        pd.api.types.is_object_dtype(column.dtype)
        and pd.api.types.infer_dtype(column, skipna=False) == "boolean"
    ):  # only true and false, no null: one cast, no value by value conversion
        every = np.ones(len(column), dtype=bool)
        flags = column.to_numpy(dtype=bool)
        return pd.Series(flags, index=column.index, dtype="boolean"), every, every
    present = _present(column)
    typed = _has_type(column, "boolean")
    values = column.astype(object).where(typed & present, None)
    return values.astype("boolean"), typed, present


def _parse_text(
    column: pd.Series, field: Field
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    if _all_strings(column):
        every = np.ones(len(column), dtype=bool)
        return column, every, every  # already what the valid rows hold: no copy
    present = _present(column)
    typed = _has_type(column, "text")
    return column.astype(object).where(typed & present, None), typed, present


def _fullmatch(strings: np.ndarray, pattern: str) -> np.ndarray:
    """Where each of ``strings`` (str objects, no nulls) fully matches ``pattern``
    (one of the ASCII shapes above).

    Arrow's regex engine (RE2) runs in C, where ``re`` makes one Python call per
    value; on these shapes the two agree. Text that is not UTF-8 (a lone
    surrogate) cannot go to Arrow and is matched by ``re``.
    """
    try:
        arrow = pa.array(strings, type=pa.string())
    except (pa.ArrowException, UnicodeError):
        return np.array([re.fullmatch(pattern, v) is not None for v in strings], bool)
    matched = pc.match_substring_regex(arrow, f"^(?:{pattern})$")
    return matched.to_numpy(zero_copy_only=False)


def _parse_iso(text: pd.Series, field: Field) -> pd.Series:
    """Well-shaped ISO text (NaN elsewhere) as naive UTC timestamps; NaT if invalid."""
    if field.type == "date":
        return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return pd.to_datetime(
        text, format="ISO8601", errors="coerce", utc=True
    ).dt.tz_convert(None)


def _parse_temporal(
    column: pd.Series, field: Field
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        values = column.dt.tz_convert(None) if column.dt.tz is not None else column
        typed = np.ones(len(column), dtype=bool)
        if field.type == "date":
            # pandas keeps dates as timestamps: one is a date only at midnight, as
            # '2024-05-01T10:30' is no date over HTTP either.
            timed = (values.notna() & (values != values.dt.normalize())).to_numpy()
            typed, values = ~timed, values.where(~timed)
        return values, typed, _present(column)
    if _all_strings(column):  # ISO text without nulls: the usual batch
        text, typed = column, np.ones(len(column), dtype=bool)
        present = typed
    else:
        present = _present(column)
        text = column
        if (
            pd.api.types.is_object_dtype(column.dtype)
            and pd.api.types.infer_dtype(column, skipna=True) != "string"
        ):
            # date/datetime objects (e.g. from Parquet) are checked as their ISO text.
            text = column.map(lambda v: v.isoformat() if isinstance(v, date) else v)
        typed = _has_type(text, "text")
        text = text.astype(object).where(typed & present)
    strings = text.to_numpy(dtype=object)
    if field.type == "date":
        # A batch repeats its dates: each distinct text is checked and parsed once.
        codes, distinct = pd.factorize(strings)
        if len(distinct) == 0:  # nothing but nulls: parsed as before, for the dtype
            values = _parse_iso(text, field)
        else:
            shaped = _fullmatch(distinct, DATE_SHAPE)
            parsed = _parse_iso(pd.Series(distinct, dtype=object).where(shaped), field)
            dates = parsed.array.take(codes, allow_fill=True)
            values = pd.Series(dates, index=column.index, copy=False)
    else:
        # Parsed in order, as before: pandas 2 gives a time without an offset the
        # offset of the time before it, so parsing distinct values could differ.
        sent = typed & present
        shaped = np.zeros(len(text), dtype=bool)
        shaped[sent] = _fullmatch(strings[sent], DATETIME_SHAPE)
        values = _parse_iso(text if shaped.all() else text.where(shaped), field)
    typed = typed & (~present | values.notna().to_numpy())
    return values, typed, present


PARSERS = {
    "integer": _parse_numbers,
    "float": _parse_numbers,
    "boolean": _parse_booleans,
    "string": _parse_text,
    "category": _parse_text,
    "date": _parse_temporal,
    "datetime": _parse_temporal,
}
