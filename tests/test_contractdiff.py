"""`modelplate.contractdiff`: every class of change, judged on real spec pairs."""

from __future__ import annotations

import pytest

import modelplate
from modelplate.contractdiff import (
    BREAKING,
    COMPATIBLE,
    MODEL,
    Trained,
    diff_specs,
    model_inputs,
    verdict,
)

BASE = """\
spec_version: 1
name: loans
owner: risk@example.com
inputs:
  fields:
    loan_id: {type: string, role: id, pattern: "^L[0-9]{4}$", producer: core}
    income: {type: float, min: 0, max: 500000, producer: hr}
    age: {type: integer, min: 18, max: 99, producer: crm}
    region: {type: category, values: [north, south], producer: crm}
    opened: {type: date, min: 2000-01-01, producer: core}
    note: {type: string, nullable: true, producer: crm}
features:
  income_per_year_of_age:
    expr: income / age
    range: [0, 60000]
  region:
    encode: one_hot
model:
  task: binary_classification
  target: {name: defaulted, type: boolean}
decisions:
  output: action
  rules:
    - when: score >= 0.5
      then: review
  default: approve
"""


def checked(tmp_path, text, name="spec.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return modelplate.check(path)


def changes_of(tmp_path, old, new, trained=None):
    return diff_specs(
        checked(tmp_path, old, "old.yaml"), checked(tmp_path, new, "new.yaml"), trained
    )


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def test_an_unchanged_spec_has_no_changes(tmp_path):
    assert changes_of(tmp_path, BASE, BASE) == []
    assert verdict([]) == COMPATIBLE


def test_moving_lines_is_not_a_change(tmp_path):
    moved = BASE.replace("spec_version: 1\n", "spec_version: 1\n\n# a comment\n\n")
    assert changes_of(tmp_path, BASE, moved) == []


CASES = [
    # (edit of BASE, kind, key, words of the reason)
    (
        ("max: 500000", "max: 400000"),
        BREAKING,
        "inputs.fields.income.max",
        "range narrowed",
    ),
    (("min: 18", "min: 21"), BREAKING, "inputs.fields.age.min", "range narrowed"),
    (
        (
            "opened: {type: date, min: 2000-01-01",
            "opened: {type: date, min: 2010-01-01",
        ),
        BREAKING,
        "inputs.fields.opened.min",
        "range narrowed",
    ),
    (
        ("values: [north, south]", "values: [north]"),
        BREAKING,
        "inputs.fields.region.values",
        "categories removed: south",
    ),
    (
        ("values: [north, south]", "values: [north, south, east]"),
        MODEL,
        "inputs.fields.region.values",
        "never saw",
    ),
    (
        ("max: 500000", "max: 900000"),
        MODEL,
        "inputs.fields.income.max",
        "beyond the old declared range",
    ),
    (
        ('pattern: "^L[0-9]{4}$"', 'pattern: "^L[0-9]{5}$"'),
        BREAKING,
        "inputs.fields.loan_id.pattern",
        "old pattern",
    ),
    (
        ("age: {type: integer", "age: {type: float"),
        BREAKING,
        "inputs.fields.age.type",
        "type changed",
    ),
    (
        ("note: {type: string, nullable: true", "note: {type: string, nullable: false"),
        BREAKING,
        "inputs.fields.note.nullable",
        "nulls are now rejected",
    ),
    (
        (
            "age: {type: integer, min: 18, max: 99",
            "age: {type: integer, nullable: true, impute: median, min: 18, max: 99",
        ),
        MODEL,
        "inputs.fields.age.nullable",
        "never saw one",
    ),
    (
        ("    note:", "    score_band: {type: integer, min: 0, max: 9}\n    note:"),
        BREAKING,
        "inputs.fields.score_band",
        "new field: records without it are rejected",
    ),
    (
        ("    note:", "    channel: {type: string, nullable: true}\n    note:"),
        BREAKING,
        "inputs.fields.channel",
        "a nullable field is sent as null",
    ),
    (
        ("    note: {type: string, nullable: true, producer: crm}\n", ""),
        BREAKING,
        "inputs.fields.note",
        "field removed",
    ),
    (
        (
            "    note: {type: string, nullable: true, producer: crm}",
            "    remark: {type: string, nullable: true, producer: crm}",
        ),
        BREAKING,
        "inputs.fields.remark",
        "renamed from 'note'",
    ),
    (
        ("income: {type: float,", "income: {type: float, wire_name: Income,"),
        BREAKING,
        "inputs.fields.income.wire_name",
        "old name",
    ),
    (
        ("expr: income / age", "expr: income / (age + 1)"),
        MODEL,
        "features.income_per_year_of_age.expr",
        "computed differently",
    ),
    (
        ("then: review", "then: escalate"),
        BREAKING,
        "decisions",
        "escalate",
    ),
    (
        ("output: action", "output: next_step"),
        BREAKING,
        "decisions.output",
        "renamed",
    ),
    (
        ("when: score >= 0.5", "when: score >= 0.6"),
        COMPATIBLE,
        "decisions.rules",
        "another action",
    ),
    (
        ("producer: hr}", "producer: payroll}"),
        COMPATIBLE,
        "inputs.fields.income.producer",
        "producer changed",
    ),
    (
        (
            "  task: binary_classification\n",
            "  task: binary_classification\n  algorithm: logistic_regression\n",
        ),
        MODEL,
        "model.algorithm",
        "retrained",
    ),
]


@pytest.mark.parametrize("change, kind, key, why", CASES, ids=[c[2] for c in CASES])
def test_each_change_is_classified(tmp_path, change, kind, key, why):
    found = changes_of(tmp_path, BASE, edit(*change))
    matching = [c for c in found if c.path == key]
    assert matching, [c.path for c in found]
    assert matching[0].kind == kind
    assert why in matching[0].why
    assert matching[0].line > 0
    assert verdict(found) == max(
        (c.kind for c in found), key=[COMPATIBLE, MODEL, BREAKING].index
    )


def test_a_changed_field_names_its_producer(tmp_path):
    [change] = changes_of(tmp_path, BASE, edit("max: 500000", "max: 400000"))
    assert change.producer == "hr"
    assert (change.old, change.new) == (500000, 400000)


def test_a_field_the_model_does_not_read_widens_compatibly(tmp_path):
    # `note` reaches no feature: letting nulls through cannot surprise the model.
    loose = changes_of(tmp_path, BASE, edit('pattern: "^L[0-9]{4}$", ', ""))
    assert [c.kind for c in loose] == [COMPATIBLE]
    assert "note" not in model_inputs(checked(tmp_path, BASE))
    assert {"income", "age", "region"} <= model_inputs(checked(tmp_path, BASE))


def test_the_training_range_decides_whether_a_widening_risks_the_model(tmp_path):
    widened = edit("max: 500000", "max: 900000")
    seen_little = Trained("abc", {"income": 0.0}, {"income": 120000.0})
    seen_much = Trained("abc", {"income": 0.0}, {"income": 950000.0})
    [risky] = changes_of(tmp_path, BASE, widened, seen_little)
    assert risky.kind == MODEL and "training data (120000.0)" in risky.why
    # Narrowing the declared max below what the model saw is still a narrowing, but a
    # widening inside the training data is safe for the model.
    [safe] = changes_of(tmp_path, BASE, widened, seen_much)
    assert safe.kind == COMPATIBLE and "within its training data" in safe.why


def test_most_severe_changes_come_first(tmp_path):
    new = edit("producer: hr}", "producer: payroll}").replace(
        "values: [north, south]", "values: [north, south, east]"
    )
    new = new.replace("min: 18", "min: 21")
    kinds = [c.kind for c in changes_of(tmp_path, BASE, new)]
    assert kinds == sorted(kinds, key=[BREAKING, MODEL, COMPATIBLE].index)
    assert kinds[0] == BREAKING and COMPATIBLE in kinds and MODEL in kinds
