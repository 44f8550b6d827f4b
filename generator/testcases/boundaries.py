"""Records that sit on the edges of a feature's expression, found by solving for them.

A feature is most likely wrong where its expression changes behaviour: at the constant
a comparison tests (`tenure_months < 6`: is it `<` or `<=`, 6 or 7?), at the bounds of a
`clip`, `min` or `max`, and at the edges of the feature's declared range. For each such
edge, each input the sub-expression reads is varied alone (the others keep the example's
values) to find the values that put the sub-expression just below, exactly at and just
above the edge. The expressions this language allows are monotonic in one input over a
small span, so two evaluations give the slope and a few more pin the exact value; every
value found is checked by evaluating again, and only values the contract accepts are
kept. Expected feature values still come from the interpreter, never from here.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
from collections.abc import Callable, Iterator
from typing import Any

from ..expressions import evaluate, parse
from ..spec import FeatureSpec, FieldSpec
from .cases import AS_OF, inside, numeric
from .conditions import atoms, deciding, value_for
from .records import Records

_SOLVABLE = ("integer", "float", "date", "datetime")
_ORIGIN = dt.datetime.fromisoformat(AS_OF)
_BOUNDED = ("clip", "min", "max")
_MOST_POINTS = 48  # per feature: a long expression must not flood the suite


class BoundaryPoints(Records):
    """Edge records of every expression feature, as (why, base, changes) points."""

    def boundary_points(self, feature: FeatureSpec) -> list[tuple[str, str, dict]]:
        points: list[tuple[str, str, dict]] = []
        seen: set[tuple] = set()
        tree = parse(feature.expr or "")
        for sub, target, what, node in _edges(feature, tree):
            harmless = self._harmless(tree, node)
            for name in _inputs_read(sub, self.spec.inputs):
                field = self.spec.inputs[name]
                others = {k: v for k, v in harmless.items() if k != name}
                # From each base record too: a condition that is not a comparison
                # (a true/false input) may hide the edge in one and not another.
                for base in self.bases:
                    for where, value in self._solve(
                        feature, sub, field, target, base, others
                    ):
                        key = (base, name, value)
                        if key in seen:
                            continue
                        seen.add(key)
                        why = f"{what} {target}: {where} ({name}={value}, {base})"
                        points.append((why, base, {**others, name: value}))
        return points[:_MOST_POINTS]

    def _harmless(self, tree: ast.AST, node: ast.AST | None) -> dict[str, Any]:
        """Values of the inputs of the other comparisons that let `node` decide."""
        if node is None:
            return {}
        required = deciding(tree, node)
        values = {}
        for atom in atoms(tree):
            field = self.spec.inputs.get(atom.name)
            if atom.node not in required or field is None or not field.is_numeric:
                continue
            value = value_for(atom, required[atom.node], field.type == "integer")
            value = numeric(field, value)
            if inside(field, value):
                values[atom.name] = value
        return values

    def _solve(
        self,
        feature: FeatureSpec,
        sub: str,
        field: FieldSpec,
        target: float,
        base: str,
        others: dict,
    ) -> Iterator[tuple[str, Any]]:
        """(where, value of `field`) just below, at and just above `sub` == target."""
        encode, decode, whole = _domain(field)

        def g(u: float) -> float | None:
            record = self.record(base, {**others, field.name: decode(u)})
            values = self.imputed(record)
            try:
                result = evaluate(sub, values, feature.on_divide_by_zero)
            except (ArithmeticError, ValueError, TypeError, OverflowError):
                return None
            number = float(result)
            return number if math.isfinite(number) else None

        # One unit apart: the slope of an expression this language allows is then
        # exact enough to land within a few steps of the edge.
        start = self.bases[base][field.name]
        if start is None:
            return
        start = encode(start)
        here, there = g(start), g(start + 1.0)
        if here is None or there is None or here == there:
            return
        guess = start + (target - here) / (there - here)
        found = [
            (value, decode(u))
            for u in _around(guess, whole)
            if (value := g(u)) is not None and inside(field, decode(u))
        ]
        # Exactly at the edge, and the nearest value on each side of it.
        yield from (("at", v) for value, v in found if value == target)
        below = [item for item in found if item[0] < target]
        above = [item for item in found if item[0] > target]
        if below:
            yield "below", max(below, key=lambda item: item[0])[1]
        if above:
            yield "above", min(above, key=lambda item: item[0])[1]


def _domain(field: FieldSpec) -> tuple[Callable, Callable, bool]:
    """(value -> number, number -> value, whether it moves in whole units)."""
    if field.type == "integer":
        return float, lambda u: int(round(u)), True
    if field.type == "float":
        return float, float, False

    # Dates and datetimes: whole days from the scoring time (as_of).
    def decode(u: float) -> str:
        moment = _ORIGIN + dt.timedelta(days=round(u))
        return moment.date().isoformat() if field.type == "date" else moment.isoformat()

    def encode(value: str) -> float:
        return (dt.datetime.fromisoformat(value) - _ORIGIN).total_seconds() / 86400

    return encode, decode, True


def _around(guess: float, whole: bool) -> list[float]:
    """The candidate values nearest `guess`: a few steps to each side."""
    if not math.isfinite(guess):
        return []
    if whole:  # integers and days
        centre = math.floor(guess)
        return [float(u) for u in range(centre - 1, centre + 3)]
    values = [guess]
    for sign in (-1.0, 1.0):
        u = guess
        for _ in range(3):
            u = math.nextafter(u, sign * math.inf)
            values.append(u)
    return sorted(values)


def _inputs_read(sub: str, inputs: dict[str, FieldSpec]) -> list[str]:
    names = {n.id for n in ast.walk(parse(sub)) if isinstance(n, ast.Name)}
    return sorted(n for n in names if n in inputs and inputs[n].type in _SOLVABLE)


def _number(node: ast.AST) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    return None


def _edges(
    feature: FeatureSpec, tree: ast.AST
) -> Iterator[tuple[str, float, str, ast.AST | None]]:
    """(sub-expression, the value where it changes behaviour, what that edge is, the
    comparison it belongs to, if any)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = node.left, node.comparators[0]
            for side, constant in ((left, right), (right, left)):
                value = _number(constant)
                if value is not None and _number(side) is None:
                    yield ast.unparse(side), value, f"{ast.unparse(node)}, edge", node
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in _BOUNDED:
            constants = [_number(a) for a in node.args]
            bounded = [
                a for a, c in zip(node.args, constants, strict=True) if c is None
            ]
            if len(bounded) == 1:
                for value in (c for c in constants if c is not None):
                    what = f"{node.func.id} bound of {ast.unparse(bounded[0])}"
                    yield ast.unparse(bounded[0]), value, what, None
    if feature.range is not None:
        for value, edge in zip(feature.range, ("low", "high"), strict=True):
            yield feature.expr or "", value, f"{feature.name} range {edge} edge", None


__all__ = ["BoundaryPoints"]
