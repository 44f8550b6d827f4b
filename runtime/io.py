# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Reading and writing data files: CSV or Parquet, chosen by extension.

A CSV file has no types: "12", "12.0" and "twelve" are all text. Letting pandas
guess would turn a column with one bad cell into text (or a number into a float
that the contract can no longer tell from a typo), so every cell is read as text
and converted here by the contract's declared type. Text that does not convert
is kept as it was, so the contract rejects that row naming the value it got.
Parquet files carry their own types and are handed to the contract as they are.

What a number is, in a CSV cell: ASCII only, an optional sign, digits with an
optional fraction, an optional exponent (``12``, ``-0.5``, ``.5``, ``1e3``), and
finite. Anything else stays text and breaks the contract's type rule: other
scripts' digits (``١٢``), spaces, ``1_000``, ``inf``, ``nan``, and ``1e309``
(beyond float range). Whole numbers of up to 15 digits stay ints, so ``12`` is
not shown back as ``12.0``. Booleans are ``true``/``false`` (any of three
casings); only an empty cell is null ("NA" or "null" are text).

Nothing in a file makes reading it fail, only rows of it (``runtime.csvfile``): a
record that has the wrong number of cells, bytes that are not UTF-8 or a NUL byte
is kept as a row whose ``_reasons`` cell says so (a column ``validate_frame``
honours), so it is rejected like any other bad row. Only a regular file is read
(``files.open_regular``); a file with no header, a header that is not UTF-8 or a
repeated column name is a ``DataError``.

``read_batch`` keeps what a command needs to write its rejects back as they were
read: each row's cells as text and its line in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .contract import REASONS, frame_from_wire
from .csvfile import read_csv
from .definition import Contract, Field
from .errors import DataError
from .files import Outputs, Writer, open_regular

__all__ = [
    "LINE",
    "Batch",
    "check_type",
    "read_batch",
    "read_frame",
    "text_batch",
    "write_frame",
    "writer",
]

# Name of the column that carries each rejected row's line in its input file.
LINE = "_line"

_TRUE, _FALSE = ("true", "True", "TRUE"), ("false", "False", "FALSE")
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_WHOLE = r"[+-]?[0-9]{1,15}"


@dataclass(frozen=True)
class Batch:
    """A file as read: ``frame`` typed for the contract (field names, rows in file
    order with a RangeIndex), ``text`` the same rows' cells as read (producers'
    names) and ``lines`` each row's line in the file (Parquet: its row number)."""

    frame: pd.DataFrame
    text: pd.DataFrame
    lines: np.ndarray

    def rejected(self, rejects: pd.DataFrame) -> pd.DataFrame:
        """``rejects`` (``validate_frame``'s, of this frame or a part of it) as
        they were read: each row's cells as text, its line and its reasons."""
        positions = rejects.index.to_numpy(dtype=np.int64)
        rows = self.text.iloc[positions].reset_index(drop=True)
        rows[LINE] = self.lines[positions]
        rows[REASONS] = rejects[REASONS].to_numpy(dtype=object)
        return rows


def _numbers(text: pd.Series) -> pd.Series:
    strings = text.to_numpy(dtype=object)
    # Arrow matches and casts in C; the strings are UTF-8 (the reader escaped the rest).
    arrow = pa.array(strings, type=pa.string(), from_pandas=True)
    shaped = pc.match_substring_regex(arrow, f"^(?:{_NUMBER})$").fill_null(False)
    floats = pc.cast(pc.if_else(shaped, arrow, None), pa.float64())
    floats = floats.to_numpy(zero_copy_only=False)
    ok = shaped.to_numpy(zero_copy_only=False) & np.isfinite(floats)
    values = strings.copy()
    values[ok] = floats[ok]
    # Whole numbers stay ints, so a rejected row's message shows "12", not "12.0".
    whole = pc.match_substring_regex(arrow, f"^(?:{_WHOLE})$").fill_null(False)
    whole = ok & whole.to_numpy(zero_copy_only=False)
    values[whole] = floats[whole].astype(np.int64).astype(object)
    return pd.Series(values, index=text.index, dtype=object)


def _from_text(column: pd.Series, field: Field) -> pd.Series:
    """CSV text -> the JSON-like value the contract expects for ``field``."""
    text = column.astype(object)
    if field.type in ("integer", "float"):
        return _numbers(text)
    if field.type == "boolean":
        flags = pd.Series(
            np.select([text.isin(_TRUE), text.isin(_FALSE)], [True, False], None),
            index=text.index,
            dtype=object,
        )
        return flags.where(flags.notna(), text)
    return text  # text, categories and ISO dates are checked as text


def read_batch(
    path: str | Path, contract: Contract, fields: tuple[Field, ...] | None = None
) -> Batch:
    """Read a .csv or .parquet file; CSV cells of ``fields`` (default: the
    contract's) are typed as declared, producers' names renamed to field names."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            with open_regular(path) as file:
                text = pd.read_parquet(file)
        except (OSError, ValueError, pa.ArrowException) as error:
            raise DataError(f"cannot read {path}: {error}") from error
        text = text.reset_index(drop=True)
        lines = np.arange(1, len(text) + 1, dtype=np.int64)
        return Batch(frame_from_wire(text, contract), text, lines)
    check_type(path)
    return text_batch(*read_csv(path), contract, fields)


def text_batch(
    text: pd.DataFrame,
    lines: np.ndarray,
    problems: dict[int, str],
    contract: Contract,
    fields: tuple[Field, ...] | None = None,
) -> Batch:
    """CSV rows as ``csvfile`` splits them (cells as text, their lines, position
    -> problem) typed for the contract: the cells of ``fields`` (default: the
    contract's) as declared, producers' names renamed to field names."""
    fields = contract.fields if fields is None else fields
    frame = frame_from_wire(text, contract)
    typed = {f.name: _from_text(frame[f.name], f) for f in fields if f.name in frame}
    # Not ``frame.assign(**typed)``: a field called ``self`` would collide with
    # assign's own parameter.
    frame = frame.copy(deep=False)
    for name, column in typed.items():
        frame[name] = column
    if problems:
        unreadable = pd.Series(None, index=frame.index, dtype=object)
        unreadable[list(problems)] = list(problems.values())
        frame[REASONS] = unreadable
    return Batch(frame, text, lines)


def read_frame(
    path: str | Path, contract: Contract, fields: tuple[Field, ...] | None = None
) -> pd.DataFrame:
    """``read_batch(...).frame``: the rows typed for the contract."""
    return read_batch(path, contract, fields).frame


def check_type(*paths: str | Path) -> None:
    """DataError unless each of ``paths`` is a .csv or .parquet file."""
    for path in paths:
        suffix = Path(path).suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise DataError(
                f"{path}: unsupported file type {suffix!r}; use .csv or .parquet"
            )


def writer(frame: pd.DataFrame, path: str | Path) -> Writer:
    """A function writing ``frame`` as ``path``'s type (.csv or .parquet) to an
    open binary file, for ``files.Outputs``."""
    check_type(path)
    if Path(path).suffix.lower() == ".parquet":
        return lambda file: frame.to_parquet(file, index=False)
    return lambda file: frame.to_csv(file, index=False, encoding="utf-8")


def write_frame(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a .csv or .parquet file (chosen by extension), without the index,
    to a temporary file moved into place when complete."""
    write = writer(frame, path)
    with Outputs().commit() as outputs:
        outputs.write(path, write)
