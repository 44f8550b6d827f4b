"""The expression language of features and decision rules.

A spec expression is parsed with Python's `ast` and accepted only if every node is on an
allow-list: arithmetic, comparisons, and/or/not, numeric literals, text literals compared to
a category, names the scope defines and calls of the functions in `schema.FUNCTIONS`.
Nothing a spec says is ever executed: the accepted tree is

- *analyzed*: types, nullability and the interval of values it can take (for range proofs
  and division-by-zero checks),
- *compiled* to vectorized numpy/pandas source, built node by node from validated names
  and `repr`-ed literals (never by pasting the spec's text),
- *evaluated* on single values by our own small interpreter, which gives the expected
  values of the generated tests independently of the generated code.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .intervals import BOOL, Interval, interval_max, interval_min
from .literals import py_string
from .reader import did_you_mean
from .schema import FUNCTIONS

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_DEPTH = 40
MAX_MAGNITUDE = 1e15
NUMBER, BOOLEAN, TEXT, DATE = "number", "boolean", "text", "date"


class ExprProblem(Exception):
    """A mistake in one expression, at a character offset of its text."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Symbol:
    """A name an expression may use: an input, a feature, a model output or `as_of`."""

    name: str
    type: str
    source: str
    interval: Interval = field(default_factory=Interval)
    nullable: bool = False
    values: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Typed:
    """What analysis knows about a (sub)expression."""

    type: str
    interval: Interval
    nullable: bool = False
    constant: bool = False


@dataclass
class Analysis:
    """The result of analyzing an expression: its type, range and what it reads."""

    typed: Typed
    source: str
    names: list[str]
    problems: list[ExprProblem]
    divisions: list[str]
    unknown: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse(text: str) -> ast.expr:
    """Parse text as one expression, refusing anything that is not one."""
    if len(text) > MAX_LENGTH:
        raise ExprProblem(
            f"expression too long (expected at most {MAX_LENGTH} characters, got {len(text)})"
        )
    # Line breaks (a folded YAML scalar) become spaces so that offsets stay those of the
    # text; leading blanks are cut because Python reads them as an indent.
    flat = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    indent = len(flat) - len(flat.lstrip(" "))
    flat = flat[indent:]
    try:
        tree = ast.parse(flat, mode="eval")
    except SyntaxError as exc:
        offset = max((exc.offset or 1) - 1, 0)
        raise ExprProblem(
            f"not a valid expression ({exc.msg})", offset + indent
        ) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        raise ExprProblem(f"not a valid expression ({type(exc).__name__})") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExprProblem(
            f"expression too large (expected at most {MAX_NODES} parts, got {len(nodes)})"
        )
    _to_character_offsets(tree, flat, indent)
    if _depth(tree.body) > MAX_DEPTH:
        raise ExprProblem(
            f"expression nested too deeply (expected at most {MAX_DEPTH} levels)"
        )
    return tree.body


def _to_character_offsets(tree: ast.AST, text: str, indent: int) -> None:
    """ast counts columns in UTF-8 bytes; messages count characters of the spec's text."""
    encoded = text.encode("utf-8")
    for node in ast.walk(tree):
        if hasattr(node, "col_offset"):
            node.col_offset = (
                len(encoded[: node.col_offset].decode("utf-8", "ignore")) + indent
            )


def _depth(node: ast.AST) -> int:
    children = list(ast.iter_child_nodes(node))
    return 1 + max((_depth(c) for c in children), default=0)


_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_COMPARE = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_RUNTIME = {"min": "minimum", "max": "maximum"}
_ARITY = {
    "log1p": (1, 1),
    "log": (1, 1),
    "sqrt": (1, 1),
    "abs": (1, 1),
    "clip": (3, 3),
    "min": (2, 16),
    "max": (2, 16),
    "days_between": (2, 2),
    "is_null": (1, 1),
    "coalesce": (2, 16),
}


