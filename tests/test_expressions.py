"""The expression language: typing, intervals, compiled source and messages."""

from __future__ import annotations

import ast
import datetime as dt
import math

import pytest

from modelplate.expressions import (
    BOOLEAN,
    NUMBER,
    ExprProblem,
    analyze,
    evaluate,
    parse,
)
from modelplate.intervals import INF


def ok(text, scope, on_zero=None):
    analysis = analyze(text, scope, on_zero)
    assert analysis.ok, [p.message for p in analysis.problems]
    return analysis


def problems(text, scope, on_zero=None) -> list[tuple[str, int]]:
    analysis = analyze(text, scope, on_zero)
    return [(p.message, p.offset) for p in analysis.problems]


def same_code(compiled: str, expected: str) -> bool:
    """Equal as Python code: quote style and redundant parentheses do not matter."""
    return ast.dump(ast.parse(compiled, mode="eval")) == ast.dump(
        ast.parse(expected, mode="eval")
    )


def ends(analysis):
    return analysis.typed.interval.low, analysis.typed.interval.high


# -- each function: type, interval, compiled source ---------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "interval", "source"),
    [
        (
            "log1p(monthly_charges)",
            NUMBER,
            (0, math.log1p(10000)),
            "F.log1p(inputs['monthly_charges'])",
        ),
        (
            "log(monthly_charges + 1)",
            NUMBER,
            (0, math.log(10001)),
            "F.log((inputs['monthly_charges'] + 1))",
        ),
        (
            "sqrt(tenure_months)",
            NUMBER,
            (0, math.sqrt(600)),
            "F.sqrt(inputs['tenure_months'])",
        ),
        (
            "abs(tenure_months - 12)",
            NUMBER,
            (0, 588),
            "F.abs((inputs['tenure_months'] - 12))",
        ),
        (
            "clip(monthly_charges, 10, 100)",
            NUMBER,
            (10, 100),
            "F.clip(inputs['monthly_charges'], 10, 100)",
        ),
        (
            "min(tenure_months, 12)",
            NUMBER,
            (0, 12),
            "F.minimum(inputs['tenure_months'], 12)",
        ),
        (
            "max(tenure_months, 12, support_tickets_90d)",
            NUMBER,
            (12, 1000),
            "F.maximum(inputs['tenure_months'], 12, inputs['support_tickets_90d'])",
        ),
        (
            "days_between(signup_date, as_of)",
            NUMBER,
            (-INF, INF),
            "F.days_between(inputs['signup_date'], as_of)",
        ),
        (
            "is_null(total_charges)",
            BOOLEAN,
            (0, 1),
            "F.is_null(raw['total_charges'])",
        ),
        (
            "coalesce(total_charges, -1)",
            NUMBER,
            (-1, 1e6),
            "F.coalesce(inputs['total_charges'], (-1))",
        ),
        ("tenure_months ** 2", NUMBER, (0, 360000), "(inputs['tenure_months'] ** 2)"),
        (
            "tenure_months / 12",
            NUMBER,
            (0, 50),
            "(inputs['tenure_months'] / 12)",
        ),
        (
            "not (tenure_months < 6)",
            BOOLEAN,
            (0, 1),
            "(~(inputs['tenure_months'] < 6))",
        ),
        (
            'tenure_months < 6 or contract == "one-year"',
            BOOLEAN,
            (0, 1),
            "((inputs['tenure_months'] < 6) | (inputs['contract'] == 'one-year'))",
        ),
        (
            "1 < tenure_months <= 6",
            BOOLEAN,
            (0, 1),
            "((1 < inputs['tenure_months']) & (inputs['tenure_months'] <= 6))",
        ),
    ],
)
def test_function_typing(churn_scope, text, kind, interval, source):
    analysis = ok(text, churn_scope)
    assert analysis.typed.type == kind
    assert ends(analysis) == pytest.approx(interval)
    assert same_code(analysis.source, source)


def test_names_are_recorded_once(churn_scope):
    analysis = ok("tenure_months * tenure_months + monthly_charges", churn_scope)
    assert analysis.names == ["tenure_months", "monthly_charges"]


def test_integer_interval_stays_integral(churn_scope):
    analysis = ok("tenure_months * 2 + support_tickets_90d", churn_scope)
    assert analysis.typed.interval.integral


# -- division -----------------------------------------------------------------------------
def test_guarded_division_by_an_integer_is_bounded(churn_scope):
    """An integer in [0, 600] that is not 0 is at least 1."""
    analysis = ok("total_charges / tenure_months", churn_scope, on_zero=0)
    assert ends(analysis) == (0, 1e6)
    assert analysis.divisions == ["tenure_months"]
    assert same_code(
        analysis.source,
        "F.divide(inputs['total_charges'], inputs['tenure_months'], on_zero=0.0)",
    )


