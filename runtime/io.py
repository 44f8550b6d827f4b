# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Reading and writing data files: CSV or Parquet, chosen by extension.

A CSV file has no types: "12", "12.0" and "twelve" are all text. Letting pandas
guess would turn a column with one bad cell into text (or a number into a float
that the contract can no longer tell from a typo), so every cell is read as text
and converted here by the contract's declared type. Text that does not convert
is kept as it was, so the contract rejects that row naming the value it got.
Parquet files carry their own types and are handed to the contract as they are.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .contract import frame_from_wire
from .definition import Contract, Field
from .errors import DataError

__all__ = ["read_frame", "write_frame"]

_TRUE, _FALSE = ("true", "True", "TRUE"), ("false", "False", "FALSE")


def _from_text(column: pd.Series, field: Field) -> pd.Series:
    """CSV text -> the JSON-like value the contract expects for ``field``."""
    text = column.astype(object)
    if field.type in ("integer", "float"):
        numbers = pd.to_numeric(text, errors="coerce")
        values = numbers.astype(object).where(numbers.notna(), text)
        # Whole numbers written without a decimal point stay ints, so a rejected
        # row is written back as it was read ("12", not "12.0").
        whole = text.str.fullmatch(r"[+-]?\d{1,15}").to_numpy(
            dtype=bool, na_value=False
        )
        values[whole] = numbers[whole].astype("int64").astype(object)
        return values
    if field.type == "boolean":
        flags = pd.Series(
            np.select([text.isin(_TRUE), text.isin(_FALSE)], [True, False], None),
            index=text.index,
            dtype=object,
        )
        return flags.where(flags.notna(), text)
    return text  # text, categories and ISO dates are checked as text


def read_frame(
    path: str | Path, contract: Contract, fields: tuple[Field, ...] | None = None
) -> pd.DataFrame:
    """Read a .csv or .parquet file; CSV cells of ``fields`` (default: the
    contract's) are typed as declared, producers' names renamed to field names."""
    fields = contract.fields if fields is None else fields
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return frame_from_wire(pd.read_parquet(path), contract)
        if suffix != ".csv":
            raise DataError(
                f"{path}: unsupported file type {suffix!r}; use .csv or .parquet"
            )
        # Only an empty cell is null: "NA" or "null" are text the contract rejects.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read {path}: {error}") from error
    frame = frame_from_wire(frame, contract)
    typed = {f.name: _from_text(frame[f.name], f) for f in fields if f.name in frame}
    # Not ``frame.assign(**typed)``: a field called ``self`` would collide with
    # assign's own parameter.
    result = frame.copy(deep=False)
    for name, column in typed.items():
        result[name] = column
    return result


def write_frame(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a .csv or .parquet file (chosen by extension), without the index."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".parquet":
            frame.to_parquet(path, index=False)
        elif suffix == ".csv":
            frame.to_csv(path, index=False)
        else:
            raise DataError(
                f"{path}: unsupported file type {suffix!r}; use .csv or .parquet"
            )
    except OSError as error:
        raise DataError(f"cannot write {path}: {error}") from error
