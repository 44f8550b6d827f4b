"""YAML scalars that read back as exactly the value written, quoted only when needed."""

from __future__ import annotations

import re
from typing import Any

import yaml


def scalar(value: Any) -> str:
    """One YAML scalar that reads back as exactly `value` (quoted when YAML would not)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text:  # PyYAML reads 1e-05 as text; it needs a dot and a signed power
            mantissa, power = text.split("e")
            mantissa = mantissa if "." in mantissa else f"{mantissa}.0"
            text = f"{mantissa}e{'' if power[0] in '+-' else '+'}{power}"
        return text
    text = str(value)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-/]*(?: [A-Za-z0-9_.\-/]+)*", text):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return _double_quoted(text)


def _double_quoted(text: str) -> str:
    escaped = []
    for char in text:
        if char in ('"', "\\"):
            escaped.append("\\" + char)
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\t":
            escaped.append("\\t")
        elif ord(char) < 32 or ord(char) == 127 or 0xD800 <= ord(char) <= 0xDFFF:
            escaped.append(f"\\x{ord(char):02x}" if ord(char) < 256 else "\\ufffd")
        elif not char.isprintable():
            escaped.append(
                f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
            )
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'
