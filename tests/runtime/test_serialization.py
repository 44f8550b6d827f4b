"""The matrix guard: only finite numbers, in the trained column order, reach a model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelplate.runtime.errors import SerializationError
from modelplate.runtime.serialization import check_columns, record_matrix, to_matrix

COLUMNS = ("a", "b", "c")


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": [1.0, 2.0],
            "b": pd.array([True, False], dtype="boolean"),
            "c": [3.0, 4.0],
        },
        index=[10, 11],
    )


def test_a_numeric_frame_becomes_a_c_contiguous_float_matrix(frame):
    matrix = to_matrix(frame, COLUMNS)
    assert matrix.dtype == np.float64 and matrix.flags.c_contiguous
    assert matrix.tolist() == [[1.0, 1.0, 3.0], [2.0, 0.0, 4.0]]


def test_text_is_refused_even_when_it_looks_like_a_number(frame):
    frame = frame.astype({"a": object})
    frame.loc[11, "a"] = "1.5"
    with pytest.raises(SerializationError, match=r"column 'a', row 11") as error:
        to_matrix(frame, COLUMNS)
    assert (error.value.column, error.value.row) == ("a", 11)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_nan_and_infinity_are_refused_on_both_paths(frame, value):
    frame.loc[10, "c"] = value
    with pytest.raises(SerializationError, match=r"column 'c', row 10"):
        to_matrix(frame, COLUMNS)
    record = {"a": np.array([1.0]), "b": np.array([1.0]), "c": np.array([value])}
    with pytest.raises(SerializationError, match=r"column 'c', row 0"):
        record_matrix(record, COLUMNS)


@pytest.mark.parametrize(
    "columns, message",
    [
        (("a", "b"), "unexpected column 'c'"),
        (("a", "b", "c", "d"), "missing column 'd'"),
        (("b", "a", "c"), "column order differs from training"),
    ],
)
def test_other_columns_are_refused_by_name(columns, message):
    with pytest.raises(SerializationError, match=message):
        check_columns(COLUMNS, columns)


def test_one_record_gives_the_row_the_frame_gives(frame):
    record = {name: frame[name].to_numpy(dtype=np.float64)[:1] for name in COLUMNS}
    assert record_matrix(record, COLUMNS).tolist() == [
        to_matrix(frame, COLUMNS)[0].tolist()
    ]
