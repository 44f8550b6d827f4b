# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""How each rule of the contract is checked: on one value, and on a whole column.

``contract`` reports the violations of a service's declared fields; this module
holds the checks themselves, written twice on purpose: once for a single JSON value
(fast for one HTTP record) and once vectorized over a pandas column (fast for a
batch).
Both produce the same rule names and the same messages, and the contract tests
run every case through both.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import re2

from .definition import Field

__all__ = [
    "MISSING",
    "NULL",
    "Reasons",
    "check_column",
    "check_value",
    "checked_value",
    "clipped",
]

_EXPECTED_TYPE = {
    "integer": "an integer",
    "float": "a finite number",
    "boolean": "true or false",
    "string": "a string",
    "category": "a string",
    "date": "an ISO date YYYY-MM-DD",
    "datetime": "an ISO datetime YYYY-MM-DDTHH:MM[:SS][+HH:MM]",
}
_DATE = r"\d{4}-\d{2}-\d{2}"
_DATETIME = (
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
    r"(?::\d{2}(?:\.\d{3}(?:\d{3})?)?)?(?:Z|[+-]\d{2}:\d{2})?"
)
_NUMBER = (int, float, np.integer, np.floating)
_BOOL = (bool, np.bool_)


def clipped(text: str, limit: int = 80) -> str:
    """``text``, cut to ``limit`` characters with its length said when longer: a
    message echoes what a client sent, and a client can send megabytes."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


def _show(value: object) -> str:
    """A value as the producer sent it, JSON-like: 700, 1.5, 'abc', true, null."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if isinstance(value, _BOOL):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        text = str(value)  # exact, however large
        return text if len(text) <= 20 else f"{text[:8]}...({len(text)} digits)"
    if isinstance(value, _NUMBER):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, pd.Timestamp):
        return repr(value.isoformat())
    return clipped(repr(value))


def _timestamp(value: object) -> pd.Timestamp:
    """A naive UTC timestamp: aware datetimes are converted, naive ones taken as UTC."""
    stamp = pd.Timestamp(value)
    return stamp.tz_convert(None) if stamp.tzinfo is not None else stamp


def _bound(field: Field, value: float | str) -> float | pd.Timestamp:
    return _timestamp(value) if field.type in ("date", "datetime") else float(value)


# No "; " in it: that separates the reasons of a row.
MISSING = "required: send null for an unknown value"
NULL = "got null, expected a value"


# ---------------------------------------------------------------- one value


_INVALID = object()  # marks a value of the wrong type (None is a valid value)


