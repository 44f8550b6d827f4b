"""`modelplate.infer.ranges`: observed ranges widened and rounded outwards."""

from __future__ import annotations

import pytest

from modelplate.infer.ranges import widen


@pytest.mark.parametrize(
    ("low", "high", "whole", "expected"),
    [
        (4.3, 7.9, False, (3.9, 8.3)),
        (0, 72, True, (0, 80)),
        (-50, 49, True, (-60, 59)),
        (5, 5, True, (4, 6)),
        (0.0, 0.0, False, (0, 0.1)),
        (1000, 1000, True, (900, 1100)),
        (0.001, 0.002, False, (0.0009, 0.0021)),
    ],
)
def test_widen(low, high, whole, expected):
    assert widen(low, high, whole) == expected
