"""What the sample says about each input column, and the field written for it.

Text with at most `CATEGORY_MAX_VALUES` distinct values, each seen twice on average, is a
category; other text is a string, which never reaches the model. Numbers and dates get
the widened ranges of `ranges`; a nullable number is imputed with the median and a
nullable category or boolean with the most frequent value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .kinds import column_type
from .ranges import earliest, iso_text, widen
from .reading import require_pandas

CATEGORY_MAX_VALUES = 20


@dataclass
class Column:
    """What the sample says about one column, and the field written for it."""

    source: str
    name: str
    type: str
    rows: int
    nulls: int
    distinct: int
    values: list[str] = field(default_factory=list)  # category values by frequency
    low: Any = None  # observed minimum (number, or ISO text for dates)
    high: Any = None
    min: Any = None  # the contract's bounds
    max: Any = None
    role: str | None = None
    pattern: str | None = None
    impute: str | None = None
    model_input: bool = True
    id_shaped: bool = False  # text without spaces, at most 64 characters
    notes: list[str] = field(default_factory=list)

    @property
    def nullable(self) -> bool:
        return self.nulls > 0


def describe_column(source: str, name: str, series) -> Column:
    """The column `source` (to be written as field `name`) as its values show it."""
    kind = column_type(series)
    present = series.dropna()
    column = Column(
        source=source,
        name=name,
        type=kind,
        rows=len(series),
        nulls=int(series.isna().sum()),
        distinct=int(present.nunique()),
    )
    if not len(present):
        # Nothing to learn a type from: text, so that it never reaches the model.
        column.type = "string"
        column.notes.append("every value is null: review what this column holds")
    elif kind in ("integer", "float"):
        _describe_numbers(column, present)
    elif kind in ("date", "datetime"):
        _describe_dates(column, present)
    elif kind == "text":
        _describe_text(column, present)
    return column


def _describe_numbers(column: Column, present) -> None:
    import numpy as np

    numbers = require_pandas().to_numeric(present)
    finite = numbers[np.isfinite(numbers.to_numpy(dtype="float64"))]
    if len(finite) < len(numbers):
        column.notes.append(
            f"{len(numbers) - len(finite):,} infinite values left out of the range"
        )
    if len(finite):
        column.low, column.high = finite.min().item(), finite.max().item()
        whole = column.type == "integer"
        if whole:
            column.low, column.high = int(column.low), int(column.high)
        column.min, column.max = widen(column.low, column.high, whole)


def _describe_dates(column: Column, present) -> None:
    pd = require_pandas()
    stamps = pd.to_datetime(pd.Series(present.tolist(), dtype=object), format="ISO8601")
    low, high = stamps.min(), stamps.max()
    column.low, column.high = iso_text(low, column.type), iso_text(high, column.type)
    column.min = iso_text(earliest(low, high), column.type)


def _describe_text(column: Column, present) -> None:
    text = present.astype(str)
    # An id has no spaces and stays short; unique free text is not an id.
    column.id_shaped = not text.str.contains(r"\s").any() and bool(
        text.str.len().max() <= 64
    )
    values = by_frequency(text)
    if len(values) <= CATEGORY_MAX_VALUES and 2 * len(values) <= len(text):
        column.type = "category"
        column.values = values
    else:
        column.type = "string"


def by_frequency(series) -> list[str]:
    """The distinct values as text, most frequent first, ties by value (stable output)."""
    counts = series.astype(str).value_counts()
    return [v for v, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def assign_impute(fields: list[Column]) -> None:
    """Give every nullable model input the imputation its type allows (ids get none)."""
    for column in fields:
        if column.nullable and column.role is None:
            if column.type in ("integer", "float"):
                column.impute = "median"
            elif column.type in ("category", "boolean"):
                column.impute = "most_frequent"


def summarize(column: Column) -> str:
    """The comment above a field: what the sample showed of the column."""
    parts = [f"{column.source!r}:" if column.name != column.source else ""]
    parts.append(f"{column.rows - column.nulls:,} values")
    parts.append(f"{column.distinct:,} distinct")
    if column.nulls:
        parts.append(f"{column.nulls:,} null ({column.nulls / column.rows:.1%})")
    else:
        parts.append("no nulls")
    if column.low is not None and column.type in ("date", "datetime"):
        parts.append(f"from {column.low} to {column.high}")
    if column.type == "string" and column.role is None:
        parts.append("text too varied for a category")
    first, rest = parts[0], parts[1:]
    return (first + " " if first else "") + ", ".join(rest)
