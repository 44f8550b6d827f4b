"""Python source for values, written the way black would write it.

Generated code is emitted already formatted (design.md section 4): re-formatting after the
render would make every formatted line look like an owner's edit to the next update, and
running black on every file costs more than the rest of `modelplate new` together. So
literals come out with black's quote style, and the renderer only hands to black the rare
file that has a line longer than black's limit.
"""

from __future__ import annotations

import math
from typing import Any


def py_string(text: str) -> str:
    """A string literal in black's preferred quotes (double, unless that adds escapes)."""
    single = repr(text)
    if single.startswith('"'):
        return single  # repr chose double quotes because the text holds a single quote
    body = single[1:-1]
    if '"' in text:
        return single
    return '"' + body.replace("\\'", "'") + '"'


def py_literal(value: Any) -> str:
    """Python source for a JSON-like value (also NaN and infinities), safe to paste."""
    if isinstance(value, str):
        return py_string(value)
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return 'float("nan")'
        if math.isinf(value):
            return 'float("inf")' if value > 0 else '-float("inf")'
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(py_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items())
            + "}"
        )
    raise TypeError(f"no literal for {type(value).__name__}")


def strip_outer_parentheses(source: str) -> str:
    """`(a / b)` -> `a / b` when the parentheses wrap the whole expression (black drops them)."""
    if not (source.startswith("(") and source.endswith(")")):
        return source
    depth = 0
    for index, char in enumerate(source):
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and index < len(source) - 1:
            return source  # the first "(" closes before the end: "(a) + (b)"
    return source[1:-1]


__all__ = ["py_literal", "py_string", "strip_outer_parentheses"]
