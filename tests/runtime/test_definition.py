"""The service definition: derived facts come from the stated ones, never a copy."""

from __future__ import annotations

import dataclasses

from modelplate.runtime.definition import Contract, Decisions, Field, Rule


def test_the_contract_hash_follows_what_the_contract_accepts(contract):
    assert len(contract.hash) == 64
    same = Contract(title="renamed", fields=contract.fields)
    assert same.hash == contract.hash  # the title is not part of what is accepted
    wider = dataclasses.replace(contract.fields[1], maximum=101)
    changed = Contract(
        contract.title, (contract.fields[0], wider, *contract.fields[2:])
    )
    assert changed.hash != contract.hash


def test_documentation_changes_keep_the_hash(contract):
    described = tuple(
        dataclasses.replace(f, unit="USD", producer="erp") for f in contract.fields
    )
    assert Contract(contract.title, described).hash == contract.hash


def test_an_integer_bound_and_its_float_hash_alike():
    as_int = Contract("t", (Field(name="n", type="float", minimum=0, maximum=1),))
    as_float = Contract("t", (Field(name="n", type="float", minimum=0.0, maximum=1.0),))
    assert as_int.hash == as_float.hash


def test_unknown_field_policy_is_part_of_the_hash(contract):
    ignoring = Contract(contract.title, contract.fields, unknown_fields="ignore")
    assert ignoring.hash != contract.hash


def test_wire_names_and_id_field(contract):
    assert contract.wire_names == {"ship-to": "Ship To"}
    assert contract.id_field == "order_id"
    assert contract.by_name["items"].maximum == 100


def test_a_rule_text_is_its_condition_docstring():
    def high(inputs, features, outputs):
        "score >= 0.8"
        return outputs["score"] >= 0.8

    decisions = Decisions(
        output="action", rules=(Rule(high, "call"), Rule(high, "mail")), default="none"
    )
    assert decisions.rules[0].text == "score >= 0.8"
    assert decisions.actions == ("call", "mail", "none")
