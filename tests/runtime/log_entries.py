"""Requests' answers as the prediction log receives them, for its tests."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from modelplate.runtime.logrows import Entry, entries_to_table

AT = pd.Timestamp("2024-06-01 12:00:00")
TO_TABLE = partial(
    entries_to_table, id_field="order_id", output="score", decision="action"
)


def batch(request_id: str = "r1", rows: int = 3, role: str = "champion") -> Entry:
    inputs = pd.DataFrame(
        {
            "order_id": [f"O{n:04d}" for n in range(rows)],
            "items": np.arange(rows),
            "placed": pd.to_datetime(["2024-05-01"] * rows),
            "coupon": [None] * rows,
        }
    )
    features = pd.DataFrame({"items": np.arange(rows, dtype=float), "ratio": np.nan})
    results = [
        {"order_id": f"O{n:04d}", "score": 0.1 * n, "action": "ship"}
        for n in range(rows)
    ]
    return Entry(request_id, AT, AT, role, "v1", "hash", inputs, features, results, 2.5)


def one(request_id: str = "r2") -> Entry:
    inputs = {"order_id": np.array(["O0009"]), "items": np.array([4])}
    features = {"items": np.array([4.0]), "ratio": np.array([np.inf])}
    results = [{"order_id": "O0009", "score": np.float32(0.75), "action": "check"}]
    return Entry(
        request_id, AT, AT, "champion", "v1", "hash", inputs, features, results
    )
