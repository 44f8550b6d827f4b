"""The scalar interpreter: an accepted expression evaluated on single values.

It gives the generated tests their expected values independently of the compiled code.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
from typing import Any

from .parsing import parse


def evaluate(
    text: str, values: dict[str, Any], on_divide_by_zero: float | None = None
) -> Any:
    """Evaluate an accepted expression on single values (null = None or NaN).

    `values` maps names (inputs, features, outputs, `as_of`) to Python values; dates are
    `datetime.datetime`. The semantics follow the compiled numpy code: null propagates as
    NaN, a comparison with null is false.
    """
    return _Evaluator(values, on_divide_by_zero).visit(parse(text))


class _Evaluator:
    def __init__(self, values: dict[str, Any], on_zero: float | None):
        self.values = values
        self.on_zero = on_zero

    def visit(self, node: ast.AST) -> Any:
        return getattr(self, f"visit_{type(node).__name__}")(node)

    def visit_Constant(self, node):
        return node.value

    def visit_Name(self, node):
        value = self.values[node.id]
        return math.nan if value is None else value

    def visit_BinOp(self, node):
        a, b = float(self.visit(node.left)), float(self.visit(node.right))
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Pow):
            try:
                return a**node.right.value
            except OverflowError:
                return math.copysign(math.inf, a) if node.right.value % 2 else math.inf
        if b == 0:
            if self.on_zero is not None:
                return float(self.on_zero)
            return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)
        return a / b

    def visit_UnaryOp(self, node):
        value = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return not value
        return -value if isinstance(node.op, ast.USub) else value

    def visit_BoolOp(self, node):
        results = [bool(self.visit(v)) for v in node.values]
        return all(results) if isinstance(node.op, ast.And) else any(results)

    def visit_Compare(self, node):
        operands = [self.visit(node.left)] + [self.visit(c) for c in node.comparators]
        for index, op in enumerate(node.ops):
            a, b = operands[index], operands[index + 1]
            if _is_null(a) or _is_null(b):
                if not isinstance(op, ast.NotEq):
                    return False
                continue
            ok = _COMPARISONS[type(op)](a, b)
            if not ok:
                return False
        return True

    def visit_Call(self, node):
        name = node.func.id
        if name == "is_null":
            return _is_null(self.values[node.args[0].id])
        args = [self.visit(a) for a in node.args]
        if name == "days_between":
            start, end = args
            if _is_null(start) or _is_null(end):
                return math.nan
            return (_as_datetime(end) - _as_datetime(start)).total_seconds() / 86400
        if name == "coalesce":
            return next((float(a) for a in args if not _is_null(a)), math.nan)
        numbers = [float(a) for a in args]
        if any(math.isnan(a) for a in numbers):
            return math.nan
        if name == "clip":
            x, low, high = numbers
            return min(max(x, low), high)
        if name in ("min", "max"):
            return (min if name == "min" else max)(numbers)
        x = numbers[0]
        if name == "abs":
            return abs(x)
        if name == "sqrt":
            return math.sqrt(x) if x >= 0 else math.nan
        if name == "log":
            return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)
        return math.log1p(x) if x > -1 else (-math.inf if x == -1 else math.nan)


_COMPARISONS = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)
