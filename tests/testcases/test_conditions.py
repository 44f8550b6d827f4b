"""`testcases.conditions`: the values that let one comparison decide a condition."""

from __future__ import annotations

import ast

from modelplate.expressions import parse
from modelplate.testcases.conditions import atoms, deciding, value_for

CONDITION = "(amount > 10000 and days <= 30) or claims >= 5 or not (score < 0.5)"


def test_atoms_are_normalised_with_the_name_on_the_left():
    found = {a.name: (a.op, a.value) for a in atoms(parse("3 > visits and x == 1"))}
    assert found == {"visits": (ast.Lt, 3), "x": (ast.Eq, 1)}


def test_siblings_of_an_and_are_true_and_of_an_or_false():
    tree = parse(CONDITION)
    by_name = {a.name: a for a in atoms(tree)}
    required = deciding(tree, by_name["days"].node)
    truth = {a.name: required[a.node] for a in atoms(tree) if a.node in required}
    # amount: beside `days` in an and -> true; claims: beside in an or -> false;
    # `not (score < 0.5)` beside in an or -> false, so `score < 0.5` true.
    assert truth == {"amount": True, "claims": False, "score": True}


def test_the_values_make_each_comparison_what_is_required():
    for text, integer in (("x > 10", True), ("x <= 2.5", False), ("x == 4", True)):
        [atom] = atoms(parse(text))
        for truth in (True, False):
            value = value_for(atom, truth, integer)
            assert eval(text, {"x": value}) is truth, (text, truth, value)
