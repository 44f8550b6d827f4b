"""The comparisons of a condition, and the values that let one of them decide it.

Probing `score >= 0.9` at 0.9 proves nothing when the record also makes the rest of
`score >= 0.9 or (score >= 0.7 and fresh)` true: the answer is the same on both sides
of the edge. So while one comparison is probed, every other comparison is given the
value that makes it harmless (true beside an `and`, false beside an `or`): then the
whole condition turns exactly where the probed comparison does (modified condition /
decision coverage, as avionics software is tested).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

_FLIPPED = {
    ast.Lt: ast.Gt,
    ast.LtE: ast.GtE,
    ast.Gt: ast.Lt,
    ast.GtE: ast.LtE,
    ast.Eq: ast.Eq,
    ast.NotEq: ast.NotEq,
}


@dataclass(frozen=True)
class Atom:
    """`name OP number`, normalised so the name is on the left."""

    node: ast.Compare
    name: str
    op: type
    value: float


def atoms(tree: ast.AST) -> list[Atom]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        left, right, op = node.left, node.comparators[0], type(node.ops[0])
        if isinstance(left, ast.Constant) and isinstance(right, ast.Name):
            left, right, op = right, left, _FLIPPED[op]
        if (
            isinstance(left, ast.Name)
            and isinstance(right, ast.Constant)
            and type(right.value) in (int, float)
        ):
            found.append(Atom(node, left.id, op, right.value))
    return found


def value_for(atom: Atom, truth: bool, integer: bool) -> float:
    """A value of the atom's name that makes it `truth`."""
    op, value = atom.op, atom.value
    if not truth:  # a value that fails `x OP c` passes its negation
        op = {
            ast.Lt: ast.GtE,
            ast.LtE: ast.Gt,
            ast.Gt: ast.LtE,
            ast.GtE: ast.Lt,
            ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq,
        }[op]
    whole = integer or isinstance(value, int)
    if op is ast.Gt:
        return value + 1 if whole else math.nextafter(value, math.inf)
    if op in (ast.Lt, ast.NotEq):
        return value - 1 if whole else math.nextafter(value, -math.inf)
    return value


def deciding(tree: ast.AST, target: ast.AST) -> dict[ast.AST, bool]:
    """For each comparison other than `target`: the truth that lets `target` decide."""
    parents = {
        child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)
    }
    required: dict[ast.AST, bool] = {}
    node = target
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.BoolOp):
            harmless = isinstance(parent.op, ast.And)
            for sibling in parent.values:
                if sibling is not node:
                    _force(sibling, harmless, required)
        node = parent
    return required


def _force(node: ast.AST, truth: bool, required: dict[ast.AST, bool]) -> None:
    """Make `node` `truth` by making each comparison in it so (enough for and/or)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _force(node.operand, not truth, required)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            _force(value, truth, required)
    elif isinstance(node, ast.Compare):
        required[node] = truth


__all__ = ["Atom", "atoms", "deciding", "value_for"]
