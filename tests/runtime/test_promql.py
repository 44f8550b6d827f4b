"""PromQL written from data: thresholds in full, selectors with their matchers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelplate.runtime.promql import Level, Quantile, Ratio, Selector, number


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_number_reads_back_as_itself(value):
    assert float(number(value)) == value


@pytest.mark.parametrize(
    "value, text",
    [(0.05, "0.05"), (50.0, "50"), (1e-07, "1e-07"), (0.123456789, "0.123456789")],
)
def test_numbers_are_short_and_never_rounded(value, text):
    assert number(value) == text


def test_expressions_carry_their_selectors_and_thresholds():
    errors = Selector("s_requests_total", (("status", "=~", "5.."),))
    every = Selector(
        "s_requests_total", (("rule", "!~", "a|b"), ("endpoint", "=", "/p"))
    )
    assert Ratio(errors, every, 0.01).promql() == (
        'sum(rate(s_requests_total{status=~"5.."}[5m])) / '
        'sum(rate(s_requests_total{rule!~"a|b",endpoint="/p"}[5m])) > 0.01'
    )
    buckets = Selector("s_latency_bucket")
    assert Quantile(buckets, 0.99, 0.05).promql() == (
        "histogram_quantile(0.99, sum by (le) (rate(s_latency_bucket[5m]))) > 0.05"
    )
    assert Level(Selector("s_ready"), "==", 0).promql() == "s_ready == 0"
