"""The OpenAPI schemas: built from the contract, the task, decisions and precompute."""

from __future__ import annotations

import pytest

from modelplate.runtime.contract import json_schema, validate_record
from modelplate.runtime.definition import Decisions, Precompute, Rule
from modelplate.runtime.openapi import NOT_READY, OpenApi


def large(inputs, features, outputs):
    "items > 50"
    return inputs["items"] > 50


def _api(contract, record, **settings) -> OpenApi:
    return OpenApi(contract, contract.fields, record, **settings)


def test_a_request_body_is_the_contract_with_the_example(contract, record):
    body = _api(contract, record, task="regression").record_body()
    content = body["content"]["application/json"]
    assert validate_record(content["example"], contract) == []
    expected = {k: v for k, v in json_schema(contract).items() if k != "$schema"}
    assert content["schema"] == {**expected, "examples": [record]}


def test_a_batch_body_is_limited_and_holds_only_records(contract, record):
    body = _api(contract, record, task="regression").batch_body(7)
    schema = body["content"]["application/json"]["schema"]
    assert schema["properties"]["records"]["maxItems"] == 7
    assert schema["required"] == ["records"]
    assert schema["additionalProperties"] is False


def test_a_request_carries_only_the_request_fields(contract, record):
    fields = tuple(f for f in contract.fields if f.name != "coupon")
    sent = {k: v for k, v in record.items() if k != "coupon"}
    api = OpenApi(contract, fields, sent, task="regression")
    schema = api.record_body()["content"]["application/json"]["schema"]
    assert "coupon" not in schema["properties"] and "coupon" not in schema["required"]


@pytest.mark.parametrize(
    ("task", "outputs"),
    [
        ("binary_classification", ["order_id", "score"]),
        ("multiclass_classification", ["order_id", "prediction", "probabilities"]),
        ("regression", ["order_id", "prediction"]),
    ],
)
def test_a_result_has_the_id_and_the_task_s_outputs(contract, record, task, outputs):
    schema = _api(contract, record, task=task).result_schema()
    assert list(schema["properties"]) == schema["required"] == outputs
    assert schema["properties"]["order_id"]["pattern"] == "^(?:^O[0-9]{4}$)$"


def test_a_result_with_rules_carries_each_possible_decision(contract, record):
    rules = (Rule(large, "check"), Rule(large, "ship"))
    decisions = Decisions(output="action", rules=rules, default="ship")
    api = _api(contract, record, task="regression", decisions=decisions)
    action = api.result_schema()["properties"]["action"]
    assert action == {"type": "string", "enum": ["check", "ship"]}


def test_precomputed_features_add_404_and_409(contract, record):
    plain = _api(contract, record, task="regression").error_responses()
    assert sorted(plain) == ["413", "415", "422", "503"]
    assert plain["503"] == NOT_READY
    precompute = Precompute(
        entity="order_id",
        features=("per_item",),
        max_age="24h",
        max_age_seconds=86400.0,
        store="features.sqlite",
    )
    api = _api(contract, record, task="regression", precompute=precompute)
    responses = api.predict_responses()
    assert sorted(responses) == ["200", "404", "409", "413", "415", "422", "503"]
    assert "order_id" in responses["404"]["description"]
    assert "24h" in responses["409"]["description"]