def test_guarded_division_by_a_float_is_unbounded(churn_scope):
    analysis = ok("total_charges / monthly_charges", churn_scope, on_zero=0)
    assert ends(analysis) == (0, INF)


def test_unguarded_division_by_something_that_can_be_zero(churn_scope):
    [(message, offset)] = problems("total_charges / tenure_months", churn_scope)
    assert message.startswith(
        "division by 'tenure_months', which can be 0 (its range is [0, 600])"
    )
    assert "on_divide_by_zero" in message
    assert offset == len("total_charges / ")


def test_division_by_a_nonzero_range_needs_no_guard(churn_scope):
    analysis = ok("total_charges / (tenure_months + 1)", churn_scope)
    assert ends(analysis) == (0, 1e6)
    assert analysis.divisions == []


def test_division_by_only_zero_is_the_guard(churn_scope):
    analysis = ok("tenure_months / (tenure_months * 0)", churn_scope, on_zero=7)
    assert ends(analysis) == (7, 7)


# -- messages -----------------------------------------------------------------------------
def test_unknown_name_did_you_mean(churn_scope):
    [(message, offset)] = problems("tenure_monts + 1", churn_scope)
    assert message == (
        "unknown name 'tenure_monts' (expected an input field); "
        "did you mean 'tenure_months'?"
    )
    assert offset == 0


def test_unknown_function_did_you_mean(churn_scope):
    [(message, _)] = problems("lg1p(tenure_months)", churn_scope)
    assert message.startswith("unknown function 'lg1p' (expected one of log1p, log")
    assert message.endswith("did you mean 'log1p'?")


def test_function_used_as_a_name(churn_scope):
    [(message, _)] = problems("log1p + 1", churn_scope)
    assert message == "function log1p must be called, e.g. log1p(x)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "clip(tenure_months, 1)",
            "clip takes 3 arguments (expected clip(x, low, high), got 2)",
        ),
        ("log(1, 2)", "log takes 1 arguments (expected log(x), got 2)"),
        (
            "min(tenure_months)",
            "min takes 2 to 16 arguments (expected min(a, b, ...), got 1)",
        ),
        (
            "min(a=tenure_months, b=1)",
            "min takes plain arguments (expected min(a, b, ...))",
        ),
    ],
)
def test_wrong_arity(churn_scope, text, message):
    assert [m for m, _ in problems(text, churn_scope)] == [message]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('contract > "one-year"', "text can only be compared with == or != (got '>')"),
        (
            "contract == 3",
            'compare a category or string field with quoted text, e.g. contract == "one-year"',
        ),
        (
            "contract == payment_method",
            'compare a category or string field with quoted text, e.g. contract == "one-year"',
        ),
        (
            'contract == "one_year"',
            "'one_year' is not a value of contract (expected one of month-to-month, "
            "one-year, two-year); did you mean 'one-year'?",
        ),
        (
            "tenure_months == signup_date",
            "cannot compare number with date (expected two numbers)",
        ),
    ],
)
def test_text_comparisons(churn_scope, text, message):
    assert [m for m, _ in problems(text, churn_scope)] == [message]


def test_a_pattern_string_field_compares_with_any_text(churn_scope):
    assert ok('customer_id == "C000001"', churn_scope).typed.type == BOOLEAN


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "log(tenure_months)",
            "log of 'tenure_months', whose range [0, 600] reaches 0",
        ),
        ("log1p(tenure_months - 1)", "reaches -1 or below"),
        ("sqrt(tenure_months - 1)", "reaches below 0"),
        ("clip(tenure_months, 5, 1)", "clip bounds are reversed"),
        ("tenure_months ** 0.5", "exponent must be a whole number from 0 to 4"),
        ("tenure_months ** 5", "exponent must be a whole number from 0 to 4"),
        ("tenure_months % 2", "operator '%' is not allowed"),
        ("tenure_months // 2", "operator '//' is not allowed"),
        ("tenure_months if True else 1", "'x if c else y' is not part of"),
        ("tenure_months in (1, 2)", "comparison 'in' is not allowed"),
        ("tenure_months is None", "comparison 'is' is not allowed"),
        ("~(tenure_months < 1)", "operator '~' is not allowed"),
        ("tenure_months.real", "attribute access '.' is not part of"),
        ("tenure_months[0]", "indexing '[]' is not part of"),
        ("(lambda: 1)", "lambda is not part of"),
        ('f"{tenure_months}" == "3"', "f-string is not part of"),
        ("(x := tenure_months)", "':=' is not part of"),
        ("1e16 + tenure_months", "number out of range"),
        ("None", "literal None is not allowed"),
        ("tenure_months + True", "the right side of '+' must be a number"),
        ("not tenure_months", "the operand of 'not' must be true/false"),
        ("tenure_months and True", "each side of 'and' must be true/false"),
        ("is_null(tenure_months + 1)", "is_null takes an input field's name"),
        ("days_between(tenure_months, as_of)", "argument 1 of days_between"),
        ("abs(signup_date)", "argument 1 of abs must be a number"),
        ('__import__("os").system("echo boom")', "unknown function '__import__("),
    ],
)
def test_refused_expressions(churn_scope, text, fragment):
    messages = [m for m, _ in problems(text, churn_scope)]
    assert any(fragment in m for m in messages), messages


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("x" * 2001, "expression too long (expected at most 2000 characters"),
        ("tenure_months +", "not a valid expression"),
        ("a = 1", "not a valid expression"),
        ("+".join(["x"] * 250), "expression too large"),
        ("-" * 60 + "tenure_months", "expression nested too deeply"),
        ("tenure_months\x00", "not a valid expression"),
    ],
)
def test_parse_refusals_raise(churn_scope, text, fragment):
    with pytest.raises(ExprProblem) as caught:
        analyze(text, churn_scope)
    assert fragment in caught.value.message


