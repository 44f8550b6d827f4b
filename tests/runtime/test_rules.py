"""A pattern matches the whole value, in linear time, the same for a record and a batch."""

from __future__ import annotations

import pandas as pd
import pytest

from modelplate.runtime.definition import Field
from modelplate.runtime.rules import Reasons, check_column, check_value

ID = Field(name="customer_id", type="string", pattern="^C[0-9]{6}$")


def _batch_breaks(field: Field, values: list[str]) -> list[bool]:
    reasons = Reasons(len(values))
    check_column(field, pd.Series(values, dtype=object), reasons)
    return [": pattern (" in text for text in reasons.text]


def _record_breaks(field: Field, values: list[str]) -> list[bool]:
    return [("pattern" in {rule for rule, _ in check_value(field, v)}) for v in values]


@pytest.mark.parametrize(
    ("field", "value", "matches"),
    [
        (ID, "C123456", True),
        (ID, "C123456\n", False),  # `$` before a final newline, in Python's re
        (ID, "xC123456", False),
        (Field(name="code", type="string", pattern="[0-9]{2}"), "a12b", False),
        (Field(name="code", type="string", pattern="[0-9]{2}"), "12", True),
        (Field(name="code", type="string", pattern=r"\d+"), "\u0663", False),  # ASCII
        (Field(name="code", type="string", pattern="a|b"), "ab", False),
        (Field(name="code", type="string", pattern=".*"), "\ud800", False),  # no UTF-8
    ],
)
def test_a_pattern_matches_the_whole_value_on_both_paths(field, value, matches):
    assert _record_breaks(field, [value]) == [not matches]
    assert _batch_breaks(field, [value]) == [not matches]
    # A large batch goes through Arrow's engine, a small one through google-re2's.
    assert _batch_breaks(field, [value] * 100) == [not matches] * 100


def test_a_pattern_that_backtracks_catastrophically_runs_in_linear_time():
    """Python's re takes minutes on this value; the event loop would stall on it."""
    field = Field(name="code", type="string", pattern="^(a+)+$")
    value = "a" * 40 + "b"
    assert _record_breaks(field, [value, "aaaa"]) == [True, False]
    assert _batch_breaks(field, [value, "aaaa"]) == [True, False]
    assert _batch_breaks(field, [value, "aaaa"] * 50) == [True, False] * 50
