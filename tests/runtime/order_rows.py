"""Rows that the shared ``contract`` fixture (conftest.py) accepts, for batch tests."""

from __future__ import annotations


def order_rows(count: int, **fixed: object) -> list[dict]:
    """``count`` valid orders whose items, amounts and channels vary by row; ``fixed``
    sets a column to one value for every row (``coupon=None``, say)."""
    return [
        {
            "order_id": f"O{n:04d}",
            "items": 1 + n * 7 % 90,
            "amount": 5.0 + n * 13 % 400,
            "channel": ("web", "shop")[n % 2],
            "coupon": bool(n % 3),
            "placed": "2024-05-01",
            "Ship To": "Lyon",
            **fixed,
        }
        for n in range(count)
    ]
