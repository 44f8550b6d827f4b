"""Values drawn from a contract: example records for tests and rows of sample data.

Everything here is seeded, so the same spec always yields the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import re

try:  # Python 3.11+ keeps the regex parser here; 3.10 only under the old name.
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

from .errors import GenerationError
from .spec import FieldSpec

DEFAULT_DATE_RANGE = ("2015-01-01", "2025-12-31")
_UNBOUNDED_SPAN = 100.0
_CATEGORIES = {
    "d": "0123456789",
    "w": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
    "s": " ",
}


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


def example_value(f: FieldSpec, rng: random.Random, where: float = 0.5):
    """A valid value of the field at a relative position `where` of its range (0..1)."""
    if f.type in ("integer", "float"):
        low, high = numeric_bounds(f)
        value = low + (high - low) * where
        if f.type == "integer":
            return int(math.floor(value)) if where < 1 else int(high)
        return round(value, 2) if low <= round(value, 2) <= high else value
    if f.type == "boolean":
        return where >= 0.5
    if f.type == "category":
        values = f.values or []
        return values[min(int(where * len(values)), len(values) - 1)]
    if f.type in ("date", "datetime"):
        low, high = temporal_bounds(f)
        moment = low + (high - low) * where
        if f.type == "date":
            moment = dt.datetime(moment.year, moment.month, moment.day)
        return format_temporal(f, moment)
    return string_example(f, rng)


def string_example(f: FieldSpec, rng: random.Random) -> str:
    if not f.pattern:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
    text = regex_example(f.pattern, rng)
    if _compiled(f.pattern).fullmatch(text) is None:
        raise GenerationError(
            f"cannot make an example matching the pattern {f.pattern!r} of field "
            f"'{f.name}' (lookarounds and back-references are not supported there)"
        )
    return text


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def regex_example(pattern: str, rng: random.Random) -> str:
    """A string matching `pattern`, built by walking the regex's parse tree."""
    try:
        return _emit(_parsed(pattern), rng)
    except (KeyError, ValueError, TypeError, IndexError, re.error):
        return ""


@functools.lru_cache(maxsize=256)
def _parsed(pattern: str):
    return _sre.parse(pattern)


def _emit(items, rng: random.Random) -> str:
    out = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "ANY":
            out.append(rng.choice("abcxyz"))
        elif name == "IN":
            out.append(_pick_in(arg, rng))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            high = low + 3 if high == _sre.MAXREPEAT else high
            out.extend(
                _emit(sub, rng)
                for _ in range(rng.randint(low, max(low, min(high, low + 3))))
            )
        elif name == "SUBPATTERN":
            out.append(_emit(arg[-1], rng))
        elif name == "BRANCH":
            out.append(_emit(rng.choice(arg[1]), rng))
        elif name == "AT":
            continue
        else:
            raise ValueError(name)
    return "".join(out)


def _pick_in(members, rng: random.Random) -> str:
    choices: list[str] = []
    for op, arg in members:
        name = str(op)
        if name == "NEGATE":
            raise ValueError(name)
        if name == "LITERAL":
            choices.append(chr(arg))
        elif name == "RANGE":
            choices.extend(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 25) + 1))
        elif name == "CATEGORY":
            key = str(arg).rsplit("_", 1)[-1].lower()[0]
            choices.extend(_CATEGORIES.get(key, "a"))
    return rng.choice(choices)


__all__ = [
    "example_value",
    "format_temporal",
    "numeric_bounds",
    "regex_example",
    "temporal_bounds",
]
