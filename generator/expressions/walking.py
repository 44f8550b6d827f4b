"""The walk shared by every rule of analysis: dispatch by node type, report, require types."""

from __future__ import annotations

import ast

from ..intervals import Interval
from ..schema import FUNCTIONS
from .terms import NUMBER, ExprProblem, Symbol, Typed, article


def rejected(nullable: bool = False, constant: bool = False) -> tuple[Typed, str]:
    """What a part that broke a rule stands for: a number of any value, compiled as 0.

    Analysis goes on past a problem so that one run reports every problem.
    """
    return Typed(NUMBER, Interval(), nullable, constant), "0"


class Walker:
    """Visits a tree node by node; each `visit_<Node>` returns its Typed and source."""

    def __init__(self, scope: dict[str, Symbol], on_divide_by_zero: float | None):
        self.scope = scope
        self.on_zero = on_divide_by_zero
        self.problems: list[ExprProblem] = []
        self.names: list[str] = []
        self.divisions: list[str] = []
        self.unknown: list[str] = []

    def fail(self, node: ast.AST, message: str) -> None:
        self.problems.append(ExprProblem(message, getattr(node, "col_offset", 0)))

    def visit(self, node: ast.AST) -> tuple[Typed, str]:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            self.fail(
                node,
                f"{describe_node(node)} is not part of the expression language "
                "(expected arithmetic, comparisons, and/or/not, numbers, field names "
                "and the functions " + ", ".join(FUNCTIONS) + ")",
            )
            return rejected()
        return method(node)

    def need(self, node: ast.AST, typed: Typed, kind: str, what: str) -> None:
        if typed.type != kind:
            self.fail(
                node,
                f"{what} must be {article(kind)} (got {article(typed.type)}: '{ast.unparse(node)}')",
            )


def describe_node(node: ast.AST) -> str:
    names = {
        "Attribute": "attribute access '.'",
        "Subscript": "indexing '[]'",
        "Lambda": "lambda",
        "IfExp": "'x if c else y'",
        "FloorDiv": "'//'",
        "Mod": "'%'",
        "BitAnd": "'&' (use and)",
        "BitOr": "'|' (use or)",
        "BitXor": "'^'",
        "LShift": "'<<'",
        "RShift": "'>>'",
        "MatMult": "'@'",
        "In": "'in'",
        "NotIn": "'not in'",
        "Is": "'is'",
        "IsNot": "'is not'",
        "NamedExpr": "':='",
        "JoinedStr": "f-string",
    }
    return names.get(type(node).__name__, type(node).__name__)