def _parse(field: Field, value: object) -> object:
    """The value in its checked form, or ``_INVALID`` when its type is wrong."""
    kind = field.type
    if kind in ("integer", "float"):
        if isinstance(value, _BOOL) or not isinstance(value, _NUMBER):
            return _INVALID
        try:
            number = float(value)
        except OverflowError:  # a JSON integer beyond float range, e.g. 10**400
            return _INVALID
        if not math.isfinite(number) or (kind == "integer" and not number.is_integer()):
            return _INVALID
        return number
    if kind == "boolean":
        return bool(value) if isinstance(value, _BOOL) else _INVALID
    if kind in ("string", "category"):
        return value if isinstance(value, str) else _INVALID
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    pattern = _DATE if kind == "date" else _DATETIME
    if not isinstance(value, str) or re.fullmatch(pattern, value) is None:
        return _INVALID
    try:
        return _timestamp(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:  # well-formed but impossible, e.g. 2024-13-01
        return _INVALID


def _value_rules(field: Field, value: object) -> list[tuple[str, str]]:
    """(rule, message) for each range, category or pattern rule ``value`` breaks."""
    broken = []
    if field.minimum is not None and value < _bound(field, field.minimum):
        broken.append(
            ("min", f"got {_show(value)}, expected >= {_show(field.minimum)}")
        )
    if field.maximum is not None and value > _bound(field, field.maximum):
        broken.append(
            ("max", f"got {_show(value)}, expected <= {_show(field.maximum)}")
        )
    if field.values is not None and value not in field.values:
        broken.append(("category", f"got {_show(value)}, expected {_one_of(field)}"))
    if field.pattern is not None and not _matches_one(value, field.pattern):
        broken.append(
            ("pattern", f"got {_show(value)}, expected to match {field.pattern!r}")
        )
    return broken


def _one_of(field: Field) -> str:
    return "one of " + ", ".join(repr(v) for v in field.values or ())


# ---------------------------------------------------------------- one column

# What pandas' C-level type inference calls a column whose non-null values all
# share one accepted Python type; only other columns are checked value by value.
_INFERRED = {
    "number": ("integer", "floating", "mixed-integer-float", "empty"),
    "boolean": ("boolean", "empty"),
    "text": ("string", "empty"),
}


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
    accept = {"number": _NUMBER, "boolean": _BOOL, "text": str}[family]
    reject = _BOOL if family == "number" else ()
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
    """Where each of ``strings`` (str objects, no nulls) fully matches ``pattern``.

    Arrow's regex engine (RE2) runs in C, where ``re`` makes one Python call per
    value. On ASCII text the two engines agree on the date shapes (a digit is 0-9 in
    both); Python's digit class also takes other scripts' digits, so the (rare)
    non-ASCII strings are matched by Python's ``re``, as before.
    """
    try:
        arrow = pa.array(strings, type=pa.string())
    except (pa.ArrowException, UnicodeError):  # e.g. a lone surrogate: no UTF-8
        return np.array([re.fullmatch(pattern, v) is not None for v in strings], bool)
    matched = pc.match_substring_regex(arrow, f"^(?:{pattern})$")
    shaped = matched.to_numpy(zero_copy_only=False)
    other = ~pc.string_is_ascii(arrow).to_numpy(zero_copy_only=False)
    if other.any():
        shaped = shaped.copy()
        shaped[other] = [re.fullmatch(pattern, v) is not None for v in strings[other]]
    return shaped


# Up to this many values are matched one by one with the compiled pattern; more go
# through Arrow in C, whose per-call compile is then spread over the batch.
_FEW = 64


def _matches_pattern(strings, pattern: str) -> np.ndarray:
    """Where each of ``strings`` (str objects) matches the field's pattern as a whole.

    RE2 for every value, one record or a batch: its time is linear in the value, where
    Python's ``re`` backtracks (``^(a+)+$`` against 30 a's and a b takes minutes and
    would stall the event loop). Text that is not UTF-8 (a lone surrogate) matches
    nothing. ``$`` ends the value: 'C123456\\n' does not match ``^C[0-9]{6}$``.
    """
    if len(strings) > _FEW:
        try:
            arrow = pa.array(strings, type=pa.string())
        except (pa.ArrowException, UnicodeError):  # not UTF-8: value by value
            pass
        else:
            whole = f"^(?:{pattern})$"
            return pc.match_substring_regex(arrow, whole).to_numpy(zero_copy_only=False)
    return np.array([_matches_one(text, pattern) for text in strings], dtype=bool)


def _matches_one(text: str, pattern: str) -> bool:
    """``_matches_pattern`` for one value, with the pattern compiled once.

    Arrow compiles the pattern on every call (13 us for ``^C[0-9]{6}$``, 0.36 ms
    for an e-mail shape with counted repeats: as long as a whole predict), so a
    value or a few are matched with google-re2, the same engine, compiled once.
    """
    try:
        return _compiled(pattern).fullmatch(text) is not None
    except UnicodeError:  # a lone surrogate is not UTF-8 text: no match
        return False


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str):
    return re2.compile(pattern)


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
        return values, np.ones(len(column), dtype=bool), _present(column)
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
            shaped = _fullmatch(distinct, _DATE)
            parsed = _parse_iso(pd.Series(distinct, dtype=object).where(shaped), field)
            dates = parsed.array.take(codes, allow_fill=True)
            values = pd.Series(dates, index=column.index, copy=False)
    else:
        # Parsed in order, as before: pandas 2 gives a time without an offset the
        # offset of the time before it, so parsing distinct values could differ.
        sent = typed & present
        shaped = np.zeros(len(text), dtype=bool)
        shaped[sent] = _fullmatch(strings[sent], _DATETIME)
        values = _parse_iso(text if shaped.all() else text.where(shaped), field)
    typed = typed & (~present | values.notna().to_numpy())
    return values, typed, present


