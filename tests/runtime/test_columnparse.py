"""Columns parsed into their field's type: the parsed values, where each value had
the right type, and where a value was sent at all, for clean and hostile columns."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from modelplate.runtime.columnparse import PARSERS
from modelplate.runtime.definition import Field
from modelplate.runtime.rules import Reasons, check_column, checked_value


def _parse(kind: str, values: list) -> tuple[list, list, list]:
    """(parsed values, None where null or of the wrong type; whether each value
    sent had the right type, None where nothing was sent; where one was)."""
    parsed, typed, present = PARSERS[kind](
        pd.Series(values, dtype=object), Field(name="x", type=kind)
    )
    shown = [None if pd.isna(v) else v for v in parsed.tolist()]
    right = [bool(t) if p else None for t, p in zip(typed, present, strict=True)]
    return shown, right, present.tolist()


def test_numbers_refuse_booleans_text_infinities_and_huge_integers():
    values, typed, present = _parse(
        "float", [1, 2.5, True, "3", float("inf"), 10**400, None]
    )
    assert values == [1.0, 2.5, None, None, None, None, None]
    assert typed == [True, True, False, False, False, False, None]
    assert present == [True] * 6 + [False]


def test_integers_refuse_fractions_and_a_clean_column_is_one_cast():
    assert _parse("integer", [1, 2.0, 2.5]) == (
        [1.0, 2.0, None],
        [True, True, False],
        [True, True, True],
    )
    clean = pd.Series(np.arange(5), dtype="int64")
    parsed, typed, present = PARSERS["integer"](clean, Field(name="x", type="integer"))
    assert parsed.tolist() == [0, 1, 2, 3, 4] and typed.all() and present.all()


def test_booleans_are_only_true_and_false():
    assert _parse("boolean", [True, False, 1, "true", None]) == (
        [True, False, None, None, None],
        [True, True, False, False, None],
        [True, True, True, True, False],
    )


def test_text_refuses_numbers_and_keeps_strings_as_sent():
    assert _parse("string", ["a", "", 5, None]) == (
        ["a", "", None, None],
        [True, True, False, None],
        [True, True, True, False],
    )


@pytest.mark.parametrize(
    "text, ok",
    [
        ("2024-02-29", True),
        ("2023-02-29", False),  # well-shaped, impossible
        ("2024-1-01", False),
        ("２０２４-01-01", False),  # full-width digits: not the ISO shape
        ("2024-01-01\n", False),
    ],
)
def test_dates_are_iso_shaped_and_possible(text, ok):
    values, typed, present = _parse("date", [text])
    assert typed == [ok] and present == [True]
    assert (values[0] is not None) == ok


def test_date_objects_and_aware_datetimes_are_read_as_their_iso_text():
    values, typed, _ = _parse("date", [dt.date(2024, 5, 1)])
    assert typed == [True] and values == [pd.Timestamp("2024-05-01")]
    values, typed, _ = _parse("datetime", ["2024-05-01T12:00:00+02:00", "2024-05-01"])
    assert typed == [True, False]
    assert values[0] == pd.Timestamp("2024-05-01T10:00:00")  # naive UTC


@pytest.mark.parametrize(
    "dtype",
    [
        "category",  # a Parquet dictionary column, as pandas reads it
        pd.ArrowDtype(pa.string()),
        pd.ArrowDtype(pa.large_string()),
        "string[python]",
    ],
)
def test_text_in_any_pandas_dtype_is_checked_as_its_values(dtype):
    reasons = Reasons(3)
    field = Field(name="c", type="category", values=("web", "shop"), nullable=True)
    column = pd.Series(["web", "fax", None], dtype=dtype)
    parsed = check_column(field, column, reasons)
    assert reasons.bad.tolist() == [False, True, False]
    assert "c: category (got 'fax'" in reasons.text[1]
    assert parsed[0] == "web"


def test_arrow_dates_and_categorical_numbers_are_their_values():
    reasons = Reasons(2)
    dates = pd.Series([dt.date(2024, 5, 1), None], dtype=pd.ArrowDtype(pa.date32()))
    parsed = check_column(Field(name="d", type="date", nullable=True), dates, reasons)
    assert not reasons.bad.any() and parsed[0] == pd.Timestamp("2024-05-01")
    numbers = pd.Series([1, 2], dtype="category")
    parsed = check_column(Field(name="n", type="integer"), numbers, Reasons(2))
    assert parsed.tolist() == [1.0, 2.0]


def test_a_complex_column_is_no_number():
    """1+5j is refused over HTTP; a complex column must not pass as its real part."""
    parsed, typed, _ = PARSERS["float"](
        pd.Series([1 + 5j, 2 + 0j]), Field(name="x", type="float")
    )
    assert typed.tolist() == [False, False] and parsed.isna().all()


def test_arrow_decimals_dictionaries_and_time_categories_are_judged_as_values():
    """A warehouse's NUMERIC (an Arrow decimal, with a null) is no JSON number:
    refused row by row, as over HTTP, never a crash; an Arrow dictionary of text
    is its text; a category of datetimes is read as the datetimes."""
    decimals = pd.Series(
        [decimal.Decimal("1.5"), None], dtype=pd.ArrowDtype(pa.decimal128(5, 2))
    )
    reasons = Reasons(2)
    check_column(Field(name="p", type="float", nullable=True), decimals, reasons)
    assert reasons.bad.tolist() == [True, False]
    assert "p: type (got Decimal('1.50')" in reasons.text[0]
    words = pd.Series(
        pa.array(["web", "fax"]).dictionary_encode(),
        dtype=pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string())),
    )
    reasons = Reasons(2)
    field = Field(name="c", type="category", values=("web", "shop"))
    check_column(field, words, reasons)
    assert reasons.bad.tolist() == [False, True]
    times = pd.Series(pd.to_datetime(["2024-05-01", "2024-05-02"])).astype("category")
    reasons = Reasons(2)
    parsed = check_column(Field(name="d", type="date"), times, reasons)
    assert not reasons.bad.any() and parsed[1] == pd.Timestamp("2024-05-02")


def test_a_timestamp_is_a_date_only_at_midnight_on_both_paths():
    """pandas keeps dates as timestamps (a Parquet date column, say): one at
    midnight is a date; one with a time of day is no date, in a batch as over
    HTTP ('2024-05-01T10:30' is refused there)."""
    field = Field(name="d", type="date", nullable=True)
    stamps = [pd.Timestamp("2024-05-01"), pd.Timestamp("2024-05-01 10:30"), pd.NaT]
    reasons = Reasons(3)
    parsed = check_column(field, pd.Series(stamps), reasons)
    assert reasons.bad.tolist() == [False, True, False]
    assert "d: type (got '2024-05-01T10:30:00'" in reasons.text[1]
    assert parsed[0] == stamps[0] and pd.isna(parsed[1])
    assert checked_value(field, stamps[0]) == (stamps[0], [])
    assert checked_value(field, stamps[1])[1][0][0] == "type"
    aware = pd.Series(stamps[:2]).dt.tz_localize("UTC")  # midnight UTC is a date
    reasons = Reasons(2)
    check_column(field, aware, reasons)
    assert reasons.bad.tolist() == [False, True]
