"""The contract engine: one record and a frame give the same verdicts."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelplate.runtime.contract import (
    REASONS,
    Violation,
    frame_from_wire,
    from_wire,
    json_schema,
    parse_record,
    summarize,
    validate_frame,
    validate_record,
)
from modelplate.runtime.definition import Contract, Field
from modelplate.runtime.errors import ContractError


def test_a_valid_record_and_frame_pass(contract, record):
    assert validate_record(record, contract) == []
    valid, rejects = validate_frame(pd.DataFrame([record], dtype=object), contract)
    assert len(valid) == 1 and rejects.empty
    assert valid["items"].dtype == "float64"


@pytest.mark.parametrize(
    "field, value, rule",
    [
        ("items", 0, "min"),
        ("items", 101, "max"),
        ("items", "3", "type"),
        ("amount", float("inf"), "type"),
        ("channel", "fax", "category"),
        ("order_id", "O12345", "pattern"),
        ("placed", "2019-12-31", "min"),
        ("placed", "01/05/2024", "type"),
        # Other scripts' digits are no ISO date on either path (full-width 2024).
        ("placed", "\uff12\uff10\uff12\uff14-01-05", "type"),
        ("placed", "2024-01-05\n", "type"),
        ("coupon", 1, "type"),
    ],
)
def test_each_rule_is_named_on_both_paths(contract, record, field, value, rule):
    broken = {**record, field: value}
    assert (field, rule) in {
        (v.field, v.rule) for v in validate_record(broken, contract)
    }
    frame = pd.DataFrame([record, broken], dtype=object)
    valid, rejects = validate_frame(frame, contract)
    assert valid.index.tolist() == [0] and rejects.index.tolist() == [1]
    assert f"{field}: {rule} (" in rejects[REASONS].iloc[0]


def test_missing_null_and_unknown_fields(contract, record):
    broken = {k: v for k, v in record.items() if k != "items"} | {"extra": 1}
    broken["channel"] = None
    found = {(v.field, v.rule) for v in validate_record(broken, contract)}
    assert found == {
        ("items", "missing"),
        ("channel", "null"),
        ("extra", "unknown_field"),
    }


def test_fields_narrow_or_widen_what_is_checked(contract, record):
    without_id = tuple(f for f in contract.fields if f.name != "order_id")
    partial = {k: v for k, v in record.items() if k != "order_id"}
    assert validate_record(partial, contract, without_id) == []
    values, violations = parse_record(record, contract)
    assert violations == [] and values["coupon"] is None


def test_a_record_that_is_not_an_object_is_a_contract_error(contract):
    with pytest.raises(ContractError, match="JSON object"):
        validate_record(["not", "a", "record"], contract)


def test_duplicate_columns_are_a_contract_error(contract, record):
    frame = pd.DataFrame([[1, 2]], columns=["items", "items"])
    with pytest.raises(ContractError, match="duplicate columns: items"):
        validate_frame(frame, contract)


def test_rejects_are_summarized_by_rule(contract, record):
    frame = pd.DataFrame([{**record, "items": 0}, {**record, "items": 0}], dtype=object)
    _, rejects = validate_frame(frame, contract)
    assert summarize(rejects) == {"items: min": 2}


def test_a_missing_field_is_summarized_as_one_rule(contract, record):
    # The reasons of a row are joined by "; ": no message may contain it.
    frame = pd.DataFrame([{**record, "items": 0}], dtype=object).drop(columns="items")
    _, rejects = validate_frame(frame, contract)
    assert summarize(rejects) == {"items: missing": 1}


def test_the_json_schema_carries_the_contract_and_its_hash(contract):
    schema = json.loads(json.dumps(json_schema(contract)))
    assert schema["title"] == "orders"
    assert schema["x-contract-hash"] == contract.hash
    assert schema["additionalProperties"] is False
    assert "ship-to" in schema["properties"] and "Ship To" not in schema["properties"]
    assert schema["properties"]["channel"]["enum"] == ["web", "shop"]
    assert schema["properties"]["coupon"]["type"] == ["boolean", "null"]


def test_producers_names_are_renamed_at_the_edge(contract, record):
    sent = {("ship-to" if k == "Ship To" else k): v for k, v in record.items()}
    assert validate_record(from_wire(sent, contract), contract) == []
    frame = frame_from_wire(pd.DataFrame([sent], dtype=object), contract)
    assert "Ship To" in frame.columns


def test_a_reason_quoting_a_semicolon_is_summarized_as_one_rule(contract, record):
    frame = pd.DataFrame([record, record], dtype=object)
    frame[REASONS] = [None, "row: cells (got 9 cells, expected 7, in 'a; b: c (d')"]
    frame.loc[0, "items"] = 0
    _, rejects = validate_frame(frame, contract)
    assert summarize(rejects) == {"items: min": 1, "row: cells": 1}


def test_rows_the_reader_could_not_read_are_rejected_for_that_alone(contract, record):
    frame = pd.DataFrame([record, record], dtype=object)
    frame[REASONS] = [None, "row: cells (got 9 cells, expected 7, in '...')"]
    strict = replace(contract, unknown_fields="reject")
    valid, rejects = validate_frame(frame, strict)
    assert valid.index.tolist() == [0] and REASONS not in valid.columns
    assert rejects[REASONS].tolist() == [frame[REASONS][1]]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(
        [
            *("2024-05-01", "O0001", "web", "١٢", "2024-02-30", "1e309"),
            # Other scripts' digits and a trailing newline, in dates and times.
            *("２０２４-05-01", "2024-05-01\n", "2024-05-01T10:00", "٢٠٢٤-05-01"),
            "2024-05-01T10:00:00+02:00",
        ]
    ),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
FIELD_NAMES = ["order_id", "items", "amount", "channel", "coupon", "placed", "Ship To"]
HOSTILE = Contract(
    title="orders",
    fields=(
        Field(name="order_id", type="string", pattern="^O[0-9]{4}$", role="id"),
        Field(name="items", type="integer", minimum=1, maximum=100),
        Field(name="amount", type="float", minimum=0.0, maximum=1e6),
        Field(name="channel", type="category", values=("web", "shop")),
        Field(name="coupon", type="boolean", nullable=True),
        Field(name="placed", type="date", minimum="2020-01-01"),
        Field(name="Ship To", type="datetime", nullable=True),
    ),
)
VALID = {
    "order_id": "O0001",
    "items": 5,
    "amount": 10.0,
    "channel": "web",
    "coupon": None,
    "placed": "2024-05-01",
    "Ship To": "2024-05-01T10:00:00Z",
}


# Text that looks like a valid value and is not (or is, but barely), drawn as often
# as all other JSON values together.
LOOKALIKES = st.sampled_from(
    [
        *("２０２４-05-01", "٢٠٢٤-05-01", "2024-05-01\n", " 2024-05-01", "2024-5-1"),
        *("2024-05-01T10:00", "2024-05-01 10:00:00+02:00", "2024-05-01T10:00\n"),
        *("O０００1", "O0001\n", "web ", "WEB", "ｗeb", "1٢", "5", "true", "NaN"),
    ]
)


@settings(max_examples=500, deadline=None)
@given(field=st.sampled_from(FIELD_NAMES), value=LOOKALIKES | JSON)
def test_one_broken_field_is_named_alike_on_both_paths(field, value):
    """A valid record with one field replaced by any JSON value: the HTTP path
    and the batch path take it or refuse it alike, naming the same rules."""
    record = {**VALID, field: value}
    _, violations = parse_record(record, HOSTILE)
    rejects = validate_frame(pd.DataFrame([record], dtype=object), HOSTILE)[1]
    assert rejects.empty == (not violations), (violations, rejects)
    for violation in violations:
        assert f"{violation.field}: {violation.rule} (" in rejects[REASONS].iloc[0]


@settings(max_examples=300, deadline=None)
@given(
    record=st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=5), JSON)
    | JSON,
    strict=st.booleans(),
)
def test_any_json_value_is_a_verdict_or_a_contract_error(record, strict):
    contract = replace(HOSTILE, unknown_fields="reject" if strict else "ignore")
    try:
        values, violations = parse_record(record, contract)
    except ContractError:
        assert not isinstance(record, dict)
        return
    assert all(isinstance(v, Violation) and str(v) for v in violations)
    # One verdict on both paths: a record the HTTP path takes, a batch takes, and
    # a record it refuses, a batch refuses.
    rejects = validate_frame(pd.DataFrame([record], dtype=object), contract)[1]
    assert rejects.empty == (not violations), (violations, rejects)
    if not violations:
        numbers = [values["items"], values["amount"]]
        assert all(math.isfinite(n) for n in numbers)
