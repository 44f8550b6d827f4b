"""Python source for values, written the way black would write it.

Generated code is emitted already formatted (design.md section 4): re-formatting after the
render would make every formatted line look like an owner's edit to the next update, and
running black on every file costs more than the rest of `modelplate new` together. So
literals come out with black's quote style, and the renderer only hands to black the rare
file that has a line longer than black's limit.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any


def py_string(text: str) -> str:
    """A string literal as black writes it: double quotes, unless the text holds more
    double quotes than single ones (the same rule as the template's `py` macro)."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + "".join(_py_char(char, quote) for char in text) + quote


def _py_char(char: str, quote: str) -> str:
    if char == quote or char == "\\":
        return "\\" + char
    if char.isprintable():
        return char
    return repr(char)[1:-1]  # \n, \x00, \u2028: never a line break in the source


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


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n"}
_TOML_ESCAPES |= {"\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are not TOML's: no surrogate pairs)."""
    return '"' + "".join(_toml_char(char) for char in text) + '"'


def _toml_char(char: str) -> str:
    if char in _TOML_ESCAPES:
        return _TOML_ESCAPES[char]
    if unicodedata.category(char) == "Cc":
        return f"\\u{ord(char):04x}"
    return char


def comment_text(text: str) -> str:
    """Text that stays on one `#` comment line: any line break or control character
    (a carriage return ends a Python comment too) becomes a space."""
    return "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in text
    )


_EMAIL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}")


def toml_authors(owner: str) -> str:
    """pyproject's `authors`: an e-mail address as `email`, anything else as `name`
    (packaging refuses to build a project whose `email` is not an address)."""
    key = "email" if _EMAIL.fullmatch(owner) else "name"
    return f"[{{ {key} = {toml_string(owner)} }}]"


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


__all__ = [
    "comment_text",
    "py_literal",
    "py_string",
    "strip_outer_parentheses",
    "toml_authors",
    "toml_string",
]
