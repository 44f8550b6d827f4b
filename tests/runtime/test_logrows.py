"""The prediction log's rows: one per record, its fields as JSON, one schema."""

from __future__ import annotations

import json
from functools import partial

import pytest
from log_entries import TO_TABLE, batch, one

from modelplate.runtime.logrows import COLUMNS, Entry, entries_to_table


def test_every_record_of_a_request_is_one_row_with_its_json():
    table = TO_TABLE([batch(rows=3), one()])
    assert table.schema == COLUMNS
    frame = table.to_pandas()
    assert frame["request_id"].tolist() == ["r1", "r1", "r1", "r2"]
    assert frame["index"].tolist() == [0, 1, 2, 0]
    assert frame["entity"].tolist() == ["O0000", "O0001", "O0002", "O0009"]
    assert frame["output"].tolist() == pytest.approx([0.0, 0.1, 0.2, 0.75])
    assert frame["decision"].tolist() == ["ship", "ship", "ship", "check"]
    first = json.loads(frame["inputs"][0])
    # Times as ISO text, missing values as null: JSON never holds NaN.
    assert first == {
        "order_id": "O0000",
        "items": 0,
        "placed": "2024-05-01T00:00:00",
        "coupon": None,
    }
    assert json.loads(frame["features"][0]) == {"items": 0.0, "ratio": None}
    assert json.loads(frame["features"][3]) == {"items": 4.0, "ratio": None}
    assert json.loads(frame["result"][3])["score"] == pytest.approx(0.75)


def test_a_multiclass_label_is_no_output_number():
    entry = one()
    labelled = Entry(**{**entry.__dict__, "results": [{"prediction": "gold"}]})
    frame = partial(
        entries_to_table, id_field=None, output="prediction", decision=None
    )([labelled]).to_pandas()
    assert frame["output"].isna().all() and frame["entity"].isna().all()
    assert json.loads(frame["result"][0]) == {"prediction": "gold"}
