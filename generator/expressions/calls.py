"""Analysis of calls of the expression language's functions (`schema.FUNCTIONS`)."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable

from ..intervals import BOOL, Interval, interval_max, interval_min
from ..reader import did_you_mean
from ..schema import FUNCTIONS
from .terms import BOOLEAN, DATE, NUMBER, Typed
from .walking import Walker, rejected

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


class CallRules(Walker):
    """Arity, argument types and the range of each function's result."""

    def visit_Call(self, node: ast.Call) -> tuple[Typed, str]:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            shown = name or ast.unparse(node.func)
            self.fail(
                node,
                f"unknown function '{shown}' (expected one of {', '.join(FUNCTIONS)})"
                + (did_you_mean(name, FUNCTIONS) if name else ""),
            )
            return rejected()
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self.fail(
                node, f"{name} takes plain arguments (expected {FUNCTIONS[name][0]})"
            )
            return rejected()
        low, high = _ARITY[name]
        if not low <= len(node.args) <= high:
            self.fail(
                node,
                f"{name} takes {low if low == high else f'{low} to {high}'} arguments "
                f"(expected {FUNCTIONS[name][0]}, got {len(node.args)})",
            )
            return rejected()
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

    def need_args(
        self, node: ast.Call, args: list[tuple[Typed, str]], kind: str = NUMBER
    ) -> None:
        for index, (arg_node, (typed, _)) in enumerate(
            zip(node.args, args, strict=True)
        ):
            self.need(arg_node, typed, kind, f"argument {index + 1} of {node.func.id}")

    def _unary(
        self,
        node,
        args,
        function: Callable[[float], float],
        domain: Callable[[Interval], bool],
        why: str,
    ):
        self.need_args(node, args)
        (typed, src), name = args[0], node.func.id
        if not domain(typed.interval):
            self.fail(
                node.args[0],
                f"{name} of '{ast.unparse(node.args[0])}', whose range "
                f"{typed.interval.describe()} {why}; clip it first, e.g. {name}(clip(x, 1, 100))",
            )
            return rejected(typed.nullable)
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
        self.need_args(node, args)
        typed, src = args[0]
        return Typed(NUMBER, typed.interval.abs(), typed.nullable), f"F.abs({src})"

    def call_clip(self, node, args):
        self.need_args(node, args)
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
        self.need_args(node, args)
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
        self.need_args(node, args)
        interval = args[0][0].interval
        for typed, _ in args[1:]:
            interval = interval.union(typed.interval)
        nullable = all(t.nullable for t, _ in args)
        return (
            Typed(NUMBER, interval, nullable),
            "F.coalesce(" + ", ".join(s for _, s in args) + ")",
        )

    def call_days_between(self, node, args):
        self.need_args(node, args, DATE)
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


def _safe(function: Callable[[float], float]) -> Callable[[float], float]:
    def apply(value: float) -> float:
        if math.isinf(value):
            return value
        return function(value)

    return apply
