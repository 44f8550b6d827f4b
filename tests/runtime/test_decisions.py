"""Business rules: the first rule that holds wins, on frames and on one record."""

from __future__ import annotations

import numpy as np
import pandas as pd

from modelplate.runtime.decisions import choose, decide
from modelplate.runtime.definition import Decisions, Rule


def high_score(inputs, features, outputs):
    "score >= 0.8"
    return outputs["score"] >= 0.8


def big_order(inputs, features, outputs):
    "items > 10"
    return inputs["items"] > 10


DECISIONS = Decisions(
    output="action",
    rules=(Rule(when=high_score, then="call"), Rule(when=big_order, then="email")),
    default="none",
)


def _frames(scores: list, items: list) -> tuple[pd.DataFrame, ...]:
    index = pd.Index(range(100, 100 + len(scores)))
    inputs = pd.DataFrame({"items": items}, index=index)
    outputs = pd.DataFrame({"score": scores}, index=index)
    return inputs, pd.DataFrame(index=index), outputs


def test_the_first_rule_that_holds_wins_row_by_row():
    inputs, features, outputs = _frames([0.9, 0.9, 0.1, 0.1], [20, 1, 20, 1])
    decided = decide(DECISIONS, inputs, features, outputs)
    assert decided.tolist() == ["call", "call", "email", "none"]
    assert decided.name == "action"
    assert decided.index.equals(inputs.index)


def test_a_null_comparison_does_not_hold():
    inputs, features, outputs = _frames([np.nan, 0.9], [1, 1])
    inputs["items"] = pd.array([None, 1], dtype="Int64")
    outputs["score"] = pd.array([None, 0.9], dtype="Float64")
    assert decide(DECISIONS, inputs, features, outputs).tolist() == ["none", "call"]


def test_one_record_is_decided_as_its_one_row_frame():
    for score, items in [(0.9, 20), (0.1, 20), (0.1, 1)]:
        frames = _frames([score], [items])
        columns = (
            {"items": np.array([items])},
            {},
            {"score": np.array([score])},
        )
        one = choose(DECISIONS, *columns, rows=1)
        assert one.tolist() == decide(DECISIONS, *frames).tolist()


def test_a_constant_rule_applies_to_every_row_and_no_rule_gives_the_default():
    always = Decisions(
        output="action", rules=(Rule(when=lambda i, f, o: True, then="x"),), default="y"
    )
    assert choose(always, {}, {}, {}, 3).tolist() == ["x", "x", "x"]
    never = Decisions(output="action", rules=(), default="y")
    assert choose(never, {}, {}, {}, 2).tolist() == ["y", "y"]


def test_a_rules_text_is_its_docstring():
    assert [rule.text for rule in DECISIONS.rules] == ["score >= 0.8", "items > 10"]
