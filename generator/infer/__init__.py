"""Infer a first spec from a sample of the data: `modelplate infer DATA --target COLUMN`.

The result is a starting point a person reviews, so every guess is written down next to
the line it produced (row counts, observed ranges, null rates, distinct values, why a
column is an id). The rules, in one place (each module's docstring says more):

- Sample (`reading`): the first `SAMPLE_ROWS` rows (CSV read in chunks, Parquet in
  record batches). The first rows, not a random draw: a file sorted by date or id shows
  only its start, and the header comment says when rows were left unread.
- Types (`kinds`, `columns`): integer (also floats that are all whole, as pandas reads
  integers with nulls), float, boolean (bool values or the text true/false), date and
  datetime (date objects, timestamps, or text in ISO 8601 only, since 01/02/2020 is
  ambiguous), category (text with at most `CATEGORY_MAX_VALUES` distinct values, each
  seen twice on average), string.
- Ranges (`ranges`): the observed range widened by `RANGE_MARGIN` of its span on each
  side, rounded outwards to a readable step, never below 0 when no value was, whole for
  integers. A contract at exactly the observed extremes would reject the first new
  customer just past them. Dates get a `min` only: every new record may carry a later
  date.
- Ids (`ids`): a non-null string or integer column whose name says id (`id`, `*_id`,
  `*_key`, `uuid`), or a unique string column, or a unique integer column that looks
  like a sequence (values cover at least half of their span). One id per spec (the
  language's rule); further id-like integer columns are left out of `model.features`.
- Names (`naming`) that are not safe identifiers become snake_case ones and keep the
  original as `wire_name`, so the producer goes on sending what it sends.
- The task (`task`) follows from the target: two values -> binary_classification (a
  boolean target for true/false or 0/1), up to `CLASS_MAX_VALUES` text values (or
  integers seen `CLASS_MIN_ROWS` times each on average) -> multiclass_classification,
  other numbers -> regression.
- The algorithm (`candidates`) is a list of candidates `train` compares by
  cross-validation: linear, random forest and gradient boosting below
  `SMALL_DATA_ROWS` rows; linear, gradient boosting and LightGBM above.
- Nulls in CSV are what pandas reads as missing: empty cells and its default markers
  (NA, N/A, NULL, null, NaN, None, ...).

pandas (and pyarrow for Parquet) are imported inside the functions that read data, so
that `modelplate check` does not pay for them and works without them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

from ..checks import check_spec
from ..errors import InferError, SpecError
from ..spec import read_spec
from .columns import CATEGORY_MAX_VALUES, assign_impute, describe_column
from .ids import mark_ids
from .naming import column_names, did_you_mean, service_name
from .ranges import RANGE_MARGIN
from .reading import SAMPLE_ROWS, read_sample
from .task import CLASS_MAX_VALUES, infer_target
from .writer import write_spec


def infer_spec(
    data_path: str | Path,
    target: str,
    name: str | None = None,
    *,
    sample_rows: int = SAMPLE_ROWS,
    progress: IO[str] | None = None,
) -> str:
    """The YAML text of a spec inferred from the data; it passes `modelplate check`.

    Raises InferError naming the file (and the column) when the data cannot be read or
    cannot make a spec.
    """
    if sample_rows < 1:
        raise InferError(f"sample_rows must be at least 1 (got {sample_rows})")
    sample = read_sample(data_path, sample_rows, progress)
    frame, path = sample.frame, sample.path
    if len(frame.columns) == 0 or len(frame) == 0:
        raise InferError(f"{path}: the file has no rows (expected a header and rows)")
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if target not in columns:
        raise InferError(
            f"{path}: no column {target!r} to use as the target "
            f"(columns: {', '.join(columns)})" + did_you_mean(target, columns)
        )
    if len(columns) == 1:
        raise InferError(
            f"{path}: the target {target!r} is the only column (expected input columns too)"
        )
    names = column_names(columns)
    target_info = infer_target(
        target, names[target], frame[target], path, not sample.complete
    )
    fields = [
        describe_column(source, names[source], frame[source])
        for source in columns
        if source != target
    ]
    mark_ids(fields, frame)
    assign_impute(fields)
    spec_name = service_name(name if name else path.name.split(".")[0])
    text = write_spec(sample, spec_name, fields, target_info)
    _verify(text, path)
    return text


def _verify(text: str, path: Path) -> None:
    """Load what was written with the spec reader and check it, as `check` would."""
    try:
        check_spec(read_spec(text, f"<spec inferred from {path.name}>"))
    except SpecError as exc:
        if any("has no input columns" in p.message for p in exc.problems):
            raise InferError(
                f"{path}: no column can be a model input (expected a number, a true/false "
                "or a category column besides the target and the id)"
            ) from None
        raise InferError(
            f"{path}: the inferred spec does not pass check (a modelplate bug; please "
            f"report it):\n{exc}"
        ) from None


def write_inferred_spec(
    data_path: str | Path,
    target: str,
    output: str | Path,
    name: str | None = None,
    *,
    force: bool = False,
    sample_rows: int = SAMPLE_ROWS,
    progress: IO[str] | None = None,
) -> Path:
    """Infer a spec and write it to `output` atomically; an existing file needs `force`."""
    output = Path(output)
    if output.exists() and not force:
        raise InferError(f"{output}: already exists (use --force to replace it)")
    text = infer_spec(
        data_path, target, name, sample_rows=sample_rows, progress=progress
    )
    directory = output.parent if str(output.parent) else Path(".")
    try:
        handle = tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            dir=directory,
            prefix=f".{output.name}.",
            suffix=".tmp",
            delete=False,
        )
    except OSError as exc:
        raise InferError(f"{output}: cannot write: {exc.strerror}") from None
    try:
        with handle:
            handle.write(text)
        os.replace(handle.name, output)
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise InferError(f"{output}: cannot write: {exc.strerror}") from None
    return output


__all__ = [
    "CATEGORY_MAX_VALUES",
    "CLASS_MAX_VALUES",
    "RANGE_MARGIN",
    "SAMPLE_ROWS",
    "infer_spec",
    "read_sample",
    "write_inferred_spec",
]
