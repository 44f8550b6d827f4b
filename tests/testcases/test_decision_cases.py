"""`testcases.decisions`: the records around each rule's thresholds, and the default."""

from __future__ import annotations

from pathlib import Path

import modelplate
from modelplate.testcases.building import CaseBuilder

CHURN = Path(__file__).resolve().parents[2] / "examples" / "churn.yaml"


def test_a_record_that_falls_through_every_rule_gets_the_default():
    builder = CaseBuilder(modelplate.check(CHURN))
    [case] = builder._no_rule_matches("score", 0.5)
    assert case["expected"] == "no_action"
    assert case["why"] == "no rule matches"


def test_every_rule_and_the_default_are_reached():
    cases = CaseBuilder(modelplate.check(CHURN)).decision_cases()
    reached = {case["expected"] for case in cases}
    assert reached == {"offer_retention_discount", "send_survey", "no_action"}
