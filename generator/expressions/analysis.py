"""Analysis of an expression: its type, nullability, range and compiled source, in one walk."""

from __future__ import annotations

import ast
import math

from ..intervals import Interval
from ..literals import py_string
from ..reader import did_you_mean
from ..schema import FUNCTIONS
from .calls import CallRules
from .operators import OperatorRules
from .parsing import parse
from .terms import BOOLEAN, NUMBER, TEXT, Analysis, Symbol, Typed
from .walking import rejected

MAX_MAGNITUDE = 1e15


class Analyzer(OperatorRules, CallRules):
    """Walks an accepted tree once, computing type, interval and compiled source."""

    def run(self, tree: ast.expr) -> Analysis:
        typed, source = self.visit(tree)
        return Analysis(
            typed, source, self.names, self.problems, self.divisions, self.unknown
        )

    def visit_Constant(self, node: ast.Constant) -> tuple[Typed, str]:
        value = node.value
        if isinstance(value, bool):
            return Typed(BOOLEAN, Interval.point(int(value)), constant=True), repr(
                value
            )
        if isinstance(value, int | float):
            if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
                self.fail(
                    node,
                    f"number out of range (expected a finite number of at most {MAX_MAGNITUDE:g}, got {value!r})",
                )
                return rejected(constant=True)
            return Typed(NUMBER, Interval.point(value), constant=True), repr(value)
        if isinstance(value, str):
            return Typed(TEXT, Interval(), constant=True), py_string(value)
        self.fail(
            node,
            f"literal {value!r} is not allowed (expected a number, true/false or quoted text)",
        )
        return rejected(constant=True)

    def visit_Name(self, node: ast.Name) -> tuple[Typed, str]:
        symbol = self.scope.get(node.id)
        if symbol is None:
            self.unknown.append(node.id)
            if node.id in FUNCTIONS:
                self.fail(
                    node,
                    f"function {node.id} must be called, e.g. {FUNCTIONS[node.id][0]}",
                )
            else:
                self.fail(
                    node,
                    f"unknown name '{node.id}' (expected an input field"
                    + (
                        ", a feature or the model output"
                        if any(
                            s.source.startswith(("features", "outputs"))
                            for s in self.scope.values()
                        )
                        else ""
                    )
                    + ")"
                    + did_you_mean(node.id, self.scope),
                )
            return rejected()
        if node.id not in self.names:
            self.names.append(node.id)
        return Typed(symbol.type, symbol.interval, symbol.nullable), symbol.source


def analyze(
    text: str, scope: dict[str, Symbol], on_divide_by_zero: float | None = None
) -> Analysis:
    """Parse and analyze one expression; problems are returned, not raised (except parse)."""
    tree = parse(text)
    return Analyzer(scope, on_divide_by_zero).run(tree)