_PARSERS = {
    "integer": _parse_numbers,
    "float": _parse_numbers,
    "boolean": _parse_booleans,
    "string": _parse_text,
    "category": _parse_text,
    "date": _parse_temporal,
    "datetime": _parse_temporal,
}


class Reasons:
    """The reasons of every row, appended rule by rule with vectorized string ops."""

    def __init__(self, n_rows: int) -> None:
        self.text = np.full(n_rows, "", dtype=object)
        # Kept beside the text so that finding the bad rows needs no string compare.
        self.bad = np.zeros(n_rows, dtype=bool)

    def add(self, mask: np.ndarray, field: str, rule: str, messages: object) -> None:
        rows = np.flatnonzero(mask)
        if rows.size == 0:
            return
        self.bad[rows] = True
        if callable(messages):  # only format the (few) rows that broke the rule
            messages = np.asarray(messages(rows), dtype=object)
        entries = f"{field}: {rule} (" + np.asarray(messages, dtype=object) + ")"
        current = self.text[rows]
        self.text[rows] = np.where(current == "", entries, current + "; " + entries)


def check_column(field: Field, column: pd.Series, reasons: Reasons) -> pd.Series:
    """Parse one column, record its violations in ``reasons``, return parsed values."""
    parsed, typed, present = _PARSERS[field.type](column, field)
    if not field.nullable:
        reasons.add(~present, field.name, "null", NULL)
    # The type message shows the value as sent, not as parsed.
    reasons.add(
        present & ~typed, field.name, "type", _got(column, _EXPECTED_TYPE[field.type])
    )
    ok = present & typed
    if field.minimum is not None:
        low = ok & (parsed < _bound(field, field.minimum)).to_numpy(dtype=bool)
        reasons.add(low, field.name, "min", _got(parsed, f">= {_show(field.minimum)}"))
    if field.maximum is not None:
        high = ok & (parsed > _bound(field, field.maximum)).to_numpy(dtype=bool)
        reasons.add(high, field.name, "max", _got(parsed, f"<= {_show(field.maximum)}"))
    if field.values is not None:
        outside = ok & ~parsed.isin(field.values).to_numpy(dtype=bool)
        reasons.add(outside, field.name, "category", _got(parsed, _one_of(field)))
    if field.pattern is not None:
        kept = parsed if ok.all() else parsed.where(ok, "")
        unmatched = ok & ~_matches_pattern(kept.to_numpy(dtype=object), field.pattern)
        expected = f"to match {field.pattern!r}"
        reasons.add(unmatched, field.name, "pattern", _got(parsed, expected))
    return parsed


def _got(values: pd.Series, expected: str):
    """Messages for the broken rows only (formatting every row costs more)."""
    return lambda rows: [
        f"got {_show(v)}, expected {expected}" for v in values.iloc[rows]
    ]


def check_value(field: Field, value: object) -> list[tuple[str, str]]:
    """(rule, message) for every rule a present, non-null ``value`` breaks."""
    return checked_value(field, value)[1]


def checked_value(field: Field, value: object) -> tuple[object, list[tuple[str, str]]]:
    """(``value`` in its checked form, None if of the wrong type; ``check_value``)."""
    parsed = _parse(field, value)
    if parsed is _INVALID:
        expected = _EXPECTED_TYPE[field.type]
        return None, [("type", f"got {_show(value)}, expected {expected}")]
    return parsed, _value_rules(field, parsed)
