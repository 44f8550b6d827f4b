"""Values drawn from a contract: example records for tests and rows of sample data.

Everything here is seeded, so the same spec always yields the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import string
from typing import Any

from .errors import GenerationError
from .patterns import UNBOUNDED, char_matches, fullmatch, parsed
from .spec import FieldSpec

DEFAULT_DATE_RANGE = ("2015-01-01", "2025-12-31")
_UNBOUNDED_SPAN = 100.0
# What a class that names no character of its own ([^a], \D) draws from.
_PRINTABLE = tuple(string.ascii_letters + string.digits + string.punctuation + " ")


def numeric_bounds(f: FieldSpec) -> tuple[float, float]:
    """The range examples are drawn from: the declared one, or a modest one around it."""
    low = (
        f.min
        if f.min is not None
        else (f.max - _UNBOUNDED_SPAN if f.max is not None else 0)
    )
    high = f.max if f.max is not None else low + _UNBOUNDED_SPAN
    return float(low), float(high)


def temporal_bounds(f: FieldSpec) -> tuple[dt.datetime, dt.datetime]:
    low = dt.datetime.fromisoformat(f.min or DEFAULT_DATE_RANGE[0])
    high = dt.datetime.fromisoformat(f.max or DEFAULT_DATE_RANGE[1])
    if f.min is None and f.max is not None:
        low = high - dt.timedelta(days=3650)
    if f.max is None and f.min is not None:
        high = low + dt.timedelta(days=3650)
    return low.replace(tzinfo=None), high.replace(tzinfo=None)


def format_temporal(f: FieldSpec, value: dt.datetime) -> str:
    return (
        value.date().isoformat()
        if f.type == "date"
        else value.isoformat(timespec="seconds")
    )


# The types whose values are placed by a position in their range (see `value_at`).
POSITIONED = ("integer", "float", "boolean", "category", "date", "datetime")


def example_value(f: FieldSpec, rng: random.Random, where: float = 0.5):
    """A valid value of the field at a relative position `where` of its range (0..1)."""
    if f.type in POSITIONED:
        return values_at(f, [where])[0]
    return string_example(f, rng)


def values_at(f: FieldSpec, positions: list[float]) -> list[Any]:
    """The field's valid values at relative positions (0..1) of its range, in order.

    For the types in POSITIONED (strings need a random source: `string_example`). One
    call per column, not per value: the sample data draws up to 400,000 values and the
    bounds are worked out once.
    """
    if f.type in ("integer", "float"):
        low, high = numeric_bounds(f)
        span = high - low
        if f.type == "integer":
            return [
                math.floor(low + span * w) if w < 1 else int(high) for w in positions
            ]
        # Two decimals, unless rounding would step outside the declared range.
        return [
            r if low <= (r := round(v := low + span * w, 2)) <= high else v
            for w in positions
        ]
    if f.type == "boolean":
        return [w >= 0.5 for w in positions]
    if f.type == "category":
        values = f.values or []
        last = len(values) - 1
        return [values[min(int(w * len(values)), last)] for w in positions]
    if f.type in ("date", "datetime"):
        start, end = temporal_bounds(f)
        length = end - start
        return [format_temporal(f, start + length * w) for w in positions]
    raise ValueError(f"no positioned values for a {f.type} field")


# The sample draws thousands of values from one pattern, all by the same walk of its
# tree: the first ones are checked, which finds a walk that goes wrong.
CHECKED_EXAMPLES = 32


def string_example(f: FieldSpec, rng: random.Random, checked: bool = True) -> str:
    if not f.pattern:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
    text = regex_example(f.pattern, rng)
    # Checked the way the runtime (RE2) reads the pattern, in linear time.
    if checked and not fullmatch(f.pattern, text):
        raise GenerationError(
            f"cannot make an example matching the pattern {f.pattern!r} of field "
            f"'{f.name}'"
        )
    return text


def regex_example(pattern: str, rng: random.Random) -> str:
    """A string matching `pattern`, built by walking the regex's parse tree."""
    try:
        return _emit(_plan(pattern), rng)
    except (KeyError, ValueError, TypeError, IndexError):
        return ""


_TEXT, _CHOICE, _REPEAT, _GROUP, _BRANCH, _FAIL = range(6)
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


@functools.lru_cache(maxsize=256)
def _plan(pattern: str) -> tuple:
    """The parse tree as steps whose choices are worked out once per pattern.

    An id column draws thousands of values from one pattern. A construct we cannot
    emit becomes a step that fails when reached, as walking the tree would.
    """
    return _steps(parsed(pattern))


def _steps(items) -> tuple:
    steps = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            steps.append((_TEXT, chr(arg)))
        elif name == "ANY":
            steps.append((_CHOICE, "abcxyz"))
        elif name == "NOT_LITERAL":
            steps.append(_drawn(name, arg, _PRINTABLE))
        elif name == "IN":
            steps.append(_choice_step(arg))
        elif name in _REPEATS:
            low, high, sub = arg
            high = low + 3 if high == UNBOUNDED else high
            steps.append((_REPEAT, (low, max(low, min(high, low + 3)), _steps(sub))))
        elif name == "SUBPATTERN":
            steps.append((_GROUP, _steps(arg[-1])))
        elif name == "BRANCH":
            steps.append((_BRANCH, tuple(_steps(branch) for branch in arg[1])))
        elif name != "AT":
            steps.append((_FAIL, name))
    return tuple(steps)


def _choice_step(members) -> tuple:
    """The characters a class names itself, else printable ASCII it takes."""
    named: list[str] = []
    for op, arg in members:
        name = str(op)
        if name == "LITERAL":
            named.append(chr(arg))
        elif name == "RANGE":
            named.extend(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 25) + 1))
    return _drawn("IN", members, (*named, *_PRINTABLE))


def _drawn(name: str, arg, candidates: tuple[str, ...]) -> tuple:
    choices = tuple(dict.fromkeys(c for c in candidates if char_matches(name, arg, c)))
    return (_CHOICE, choices) if choices else (_FAIL, name)


def _emit(steps: tuple, rng: random.Random) -> str:
    out = []
    for kind, payload in steps:
        if kind == _TEXT:
            out.append(payload)
        elif kind == _CHOICE:
            out.append(rng.choice(payload))
        elif kind == _REPEAT:
            low, high, sub = payload
            out.extend(_emit(sub, rng) for _ in range(rng.randint(low, high)))
        elif kind == _GROUP:
            out.append(_emit(payload, rng))
        elif kind == _BRANCH:
            out.append(_emit(rng.choice(payload), rng))
        else:
            raise ValueError(payload)
    return "".join(out)


__all__ = [
    "CHECKED_EXAMPLES",
    "POSITIONED",
    "example_value",
    "format_temporal",
    "numeric_bounds",
    "regex_example",
    "temporal_bounds",
    "values_at",
]
