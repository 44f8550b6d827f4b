# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The one place where a frame becomes the model's float matrix.

A scikit-learn model accepts any float array: a column in the wrong place, a NaN
or a category code silently becomes a wrong prediction. So the conversion refuses
anything the model was not trained on and names the column (and row) at fault,
like scikit-learn's own feature-name checks but before the model is reached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import SerializationError

__all__ = ["check_columns", "record_matrix", "to_matrix"]


def check_columns(actual: Sequence[str], expected: Sequence[str]) -> None:
    """Raise unless ``actual`` is ``expected``, in order; name the difference."""
    actual, expected = list(actual), list(expected)
    if actual == expected:
        return
    missing = [name for name in expected if name not in actual]
    if missing:
        raise SerializationError(
            f"missing column {missing[0]!r} (expected columns: {expected})",
            column=missing[0],
        )
    extra = [name for name in actual if name not in expected]
    if extra:
        raise SerializationError(
            f"unexpected column {extra[0]!r}; the model was trained on {expected}",
            column=extra[0],
        )
    position = next(
        i for i, (a, e) in enumerate(zip(actual, expected, strict=True)) if a != e
    )
    raise SerializationError(
        f"column {actual[position]!r} at position {position}, expected "
        f"{expected[position]!r}: the column order differs from training",
        column=actual[position],
    )


def _numbers(column: pd.Series | np.ndarray, name: str, rows: Sequence) -> np.ndarray:
    """One model column as finite float64 values, or an error naming the bad cell.

    ``rows`` labels the values (the frame's index) for the message.
    """
    if isinstance(column, np.ndarray) and column.dtype.kind in "biuf":
        values = column.astype(np.float64)
    elif isinstance(column, pd.Series) and (
        pd.api.types.is_bool_dtype(column.dtype)
        or pd.api.types.is_numeric_dtype(column.dtype)
    ):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        # Text (or anything else) has no meaning for the model, even "1.5".
        cells = np.asarray(column, dtype=object)
        for row, cell in enumerate(cells):
            if not isinstance(cell, (int, float, np.number)):
                label = _label(rows[row])
                raise SerializationError(
                    f"column {name!r}, row {label!r}: got {cell!r} "
                    f"({type(cell).__name__}), expected a number",
                    column=name,
                    row=label,
                )
        values = cells.astype(np.float64)
    finite = np.isfinite(values)
    if not finite.all():
        row = int(np.argmin(finite))
        label = _label(rows[row])
        raise SerializationError(
            f"column {name!r}, row {label!r}: got {values[row]}, "
            "expected a finite number",
            column=name,
            row=label,
        )
    return values


def _label(row: object) -> object:
    # numpy 2 shows an index label as np.int64(11); the message names the row as 11.
    return row.item() if isinstance(row, np.generic) else row


def to_matrix(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """``frame`` as a C-contiguous float64 matrix with exactly ``columns``, in order.

    Filled column by column: each column is one contiguous read of a pandas
    array, which is several times faster than building the matrix row by row.
    """
    check_columns(frame.columns, columns)
    matrix = np.empty((len(frame), len(columns)), dtype=np.float64, order="C")
    for position, name in enumerate(columns):
        matrix[:, position] = _numbers(frame.iloc[:, position], name, frame.index)
    return matrix


def record_matrix(
    record: Mapping[str, np.ndarray], columns: Sequence[str]
) -> np.ndarray:
    """One record's model columns (length-1 arrays, ``record.py``) as a 1-row matrix.

    The same checks as ``to_matrix``, with the record as row 0.
    """
    check_columns(list(record), columns)
    cells = [record[name] for name in columns]
    if all(cell.dtype.kind in "biuf" for cell in cells):
        # One concatenation and one finiteness check for the whole row; the
        # column-by-column checks below only run to name what is wrong.
        row = np.concatenate(cells, dtype=np.float64).reshape(1, len(columns))
        if np.isfinite(row).all():
            return row
    matrix = np.empty((1, len(columns)), dtype=np.float64, order="C")
    for position, name in enumerate(columns):
        matrix[:, position] = _numbers(record[name], name, (0,))
    return matrix
