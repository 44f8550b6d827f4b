# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""How each rule of the contract is checked: on one value, and on a whole column.

``contract`` reports the violations of a service's declared fields; this module
holds the checks themselves, written twice on purpose: once for a single JSON value
(fast for one HTTP record) and once vectorized over a pandas column (fast for a
batch; the column is parsed by ``runtime.columnparse``).
Both produce the same rule names and the same messages, and the contract tests
run every case through both.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import date, datetime
from datetime import time as time_of_day

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import re2

from .columnparse import (
    BOOL_TYPES,
    DATE_SHAPE,
    DATETIME_SHAPE,
    NUMBER_TYPES,
    PARSERS,
    plain,
)
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
    if isinstance(value, BOOL_TYPES):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        text = str(value)  # exact, however large
        return text if len(text) <= 20 else f"{text[:8]}...({len(text)} digits)"
    if isinstance(value, NUMBER_TYPES):
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
        if isinstance(value, BOOL_TYPES) or not isinstance(value, NUMBER_TYPES):
            return _INVALID
        try:
            number = float(value)
        except OverflowError:  # a JSON integer beyond float range, e.g. 10**400
            return _INVALID
        if not math.isfinite(number) or (kind == "integer" and not number.is_integer()):
            return _INVALID
        return number
    if kind == "boolean":
        return bool(value) if isinstance(value, BOOL_TYPES) else _INVALID
    if kind in ("string", "category"):
        return value if isinstance(value, str) else _INVALID
    if kind == "date" and isinstance(value, datetime) and value.tzinfo is None:
        # A naive timestamp at midnight is how pandas holds a date (a batch's
        # timestamp column reads the same way).
        value = value.date() if value.time() == time_of_day() else value
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    pattern = DATE_SHAPE if kind == "date" else DATETIME_SHAPE
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


# ---------------------------------------------------------------- one column


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
    column = plain(column)
    parsed, typed, present = PARSERS[field.type](column, field)
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
