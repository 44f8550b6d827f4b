"""`modelplate.infer.columns` (and `kinds`): types, nulls, ranges and categories."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

import modelplate
from modelplate.infer import write_inferred_spec


def test_types_nulls_and_imputation(customer_spec):
    spec, _, _ = customer_spec
    fields = spec.inputs
    assert fields["tenure_months"].type == "integer"
    assert (fields["tenure_months"].min, fields["tenure_months"].max) == (0, 79)
    total = fields["total_charges"]
    assert (total.type, total.nullable, total.impute) == ("float", True, "median")
    assert total.min == 0
    plan = fields["plan"]
    assert (plan.type, plan.nullable, plan.impute) == (
        "category",
        True,
        "most_frequent",
    )
    assert set(plan.values) == {"yes", "no", "on", "1.5", "null-ish"}
    assert fields["signup_date"].type == "date"
    # 10% of the 299-day span before the first date, 2020-01-01 (read back as a time)
    assert fields["signup_date"].min.startswith("2019-12-02")
    assert fields["signup_date"].max is None  # new records carry later dates
    assert fields["last_seen"].type == "datetime"
    comment = fields["comment"]
    assert (comment.type, comment.role, comment.pattern) == ("string", None, None)
    assert fields["paperless"].type == "boolean"
    flag = fields["flag"]
    assert (flag.type, flag.nullable, flag.impute) == ("boolean", True, "most_frequent")


def test_category_values_are_sorted_by_frequency(customer_spec):
    spec, text, _ = customer_spec
    assert spec.inputs["class_"].values == ["bronze", "silver", "gold"]
    assert spec.features["class_"].encode == "one_hot"
    assert spec.features["plan"].encode == "one_hot"
    assert set(spec.features) == {"class_", "plan"}
    # YAML would read yes/no/on as booleans and 1.5 as a number: they are quoted
    assert '"yes"' in text and '"on"' in text and '"1.5"' in text


def test_a_parquet_file_with_timezones_and_dates(tmp_path, inferred):
    n = 60
    frame = pd.DataFrame(
        {
            "seen_at": pd.date_range("2024-03-01", periods=n, freq="h", tz="UTC"),
            "born": [dt.date(1990, 1, 1) + dt.timedelta(days=50 * i) for i in range(n)],
            "score_": np.linspace(0, 1, n),
            "y": np.linspace(10, 20, n) ** 1.5,
        }
    )
    spec, text, _ = inferred(tmp_path, frame, "y", filename="events.parquet")
    assert spec.inputs["seen_at"].type == "datetime"
    # 10% of the 59-hour span earlier, down to the hour; the reader keeps UTC
    assert 'min: "2024-02-29T18:00:00+00:00"' in text
    assert spec.inputs["seen_at"].min == "2024-02-29T18:00:00"
    assert spec.inputs["born"].type == "date"
    assert (spec.model.task, spec.model.target.type) == ("regression", "float")


def test_odd_columns(tmp_path):
    n = 40
    frame = pd.DataFrame(
        {
            "name": [f"Person {i}" for i in range(n)],  # unique, but free text
            "empty": [None] * n,
            "ratio": [float("inf")] + [i / 10 for i in range(1, n)],
            "CustomerID": np.arange(n) * 7,  # the name says id
            "y": np.linspace(0, 1, n) ** 2,
        }
    )
    data = tmp_path / "odd.csv.gz"
    frame.to_csv(data, index=False)
    spec_path = tmp_path / "odd.yaml"
    write_inferred_spec(data, "y", spec_path)
    spec = modelplate.check(spec_path).spec
    text = spec_path.read_text(encoding="utf-8")
    assert spec.name == "odd"
    assert (spec.inputs["name"].type, spec.inputs["name"].role) == ("string", None)
    assert (spec.inputs["empty"].type, spec.inputs["empty"].nullable) == (
        "string",
        True,
    )
    assert spec.inputs["empty"].impute is None
    assert "every value is null" in text
    assert (spec.inputs["ratio"].min, spec.inputs["ratio"].max) == (0, 4.3)
    assert "1 infinite values left out of the range" in text
    assert spec.inputs["CustomerID"].role == "id"
