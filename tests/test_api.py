from pathlib import Path

import pytest

import modelplate
from modelplate.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("name", ["churn.yaml", "minimal.yaml"])
def test_reference_specs_pass_check(name, capsys):
    assert main(["check", str(EXAMPLES / name)]) == 0
    assert ": ok: " in capsys.readouterr().out


def test_churn_model_columns_follow_the_documented_order():
    checked = modelplate.check(EXAMPLES / "churn.yaml")
    assert checked.columns[:4] == [
        "tenure_months",
        "monthly_charges",
        "total_charges",
        "support_tickets_90d",
    ]
    assert "customer_id" not in checked.columns
    assert "churned" not in checked.columns
    assert checked.columns[-3:] == [
        "payment_method=card",
        "payment_method=bank-transfer",
        "payment_method=check",
    ]


def test_guarded_integer_division_is_bounded_by_one():
    checked = modelplate.check(EXAMPLES / "churn.yaml")
    interval = checked.features["spend_per_month"].typed.interval
    assert (interval.low, interval.high) == (0.0, 1_000_000.0)


def test_a_missing_spec_file_is_a_spec_error(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.yaml")]) == 1
    assert "cannot read the spec" in capsys.readouterr().err


def test_the_spec_reference_page_matches_the_schema():
    from modelplate.reference import render_reference

    page = (EXAMPLES.parent / "docs" / "spec.md").read_text(encoding="utf-8")
    assert (
        page == render_reference()
    ), "regenerate: python -m modelplate.reference docs/spec.md"
