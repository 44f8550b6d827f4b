"""When a precomputed value may be served: fresh times and finite numbers only."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from modelplate.runtime.freshness import computed_time, finite, staleness

NOW = datetime(2024, 6, 1, 12)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    "stored, expected",
    [
        ("2024-06-01T10:00:00", datetime(2024, 6, 1, 10)),
        ("2024-06-01T12:00:00+02:00", datetime(2024, 6, 1, 10)),
        ("2024-06-01T10:00:00.123456789", datetime(2024, 6, 1, 10, 0, 0, 123456)),
        ("0001-01-01T00:00:00+01:00", datetime.min),
        ("", None),
        ("  ", None),
        ("NaT", None),
        ("yesterday", None),
        (None, None),
        (1717236000, None),
    ],
)
def test_a_stored_time_is_read_as_naive_utc_or_not_at_all(stored, expected):
    assert computed_time(stored) == expected


@pytest.mark.parametrize(
    "stored, reason",
    [
        ("2024-06-01T11:59:59", None),
        ("2024-05-31T12:00:00", None),
        ("2024-05-31T11:59:59", "older than max_age"),
        ("2024-06-01T12:00:01", "in the future"),
        ("", "is not an ISO 8601 time"),
        ("x" * 500, "(502 characters)"),
    ],
)
def test_only_a_readable_past_time_within_max_age_is_fresh(stored, reason):
    found = staleness(stored, NOW, DAY)
    assert found is None if reason is None else reason in found


@pytest.mark.parametrize(
    "value, expected",
    [(1.5, True), (0, True), (True, True), (None, False), ("1.5", False)]
    + [(float("nan"), False), (float("inf"), False), (b"1", False)],
)
def test_only_finite_numbers_are_served(value, expected):
    assert finite(value) is expected
