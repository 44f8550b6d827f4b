"""Parsing an expression's text into an `ast` tree, within limits of size and depth."""

from __future__ import annotations

import ast

from .terms import ExprProblem

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_DEPTH = 40


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
