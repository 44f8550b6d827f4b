# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Plain data as block-style YAML text, for the files operators read and tools load
(alerting rules, Kubernetes manifests).

A service installs no YAML library, and these documents hold only mappings, lists,
strings, numbers, booleans and None. A string is written bare only when YAML reads
it back as the same string, else in single quotes when it holds none (YAML reads
those as written), else as a JSON string, which YAML reads as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

__all__ = ["dump"]

_BARE = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*")
# Words YAML 1.1 (PyYAML, kubectl) reads as booleans or null.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = json.dumps(value)
        # YAML 1.1 reads an exponent without a dot ("1e+16") as a string.
        return text.replace("e", ".0e", 1) if "e" in text and "." not in text else text
    if isinstance(value, str):
        if _BARE.fullmatch(value) and value.lower() not in _RESERVED:
            return value
        if value.isprintable() and "'" not in value:
            return f"'{value}'"  # read as written: no escapes (PromQL's quotes)
        return _double_quoted(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _double_quoted(value: str) -> str:
    """Printable ASCII as is, every other character escaped: YAML refuses some raw
    (DEL, C1 controls) and reads no surrogate pairs, so each is one ``\\U``."""
    escaped = []
    for char in value:
        if char in '"\\':
            escaped.append("\\" + char)
        elif " " <= char <= "~":
            escaped.append(char)
        else:
            escaped.append(f"\\U{ord(char):08x}")
    return '"' + "".join(escaped) + '"'


def _empty(value: object) -> str | None:
    if isinstance(value, Mapping) and not value:
        return "{}"
    if isinstance(value, list | tuple) and not value:
        return "[]"
    return None


def _lines(value: object, indent: str) -> list[str]:
    if _empty(value) is not None:
        return [f"{indent}{_empty(value)}"]
    if isinstance(value, Mapping):
        lines = []
        for key, item in value.items():
            head = f"{indent}{_scalar(str(key))}:"
            lines.extend(_entry(head, item, indent + "  "))
        return lines
    if isinstance(value, Sequence) and not isinstance(value, str):
        lines = []
        for item in value:
            nested = _lines(item, indent + "  ")
            if _empty(item) is None and isinstance(item, Mapping | list | tuple):
                # "- key: value" with the rest of the mapping (or list) below it.
                lines.append(f"{indent}- {nested[0].lstrip()}")
                lines.extend(nested[1:])
            else:
                lines.append(f"{indent}- {_empty(item) or _scalar(item)}")
        return lines
    return [f"{indent}{_scalar(value)}"]


def _entry(head: str, item: object, indent: str) -> list[str]:
    if _empty(item) is not None:
        return [f"{head} {_empty(item)}"]
    if isinstance(item, Mapping):
        return [head, *_lines(item, indent)]
    if isinstance(item, list | tuple):
        return [head, *_lines(item, indent[:-2])]  # "- " items align with the key
    return [f"{head} {_scalar(item)}"]


def dump(document: object, comment: str = "") -> str:
    """``document`` as YAML text, under ``comment`` (each line as a ``#`` line)."""
    header = [f"# {line}".rstrip() for line in comment.splitlines()]
    return "\n".join([*header, *_lines(document, "")]) + "\n"
