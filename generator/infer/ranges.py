"""Contract ranges from observed ones, and how observed values read in comments.

A contract at exactly the observed extremes would reject the first new customer just
past them, so the observed range is widened by `RANGE_MARGIN` of its span on each side,
rounded outwards to a readable step, never below 0 when no value was, whole for
integers. Dates get a `min` only: every new record may carry a later date.
"""

from __future__ import annotations

import math
from typing import Any

from .reading import require_pandas

RANGE_MARGIN = 0.10


def widen(low: float, high: float, whole: bool) -> tuple[float, float]:
    """The observed range widened by RANGE_MARGIN of its span and rounded outwards."""
    span = high - low
    margin = RANGE_MARGIN * (span if span > 0 else max(abs(high), 1.0))
    step = 10.0 ** math.floor(math.log10(margin))
    if whole:
        step = max(step, 1.0)
    digits = max(0, -math.floor(math.log10(step)))
    new_low = round(math.floor((low - margin) / step) * step, digits)
    new_high = round(math.ceil((high + margin) / step) * step, digits)
    if low >= 0:
        new_low = max(new_low, 0)
    if whole or (new_low == int(new_low) and new_high == int(new_high)):
        return int(new_low), int(new_high)
    return new_low, new_high


def earliest(low, high):
    """The first timestamp the contract accepts: RANGE_MARGIN of the span before `low`."""
    pd = require_pandas()
    margin = (high - low) * RANGE_MARGIN
    # Rounded down to a whole day, hour or minute, whichever the margin spans.
    unit = next(
        (u for u in ("D", "h", "min") if margin >= pd.Timedelta(1, unit=u)),
        "s",
    )
    return (low - margin).floor(unit)


def iso_text(stamp, kind: str) -> str:
    """A pandas timestamp as ISO 8601 text, the date alone for a `date` field."""
    if kind == "date":
        return stamp.date().isoformat()
    return stamp.to_pydatetime().isoformat()


def readable(value: Any) -> str:
    """An observed value for a comment: whole floats without '.0', six digits at most."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.6g}" if isinstance(value, float) else str(value)
