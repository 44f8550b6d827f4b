"""Interval arithmetic: unit tests and a soundness property."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from modelplate.intervals import BOOL, INF, Interval, interval_max, interval_min


def ends(interval: Interval) -> tuple[float, float]:
    return interval.low, interval.high


# -- unit tests ------------------------------------------------------------------------
def test_point_and_integrality():
    assert Interval.point(3) == Interval(3.0, 3.0, True)
    assert not Interval.point(0.5).integral
    assert BOOL == Interval(0, 1, True)
    assert Interval().bounded is False
    assert Interval(0, 1).bounded


def test_add_and_sub():
    a, b = Interval(1, 2, True), Interval(-3, 5, True)
    assert a + b == Interval(-2, 7, True)
    assert a - b == Interval(-4, 5, True)
    assert (a + Interval(0, 0.5)).integral is False
    assert ends(Interval(0, INF) + Interval(1, 2)) == (1, INF)
    assert ends(Interval(0, INF) - Interval(0, INF)) == (-INF, INF)
    assert -Interval(1, 2) == Interval(-2, -1)


def test_mul_with_infinities():
    # 0 * inf counts as 0: an end at zero does not widen the product.
    assert ends(Interval(0, 2) * Interval(0, INF)) == (0, INF)
    assert ends(Interval(-1, 2) * Interval(0, INF)) == (-INF, INF)
    assert ends(Interval(0, 0) * Interval()) == (0, 0)
    assert ends(Interval(2, 3) * Interval(-4, 5)) == (-12, 15)
    assert ends(Interval(-INF, -1) * Interval(-INF, -1)) == (1, INF)


@pytest.mark.parametrize(
    ("interval", "parts"),
    [
        (Interval(0, 600, True), [Interval(1, 600, True)]),
        (Interval(-5, 5, True), [Interval(-5, -1, True), Interval(1, 5, True)]),
        (Interval(-5, 0, True), [Interval(-5, -1, True)]),
        (Interval(0, 600), [Interval(0, 600)]),
        (Interval(-5, 5), [Interval(-5, 0), Interval(0, 5)]),
        (Interval(2, 3), [Interval(2, 3)]),
        (Interval(0, 0, True), []),
    ],
)
def test_without_zero(interval, parts):
    assert [ends(p) for p in interval.without_zero()] == [ends(p) for p in parts]
    assert [p.integral for p in interval.without_zero()] == [p.integral for p in parts]


def test_divided_by_guarded_integer_is_bounded():
    numerator = Interval(0, 1e6)
    assert ends(numerator.divided_by(Interval(0, 600, True))) == (0, 1e6)


def test_divided_by_real_near_zero_is_unbounded():
    numerator = Interval(0, 1e6)
    assert ends(numerator.divided_by(Interval(0, 600))) == (0, INF)
    assert ends(Interval(-1, 1).divided_by(Interval(0, 600))) == (-INF, INF)
    assert ends(Interval(1, 2).divided_by(Interval(-600, 0))) == (-INF, -1 / 600)
    assert ends(Interval(0, 0).divided_by(Interval(0, 600))) == (0, 0)


def test_divided_by_only_zero_is_none():
    assert Interval(1, 2).divided_by(Interval(0, 0, True)) is None


def test_divided_by_unbounded_denominator():
    assert ends(Interval(1, 1).divided_by(Interval(1, INF))) == (0, 1)


def test_abs_power_monotone_describe():
    assert Interval(-3, 2, True).abs() == Interval(0, 3, True)
    assert Interval(-3, -2).abs() == Interval(2, 3)
    assert ends(Interval(-3, 2).power(2)) == (0, 9)
    assert ends(Interval(-3, 2).power(3)) == (-27, 8)
    assert Interval(-3, 2).power(0) == Interval.point(1)
    assert ends(Interval(0, 9).monotone(math.sqrt)) == (0, 3)
    assert Interval(0, 1e6).describe() == "[0, 1000000]"
    assert Interval(0, 1 / 3).describe() == "[0, 0.333333]"
    assert Interval().describe() == "[-inf, inf]"


def test_min_max_union_within():
    parts = [Interval(0, 5, True), Interval(2, 3, True)]
    assert interval_min(parts) == Interval(0, 3, True)
    assert interval_max(parts) == Interval(2, 5, True)
    assert Interval(0, 1).union(Interval(5, 6)) == Interval(0, 6)
    assert Interval(0, 1).within(0, 1)
    assert not Interval(0, 1.5).within(0, 1)
    assert Interval(0, 1).contains(0) and not Interval(0.1, 1).contains(0)


def test_power_overflows_to_infinity():
    assert Interval(0, 1e100).power(4).high == INF


# -- soundness: a point computed from points inside stays inside the result ----------------
FINITE = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
WHOLE = st.integers(-1000, 1000).map(float)


@st.composite
def interval_and_point(draw, integral: bool | None = None):
    if integral is None:
        integral = draw(st.booleans())
    ends_ = WHOLE if integral else FINITE
    low, high = sorted((draw(ends_), draw(ends_)))
    if not integral and draw(st.booleans()):
        low = -INF if draw(st.booleans()) else low
        high = INF if draw(st.booleans()) else high
    if integral:
        point = float(draw(st.integers(int(low), int(high))))
    else:
        finite_low = max(low, -1e12)
        finite_high = min(high, 1e12)
        point = draw(st.floats(finite_low, finite_high))
    return Interval(low, high, integral), point


def inside(value: float, interval: Interval) -> bool:
    slack = 1e-9 * max(1.0, abs(value))
    return interval.low - slack <= value <= interval.high + slack


SOUND = settings(max_examples=300)


@SOUND
@given(interval_and_point(), interval_and_point())
def test_arithmetic_is_sound(a, b):
    (x, p), (y, q) = a, b
    assert inside(p + q, x + y)
    assert inside(p - q, x - y)
    assert inside(p * q, x * y)
    assert inside(-p, -x)
    assert inside(abs(p), x.abs())
    assert inside(min(p, q), interval_min([x, y]))
    assert inside(max(p, q), interval_max([x, y]))
    assert inside(p, x.union(y))


@SOUND
@given(interval_and_point(), interval_and_point(), st.integers(0, 4))
def test_division_and_power_are_sound(a, b, exponent):
    (x, p), (y, q) = a, b
    assume(q != 0)
    quotient = x.divided_by(y)
    assert quotient is not None
    assert inside(p / q, quotient), (x, p, y, q, quotient)
    assert inside(p**exponent, x.power(exponent))


@SOUND
@given(interval_and_point(), interval_and_point())
def test_integral_results_hold_whole_numbers(a, b):
    (x, p), (y, q) = a, b
    for result, value in ((x + y, p + q), (x - y, p - q), (x * y, p * q)):
        if result.integral:
            assert float(value).is_integer()
