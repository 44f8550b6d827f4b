"""Which column identifies records: one id per spec (the language's rule).

An id is a non-null string or integer column whose name says id (`id`, `*_id`, `*_key`,
`uuid`), or a unique string column, or a unique integer column that looks like a
sequence (values cover at least half of their span). Further id-like integer columns are
left out of `model.features`.
"""

from __future__ import annotations

import re

from ..patterns import pattern_problem
from .columns import Column
from .naming import safe_identifier

_ID_NAME = re.compile(r"(.*_)?(id|key|uuid|guid)")


def mark_ids(fields: list[Column], frame) -> None:
    """Give the id role to the most id-like column and keep other id-like ones out."""
    # The strongest evidence wins the one id role (a name that says id, then unique
    # text, then a unique integer sequence); column order breaks ties.
    found = [(id_reason(c), index, c) for index, c in enumerate(fields)]
    chosen: Column | None = None
    candidates = sorted(
        (f for f in found if f[0] is not None), key=lambda f: (f[0][0], f[1])
    )
    for (_, reason), _, column in candidates:
        if chosen is None:
            chosen = column
            column.role = "id"
            column.notes.append(f"an id: {reason}")
            if column.type == "string":
                present = frame[column.source].dropna().astype(str).tolist()
                column.pattern = id_pattern(present)
            column.min = column.max = None
        elif column.type == "integer":
            column.model_input = False
            column.notes.append(
                f"looks like an id too ({reason}); only '{chosen.name}' can be the id, "
                "so this one is left out of model.features"
            )


def id_reason(column: Column) -> tuple[int, str] | None:
    """Why a column identifies records, strongest evidence first (0), or None."""
    if column.type not in ("integer", "string") or column.nullable or column.rows < 2:
        return None
    unique = column.distinct == column.rows
    if _ID_NAME.fullmatch(safe_identifier(column.source)):
        return 0, "its name says id" + (
            ", and every value is different" if unique else ""
        )
    if unique and column.type == "string" and column.id_shaped:
        return 1, f"every one of the {column.rows:,} values is different"
    if (
        unique
        and column.type == "integer"
        and column.high - column.low < 2 * column.rows
    ):
        return 2, (
            f"{column.rows:,} different whole numbers from {column.low} to "
            f"{column.high}, like a sequence"
        )
    return None


def id_pattern(values: list[str]) -> str | None:
    """A regular expression every id matches, when all share one obvious shape.

    Obvious: the same length, and at each position the same character, or a digit, or an
    upper-case letter, or a lower-case letter, or a lower-case hex digit (uuids).
    """
    if not values or len({len(v) for v in values}) != 1 or not values[0]:
        return None
    classes = []
    for chars in zip(*values, strict=True):
        seen = set(chars)
        if len(seen) == 1 and not chars[0].isalnum():
            classes.append(_escape(chars[0]))
        elif all(c.isdigit() and c.isascii() for c in seen):
            classes.append("[0-9]")
        elif len(seen) == 1 and chars[0].isascii():
            classes.append(_escape(chars[0]))
        elif all(c in "0123456789abcdef" for c in seen):
            classes.append("[0-9a-f]")
        elif all("A" <= c <= "Z" for c in seen):
            classes.append("[A-Z]")
        elif all("a" <= c <= "z" for c in seen):
            classes.append("[a-z]")
        else:
            return None
    if "[0-9a-f]" in classes:  # hex ids: a position that happened to show only digits
        classes = ["[0-9a-f]" if c == "[0-9]" else c for c in classes]
    parts: list[str] = []
    for cls, count in _runs(classes):
        parts.append(cls if count == 1 else f"{cls}{{{count}}}")
    pattern = "^" + "".join(parts) + "$"
    # e.g. 2,000 digits: a count RE2 cannot run, so `check` would refuse the spec.
    if pattern_problem(pattern) is None and all(
        re.fullmatch(pattern, v) for v in values
    ):
        return pattern
    return None


def _escape(char: str) -> str:
    return "\\" + char if char in ".^$*+?{}[]\\|()" else char


def _runs(items: list[str]) -> list[tuple[str, int]]:
    runs: list[tuple[str, int]] = []
    for item in items:
        if runs and runs[-1][0] == item and item.startswith("["):
            runs[-1] = (item, runs[-1][1] + 1)
        else:
            runs.append((item, 1))
    return runs
