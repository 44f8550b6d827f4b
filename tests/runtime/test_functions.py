"""The expression language's functions, which compiled features and rules call."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelplate.runtime import functions as F

INDEX = pd.Index([10, 20, 30])


def series(*values: object) -> pd.Series:
    return pd.Series(values, index=INDEX, dtype="float64")


def test_divide_returns_on_zero_where_the_denominator_is_zero_without_warning():
    # filterwarnings = error: a numpy division warning would fail this test.
    result = F.divide(series(1.0, 2.0, 3.0), series(2.0, 0.0, np.nan), on_zero=-1.0)
    assert result.index.equals(INDEX)
    assert result.iloc[:2].tolist() == [0.5, -1.0]
    assert np.isnan(result.iloc[2])


def test_divide_accepts_scalars_in_either_position():
    assert F.divide(6.0, series(2.0, 3.0, 0.0), on_zero=0.0).tolist() == [3.0, 2.0, 0.0]
    assert F.divide(series(2.0, 4.0, 6.0), 2, on_zero=0.0).tolist() == [1.0, 2.0, 3.0]
    assert F.divide(1.0, 0.0, on_zero=7.0) == 7.0


@pytest.mark.parametrize(
    ("function", "inside", "outside"),
    [(F.log1p, 0.0, -1.0), (F.log, 1.0, 0.0), (F.sqrt, 0.0, -1.0)],
)
def test_outside_its_domain_a_function_gives_nan_not_a_warning(
    function, inside, outside
):
    result = function(series(inside, outside, np.nan))
    assert result.iloc[0] == 0.0
    assert np.isnan(result.iloc[1]) and np.isnan(result.iloc[2])


def test_abs_and_clip():
    assert F.abs(series(-2.0, 0.0, 3.5)).tolist() == [2.0, 0.0, 3.5]
    clipped = F.clip(series(-5.0, 5.0, np.nan), 0, 1)
    assert clipped.iloc[:2].tolist() == [0.0, 1.0] and np.isnan(clipped.iloc[2])


def test_minimum_and_maximum_are_element_wise():
    a, b = series(1.0, 5.0, 3.0), series(4.0, 2.0, 3.0)
    assert F.minimum(a, b).tolist() == [1.0, 2.0, 3.0]
    assert F.maximum(a, b, 4.5).tolist() == [4.5, 5.0, 4.5]
    assert F.maximum(a, b).index.equals(INDEX)


def test_days_between_works_with_a_timestamp_in_either_position():
    dates = pd.Series(pd.to_datetime(["2024-01-01", "2024-03-01", None]), index=INDEX)
    as_of = pd.Timestamp("2024-01-31T12:00:00")
    forward = F.days_between(dates, as_of)
    assert forward.iloc[:2].tolist() == [30.5, -29.5]
    assert np.isnan(forward.iloc[2])
    assert F.days_between(as_of, dates).iloc[:2].tolist() == [-30.5, 29.5]
    assert forward.index.equals(INDEX)


def test_is_null_and_coalesce():
    raw = pd.Series([1.0, None, np.nan], index=INDEX)
    assert F.is_null(raw).tolist() == [False, True, True]
    assert F.coalesce(raw, series(9.0, 8.0, np.nan), 0.0).tolist() == [1.0, 8.0, 0.0]
    assert F.is_null(None) and not F.is_null(0.0)


EDGES = [0.0, -0.0, 0.5, 1.0, -1.0, -1.5, 1e-300, 1e300, -1e300]
EDGES += [np.inf, -np.inf, np.nan]
ONE_ARGUMENT = {
    "log1p": F.log1p,
    "log": F.log,
    "sqrt": F.sqrt,
    "abs": F.abs,
    "clip": lambda x: F.clip(x, -2, 3),
}


@pytest.mark.parametrize("value", EDGES)
def test_one_value_gives_what_a_series_gives(value):
    # The one-record path computes one value with Python floats (record.py).
    for name, function in ONE_ARGUMENT.items():
        one = function(np.array([value]))
        assert one.shape == (1,) and one.dtype == np.float64, name
        np.testing.assert_array_equal(one, function(pd.Series([value])), err_msg=name)
    for other in EDGES:
        a, b = series_of(value), series_of(other)
        cases = {  # the same division on one value and on a Series
            "a / b": ((np.array([value]), np.array([other])), (a, b)),
            "a / 2": ((np.array([value]), other), (a, other)),
            "2 / b": ((value, np.array([other])), (value, b)),
        }
        for shape, (one, many) in cases.items():
            np.testing.assert_array_equal(
                F.divide(*one, on_zero=-7.0),
                F.divide(*many, on_zero=-7.0),
                err_msg=f"{shape}: {value}, {other}",
            )


def series_of(value: float) -> pd.Series:
    return pd.Series([value], dtype="float64")