def test_syntax_error_offset():
    with pytest.raises(ExprProblem) as caught:
        parse("tenure_months + * 2")
    assert caught.value.offset == len("tenure_months + ")


# -- nullability --------------------------------------------------------------------------
def test_nullable_propagates_and_coalesce_and_comparison_stop_it(churn_scope):
    from dataclasses import replace

    scope = dict(churn_scope)
    scope["total_charges"] = replace(scope["total_charges"], nullable=True)
    assert ok("total_charges * 2", scope).typed.nullable
    assert not ok("coalesce(total_charges, 0)", scope).typed.nullable
    assert not ok("total_charges > 10", scope).typed.nullable


# -- the scalar interpreter ----------------------------------------------------------------
CHURN_VALUES = {
    "tenure_months": 10,
    "monthly_charges": 50.0,
    "total_charges": None,
    "support_tickets_90d": 3,
    "contract": "one-year",
    "signup_date": dt.datetime(2020, 1, 1),
    "as_of": dt.datetime(2020, 1, 31),
}


@pytest.mark.parametrize(
    ("text", "on_zero", "value"),
    [
        ("tenure_months / 12", None, 10 / 12),
        ("total_charges / tenure_months", 0, math.nan),
        ("coalesce(total_charges, 5)", None, 5.0),
        ("is_null(total_charges)", None, True),
        ("total_charges > 1", None, False),
        ("total_charges != 1", None, True),
        ("days_between(signup_date, as_of)", None, 30.0),
        ("tenure_months / (tenure_months - 10)", 2.5, 2.5),
        ('contract == "one-year" and not tenure_months > 12', None, True),
        ("clip(tenure_months, 0, 5) + min(1, 2) + max(1, 2)", None, 8.0),
        ("log1p(0) + log(1) + sqrt(4) + abs(-1)", None, 3.0),
    ],
)
def test_evaluate(text, on_zero, value):
    result = evaluate(text, CHURN_VALUES, on_zero)
    if isinstance(value, float) and math.isnan(value):
        assert math.isnan(result)
    else:
        assert result == pytest.approx(value)


def test_analyze_overflowing_power_is_a_problem_not_a_crash(churn_scope):
    analysis = analyze("(((monthly_charges ** 4) ** 4) ** 4) ** 4", churn_scope)
    assert analysis.ok or analysis.problems


def test_not_of_a_boolean_constant_compiles_to_a_boolean(churn_scope):
    import numpy as np
    import pandas as pd

    analysis = ok("(tenure_months < 6) == (not True)", churn_scope)
    inputs = pd.DataFrame({"tenure_months": [10.0]})
    env = {"__builtins__": {}, "inputs": inputs, "raw": inputs, "np": np}
    compiled = eval(analysis.source, env)  # noqa: S307 - our own compiled source
    expected = evaluate("(tenure_months < 6) == (not True)", {"tenure_months": 10})
    assert bool(compiled.iloc[0]) == expected


@pytest.mark.parametrize(
    "text",
    [
        "not (0 < 1)",
        "not (1 < 0 and 2 > 1)",
        "not (1 < 0 or 0 < 1)",
        "not ((0 + 0) < 1)",
        "not (abs(-1) < 2)",
    ],
)
def test_not_of_a_comparison_of_constants_is_a_boolean(churn_scope, text):
    """`~(0 < 1)` is -2 in Python, which is true: the fuzzing found it."""
    import numpy as np

    from modelplate.runtime import functions

    analysis = ok(f"(tenure_months < 6) == ({text})", churn_scope)
    env = {"__builtins__": {}, "np": np, "F": functions}
    env["inputs"] = env["raw"] = {"tenure_months": np.array([10.0])}
    compiled = eval(analysis.source, env)  # noqa: S307 - our own compiled source
    expected = evaluate(f"(tenure_months < 6) == ({text})", {"tenure_months": 10})
    assert bool(np.asarray(compiled)[0]) == expected
