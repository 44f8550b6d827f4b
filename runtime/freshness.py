# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""When a precomputed value may be served: its time fresh, itself a finite number.

Pure: the store reads rows, these judge them. Both fail closed, because a value
served when it should not be looks like a normal answer: a computation time that
is missing, blank, unreadable or in the future is stale like an old one, and a
value that is not a finite number (SQLite keeps any type in any column) is not
served at all.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pandas as pd

from .rules import clipped

__all__ = ["computed_time", "finite", "staleness"]


def computed_time(text: object) -> datetime | None:
    """A stored computation time (ISO 8601) as naive UTC, or None if it is none."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:  # more digits than microseconds, or not a time at all
        try:
            when = pd.Timestamp(text).to_pydatetime(warn=False)
        except (ValueError, TypeError, OverflowError):
            return None
        if when is pd.NaT:  # "NaT", "nat", ...: a datetime that compares as never
            return None
    if when.tzinfo is not None:
        try:
            when = when.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:  # within hours of year 1 or 9999
            return datetime.min if when.year == 1 else datetime.max
    return when


def staleness(computed_at: object, now: datetime, max_age: timedelta) -> str | None:
    """Why features computed at ``computed_at`` (as stored) cannot be served at
    ``now`` (naive UTC), or None when they are fresh: no readable time, a time
    later than now (a clock or an ``--as-of`` in the future), or one more than
    ``max_age`` before it."""
    when = computed_time(computed_at)
    if when is None:
        shown = clipped(repr(computed_at))
        return f"its computation time {shown} is not an ISO 8601 time"
    if when > now:
        return f"computed at {when.isoformat()}, in the future"
    if now - when > max_age:
        return f"computed at {when.isoformat()}, older than max_age"
    return None


def finite(value: object) -> bool:
    """Whether a stored value is a finite number the model can take."""
    return isinstance(value, int | float) and math.isfinite(value)
