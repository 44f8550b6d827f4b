"""Analysis of the operators: arithmetic, division by what can be 0, and/or/not, comparisons."""

from __future__ import annotations

import ast

from ..intervals import BOOL, Interval
from ..reader import did_you_mean
from .terms import BOOLEAN, NUMBER, TEXT, Typed
from .walking import Walker, describe_node, rejected

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_COMPARE = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}


class OperatorRules(Walker):
    """Types, ranges and source of operators; divisions that can meet 0 must be guarded."""

    def visit_BinOp(self, node: ast.BinOp) -> tuple[Typed, str]:
        op = _BINARY.get(type(node.op))
        left, left_src = self.visit(node.left)
        right, right_src = self.visit(node.right)
        if op is None:
            self.fail(
                node,
                f"operator {describe_node(node.op)} is not allowed (expected + - * / or **)",
            )
            return rejected()
        self.need(node.left, left, NUMBER, f"the left side of '{op}'")
        self.need(node.right, right, NUMBER, f"the right side of '{op}'")
        nullable = left.nullable or right.nullable
        if op == "/":
            return self.division(node, left, left_src, right, right_src, nullable)
        if op == "**":
            exponent = (
                node.right.value if isinstance(node.right, ast.Constant) else None
            )
            if not (
                isinstance(exponent, int)
                and not isinstance(exponent, bool)
                and 0 <= exponent <= 4
            ):
                self.fail(
                    node.right,
                    "exponent must be a whole number from 0 to 4 (expected e.g. x ** 2)",
                )
                return rejected(nullable)
            return (
                Typed(NUMBER, left.interval.power(exponent), nullable),
                f"({left_src} ** {exponent})",
            )
        interval = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
        }[op](left.interval, right.interval)
        return Typed(NUMBER, interval, nullable), f"({left_src} {op} {right_src})"

    def division(self, node, left, left_src, right, right_src, nullable):
        denominator = right.interval
        if any(
            isinstance(n, ast.Name) and n.id in self.unknown
            for n in ast.walk(node.right)
        ):
            return rejected(nullable)  # already reported as unknown
        if denominator.contains(0):
            if self.on_zero is None:
                self.fail(
                    node.right,
                    f"division by '{ast.unparse(node.right)}', which can be 0 (its range is "
                    f"{denominator.describe()}); add on_divide_by_zero: VALUE to the feature",
                )
                return rejected(nullable)
            self.divisions.append(ast.unparse(node.right))
        if denominator.low == 0 == denominator.high:
            quotient = Interval.point(self.on_zero or 0)
        else:
            quotient = left.interval.divided_by(denominator) or Interval()
            if denominator.contains(0):
                quotient = quotient.union(Interval.point(self.on_zero or 0))
        if self.on_zero is not None:
            return (
                Typed(NUMBER, quotient, nullable),
                f"F.divide({left_src}, {right_src}, on_zero={float(self.on_zero)!r})",
            )
        return Typed(NUMBER, quotient, nullable), f"({left_src} / {right_src})"

    def visit_UnaryOp(self, node: ast.UnaryOp) -> tuple[Typed, str]:
        operand, src = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            self.need(node.operand, operand, BOOLEAN, "the operand of 'not'")
            # `~` negates a boolean Series; on a Python bool it would give -2 (true).
            scalar = operand.constant or not _reads_a_field(node.operand)
            negation = f"(not {src})" if scalar else f"(~{src})"
            return Typed(BOOLEAN, BOOL, operand.nullable, operand.constant), negation
        if isinstance(node.op, ast.USub | ast.UAdd):
            self.need(node.operand, operand, NUMBER, "the operand of '-'")
            if isinstance(node.op, ast.UAdd):
                return operand, src
            return (
                Typed(NUMBER, -operand.interval, operand.nullable, operand.constant),
                f"(-{src})",
            )
        self.fail(node, "operator '~' is not allowed (expected not)")
        return Typed(BOOLEAN, BOOL), "False"

    def visit_BoolOp(self, node: ast.BoolOp) -> tuple[Typed, str]:
        word, symbol = ("and", "&") if isinstance(node.op, ast.And) else ("or", "|")
        parts = [self.visit(v) for v in node.values]
        for value, (typed, _) in zip(node.values, parts, strict=True):
            self.need(value, typed, BOOLEAN, f"each side of '{word}'")
        nullable = any(t.nullable for t, _ in parts)
        constant = all(t.constant for t, _ in parts)
        return (
            Typed(BOOLEAN, BOOL, nullable, constant),
            "(" + f" {symbol} ".join(s for _, s in parts) + ")",
        )

    def visit_Compare(self, node: ast.Compare) -> tuple[Typed, str]:
        operands = [node.left, *node.comparators]
        visited = [self.visit(o) for o in operands]
        pieces = []
        for index, op in enumerate(node.ops):
            symbol = _COMPARE.get(type(op))
            if symbol is None:
                self.fail(
                    node,
                    f"comparison {describe_node(op)} is not allowed (expected < <= > >= == !=)",
                )
                return Typed(BOOLEAN, BOOL), "False"
            (left, left_src), (right, right_src) = visited[index], visited[index + 1]
            self.comparable(operands[index], left, operands[index + 1], right, symbol)
            pieces.append(f"({left_src} {symbol} {right_src})")
        # A comparison with null is false, like numpy's NaN comparisons: never null itself.
        source = pieces[0] if len(pieces) == 1 else "(" + " & ".join(pieces) + ")"
        # Of constants only, it is a Python bool: `not` must negate it as one.
        constant = all(typed.constant for typed, _ in visited)
        return Typed(BOOLEAN, BOOL, False, constant), source

    def comparable(
        self, left_node, left: Typed, right_node, right: Typed, symbol: str
    ) -> None:
        if TEXT in (left.type, right.type):
            if symbol not in ("==", "!="):
                self.fail(
                    left_node,
                    f"text can only be compared with == or != (got '{symbol}')",
                )
                return
            field_node, literal_node = (
                (left_node, right_node)
                if not left.constant
                else (right_node, left_node)
            )
            symbol_ = self.scope.get(getattr(field_node, "id", ""))
            if (
                not (
                    isinstance(literal_node, ast.Constant)
                    and isinstance(literal_node.value, str)
                )
                or left.type != right.type
            ):
                self.fail(
                    left_node,
                    'compare a category or string field with quoted text, e.g. contract == "one-year"',
                )
                return
            if (
                symbol_ is not None
                and symbol_.values is not None
                and literal_node.value not in symbol_.values
            ):
                self.fail(
                    literal_node,
                    f"{literal_node.value!r} is not a value of {symbol_.name} "
                    f"(expected one of {', '.join(symbol_.values)})"
                    + did_you_mean(literal_node.value, symbol_.values),
                )
            return
        if left.type != right.type or left.type not in (NUMBER, BOOLEAN):
            self.fail(
                left_node,
                f"cannot compare {left.type} with {right.type} (expected two numbers)",
            )


def _reads_a_field(node: ast.AST) -> bool:
    """Whether ``node`` reads an input field, so that it evaluates to a column.

    Without one (constants, ``as_of``, functions of those) the compiled source computes
    a Python scalar, whatever constant folding the analysis did or did not do.
    """
    functions = {
        call.func.id
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    }
    return any(
        isinstance(name, ast.Name) and name.id not in functions and name.id != "as_of"
        for name in ast.walk(node)
    )
