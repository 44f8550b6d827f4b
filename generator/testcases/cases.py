"""How a case is written, and the small helpers every kind of case shares."""

from __future__ import annotations

import datetime as dt
import re

from ..spec import FieldSpec

AS_OF = "2026-01-01T00:00:00"
UNKNOWN_FIELD = "unexpected_field"


def case(
    id_: str, base: str = "example", changes: dict | None = None, drop=(), **facts
) -> dict:
    return {
        "id": id_,
        "base": base,
        "changes": dict(changes or {}),
        "drop": list(drop),
        **facts,
    }


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60]


def unique_ids(cases: list[dict]) -> list[dict]:
    seen: dict[str, int] = {}
    for item in cases:
        count = seen.get(item["id"], 0)
        seen[item["id"]] = count + 1
        if count:
            item["id"] = f"{item['id']}-{count + 1}"
    return cases


def numeric(f: FieldSpec, value: float) -> int | float:
    return int(value) if f.type == "integer" else float(value)


def inside(f: FieldSpec, value: float | str) -> bool:
    """Whether `value` lies within `f`'s min and max (numbers, or dates as ISO text);
    a field of another type has no bounds."""
    if f.type in ("date", "datetime"):
        value, low, high = (
            None if v is None else dt.datetime.fromisoformat(v)
            for v in (value, f.min, f.max)
        )
    elif f.is_numeric:
        low, high = f.min, f.max
    else:
        return True
    return (low is None or value >= low) and (high is None or value <= high)
