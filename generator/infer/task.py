"""The task follows from the target column, and the metric from the task.

Two values -> binary_classification (a boolean target for true/false or 0/1); up to
`CLASS_MAX_VALUES` text values (or integers seen `CLASS_MIN_ROWS` times each on average)
-> multiclass_classification; other numbers -> regression.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..errors import InferError
from .columns import by_frequency
from .kinds import column_type
from .ranges import readable
from .reading import require_pandas

CLASS_MAX_VALUES = 20
CLASS_MIN_ROWS = 5

_METRIC = {
    "binary_classification": "roc_auc",
    "multiclass_classification": "accuracy",
    "regression": "r2",
}


@dataclass
class Target:
    source: str
    name: str
    task: str
    type: str
    values: list[str] | None
    note: str

    @property
    def metric(self) -> str:
        return _METRIC[self.task]


def infer_target(
    source: str, name: str, series, path: Path, partial_sample: bool = False
) -> Target:
    """The target `source` (written as `name`), its task and why; InferError if unusable."""
    pd = require_pandas()
    present = series.dropna()
    distinct = present.unique().tolist()
    where = f"{path}: target column {source!r}"
    if not distinct:
        raise InferError(f"{where} has no values (every row is null)")
    if len(distinct) == 1:
        raise InferError(
            f"{where} has one value ({distinct[0]!r}) in all {len(present):,} rows "
            "(expected at least two classes or a range of numbers to learn)"
            + (
                f"; only the first {len(series):,} rows were read: if the file is "
                "sorted, read more with --sample-rows"
                if partial_sample
                else ""
            )
        )
    kind = column_type(series)
    missing = (
        f"; {len(series) - len(present):,} rows have no target"
        if len(present) < len(series)
        else ""
    )
    counted = f"{len(distinct):,} distinct values in {len(present):,} rows{missing}"
    if kind in ("date", "datetime"):
        raise InferError(
            f"{where} holds {kind}s (expected classes or numbers to learn)"
        )
    target = partial(Target, source, name)
    labels = by_frequency(present)
    binary = f"two values ({', '.join(labels)}): a binary target"
    numeric = kind in ("integer", "float")
    if kind == "boolean" or (
        numeric and set(pd.to_numeric(present).unique().tolist()) <= {0, 1}
    ):
        return target("binary_classification", "boolean", None, binary)
    if len(distinct) == 2:
        return target("binary_classification", "category", labels, binary)
    # Integers are classes only when each is seen CLASS_MIN_ROWS times on average; a
    # handful of rows of a measurement (a weight in pounds) has few values too.
    few = len(distinct) <= CLASS_MAX_VALUES
    if few and (
        kind == "text"
        or (kind == "integer" and len(distinct) * CLASS_MIN_ROWS <= len(present))
    ):
        return target(
            "multiclass_classification", "category", labels, f"{counted}: classes"
        )
    if numeric:
        low, high = readable(present.min()), readable(present.max())
        return target(
            "regression",
            kind,
            None,
            f"{counted}, from {low} to {high}: a number to predict",
        )
    return target(
        "multiclass_classification",
        "string",
        None,
        f"{counted}: text with many classes; consider grouping the rare ones",
    )