class Analyzer:
    """Walks an accepted tree once, computing type, interval and compiled source."""

    def __init__(self, scope: dict[str, Symbol], on_divide_by_zero: float | None):
        self.scope = scope
        self.on_zero = on_divide_by_zero
        self.problems: list[ExprProblem] = []
        self.names: list[str] = []
        self.divisions: list[str] = []
        self.unknown: list[str] = []

    def fail(self, node: ast.AST, message: str) -> None:
        self.problems.append(ExprProblem(message, getattr(node, "col_offset", 0)))

    def run(self, tree: ast.expr) -> Analysis:
        typed, source = self.visit(tree)
        return Analysis(
            typed, source, self.names, self.problems, self.divisions, self.unknown
        )

    def visit(self, node: ast.AST) -> tuple[Typed, str]:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            self.fail(
                node,
                f"{_describe_node(node)} is not part of the expression language "
                "(expected arithmetic, comparisons, and/or/not, numbers, field names "
                "and the functions " + ", ".join(FUNCTIONS) + ")",
            )
            return Typed(NUMBER, Interval()), "0"
        return method(node)

    # -- leaves ------------------------------------------------------------------------
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
                return Typed(NUMBER, Interval(), constant=True), "0"
            return Typed(NUMBER, Interval.point(value), constant=True), repr(value)
        if isinstance(value, str):
            return Typed(TEXT, Interval(), constant=True), py_string(value)
        self.fail(
            node,
            f"literal {value!r} is not allowed (expected a number, true/false or quoted text)",
        )
        return Typed(NUMBER, Interval(), constant=True), "0"

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
            return Typed(NUMBER, Interval()), "0"
        if node.id not in self.names:
            self.names.append(node.id)
        return Typed(symbol.type, symbol.interval, symbol.nullable), symbol.source

    # -- operators ---------------------------------------------------------------------
    def visit_BinOp(self, node: ast.BinOp) -> tuple[Typed, str]:
        op = _BINARY.get(type(node.op))
        left, left_src = self.visit(node.left)
        right, right_src = self.visit(node.right)
        if op is None:
            self.fail(
                node,
                f"operator {_describe_node(node.op)} is not allowed (expected + - * / or **)",
            )
            return Typed(NUMBER, Interval()), "0"
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
                return Typed(NUMBER, Interval(), nullable), "0"
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
            return (
                Typed(NUMBER, Interval(), nullable),
                "0",
            )  # already reported as unknown
        if denominator.contains(0):
            if self.on_zero is None:
                self.fail(
                    node.right,
                    f"division by '{ast.unparse(node.right)}', which can be 0 (its range is "
                    f"{denominator.describe()}); add on_divide_by_zero: VALUE to the feature",
                )
                return Typed(NUMBER, Interval(), nullable), "0"
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
            # `~` negates a boolean Series; on a Python constant it would give -2.
            negation = f"(not {src})" if operand.constant else f"(~{src})"
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
        return (
            Typed(BOOLEAN, BOOL, nullable),
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
                    f"comparison {_describe_node(op)} is not allowed (expected < <= > >= == !=)",
                )
                return Typed(BOOLEAN, BOOL), "False"
            (left, left_src), (right, right_src) = visited[index], visited[index + 1]
            self.comparable(operands[index], left, operands[index + 1], right, symbol)
            pieces.append(f"({left_src} {symbol} {right_src})")
        # A comparison with null is false, like numpy's NaN comparisons: never null itself.
        source = pieces[0] if len(pieces) == 1 else "(" + " & ".join(pieces) + ")"
        return Typed(BOOLEAN, BOOL), source

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

    # -- calls -------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> tuple[Typed, str]:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            shown = name or ast.unparse(node.func)
            self.fail(
                node,
                f"unknown function '{shown}' (expected one of {', '.join(FUNCTIONS)})"
                + (did_you_mean(name, FUNCTIONS) if name else ""),
            )
            return Typed(NUMBER, Interval()), "0"
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self.fail(
                node, f"{name} takes plain arguments (expected {FUNCTIONS[name][0]})"
            )
            return Typed(NUMBER, Interval()), "0"
        low, high = _ARITY[name]
        if not low <= len(node.args) <= high:
            self.fail(
                node,
                f"{name} takes {low if low == high else f'{low} to {high}'} arguments "
                f"(expected {FUNCTIONS[name][0]}, got {len(node.args)})",
            )
            return Typed(NUMBER, Interval()), "0"
        if name == "is_null":
            return self.is_null(node)
        args = [self.visit(a) for a in node.args]
        return getattr(self, f"call_{name}")(node, args)

    def is_null(self, node: ast.Call) -> tuple[Typed, str]:
        arg = node.args[0]
        symbol = self.scope.get(arg.id) if isinstance(arg, ast.Name) else None
        if symbol is None or not symbol.source.startswith("inputs"):
            self.fail(
                arg,
                "is_null takes an input field's name (expected e.g. is_null(total_charges))",
            )
            return Typed(BOOLEAN, BOOL), "False"
        if arg.id not in self.names:
            self.names.append(arg.id)
        return Typed(BOOLEAN, BOOL), f'F.is_null(raw["{symbol.name}"])'

    def numeric_args(self, node: ast.Call, args: list[tuple[Typed, str]]) -> None:
        for index, (arg_node, (typed, _)) in enumerate(
            zip(node.args, args, strict=True)
        ):
            self.need(
                arg_node, typed, NUMBER, f"argument {index + 1} of {node.func.id}"
            )

    def _unary(
        self,
        node,
        args,
        function: Callable[[float], float],
        domain: Callable[[Interval], bool],
        why: str,
    ):
        self.numeric_args(node, args)
        (typed, src), name = args[0], node.func.id
        if not domain(typed.interval):
            self.fail(
                node.args[0],
                f"{name} of '{ast.unparse(node.args[0])}', whose range "
                f"{typed.interval.describe()} {why}; clip it first, e.g. {name}(clip(x, 1, 100))",
            )
            return Typed(NUMBER, Interval(), typed.nullable), "0"
        return (
            Typed(NUMBER, typed.interval.monotone(function), typed.nullable),
            f"F.{name}({src})",
        )

    def call_log1p(self, node, args):
        return self._unary(
            node, args, _safe(math.log1p), lambda i: i.low > -1, "reaches -1 or below"
        )

    def call_log(self, node, args):
        return self._unary(
            node, args, _safe(math.log), lambda i: i.low > 0, "reaches 0 or below"
        )

    def call_sqrt(self, node, args):
        return self._unary(
            node, args, _safe(math.sqrt), lambda i: i.low >= 0, "reaches below 0"
        )

    def call_abs(self, node, args):
        self.numeric_args(node, args)
        typed, src = args[0]
        return Typed(NUMBER, typed.interval.abs(), typed.nullable), f"F.abs({src})"

    def call_clip(self, node, args):
        self.numeric_args(node, args)
        (x, x_src), (lo, lo_src), (hi, hi_src) = args
        if lo.constant and hi.constant and lo.interval.low > hi.interval.high:
            self.fail(
                node,
                f"clip bounds are reversed (expected low <= high, got {lo_src} > {hi_src})",
            )
        interval = interval_min([interval_max([x.interval, lo.interval]), hi.interval])
        return (
            Typed(NUMBER, interval, x.nullable),
            f"F.clip({x_src}, {lo_src}, {hi_src})",
        )

    def _extreme(self, node, args, combine, runtime):
        self.numeric_args(node, args)
        interval = combine([t.interval for t, _ in args])
        nullable = any(t.nullable for t, _ in args)
        return (
            Typed(NUMBER, interval, nullable),
            f"F.{runtime}(" + ", ".join(s for _, s in args) + ")",
        )

    def call_min(self, node, args):
        return self._extreme(node, args, interval_min, "minimum")

    def call_max(self, node, args):
        return self._extreme(node, args, interval_max, "maximum")

    def call_coalesce(self, node, args):
        self.numeric_args(node, args)
        interval = args[0][0].interval
        for typed, _ in args[1:]:
            interval = interval.union(typed.interval)
        nullable = all(t.nullable for t, _ in args)
        return (
            Typed(NUMBER, interval, nullable),
            "F.coalesce(" + ", ".join(s for _, s in args) + ")",
        )

    def call_days_between(self, node, args):
        for index, (arg_node, (typed, _)) in enumerate(
            zip(node.args, args, strict=True)
        ):
            self.need(arg_node, typed, DATE, f"argument {index + 1} of days_between")
        (start, start_src), (end, end_src) = args
        interval = end.interval - start.interval
        return (
            Typed(
                NUMBER,
                Interval(interval.low, interval.high),
                start.nullable or end.nullable,
            ),
            f"F.days_between({start_src}, {end_src})",
        )

    def need(self, node: ast.AST, typed: Typed, kind: str, what: str) -> None:
        if typed.type != kind:
            self.fail(
                node,
                f"{what} must be {_article(kind)} (got {_article(typed.type)}: '{ast.unparse(node)}')",
            )


def _safe(function: Callable[[float], float]) -> Callable[[float], float]:
    def apply(value: float) -> float:
        if math.isinf(value):
            return value
        return function(value)

    return apply


def _article(kind: str) -> str:
    return {NUMBER: "a number", BOOLEAN: "true/false", TEXT: "text", DATE: "a date"}[
        kind
    ]


def _describe_node(node: ast.AST) -> str:
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


def analyze(
    text: str, scope: dict[str, Symbol], on_divide_by_zero: float | None = None
) -> Analysis:
    """Parse and analyze one expression; problems are returned, not raised (except parse)."""
    tree = parse(text)
    return Analyzer(scope, on_divide_by_zero).run(tree)


# -- the scalar interpreter ------------------------------------------------------------
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


__all__ = ["Analysis", "ExprProblem", "Symbol", "Typed", "analyze", "evaluate", "parse"]
