"""Typed reads of YAML `Node`s that collect problems instead of stopping at the first.

Every read names what was expected and what was found, at the node's file:line:col, so a
spec author fixes all mistakes in one round.
"""

from __future__ import annotations

import difflib
import keyword
import re
import sys
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from .errors import Problem
from .schema import Section
from .yamlsource import Node, describe

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
SERVICE_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+){0,10}")
DURATION = re.compile(r"([1-9][0-9]{0,5})(s|m|h|d|w)")
DURATION_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

# Names the generated code or the expression language already uses; a field or feature
# called like one of these would shadow it.
RESERVED_NAMES = frozenset(
    {"as_of", "score", "prediction", "probabilities", "inputs", "raw", "features"}
    | {"outputs", "np", "pd", "F", "true", "false", "null", "none"}
    | {"log1p", "log", "sqrt", "abs", "clip", "min", "max", "days_between", "is_null"}
    | {"coalesce", "build_features", "derive_features", "assemble", "impute"}
    | {"Imputer", "Feature", "Field", "FIELDS", "MODEL_COLUMNS", "FEATURE_RANGES"}
    | {"ENCODINGS", "EXPRESSIONS", "CUSTOM", "Callable", "Mapping", "FeatureError"}
    | {"FEATURES", "Features", "CONTRACT", "DECISIONS", "Decisions", "Rule"}
)
# Package names that would shadow what the generated service imports.
TAKEN_PACKAGES = frozenset(sys.stdlib_module_names) | {
    "numpy",
    "pandas",
    "sklearn",
    "scipy",
    "pydantic",
    "pydantic_settings",
    "skops",
    "pyarrow",
    "fastapi",
    "uvicorn",
    "pytest",
    "hypothesis",
    "modelplate",
    "copier",
    "yaml",
    # What a generated project installs (its pyproject) and what those import,
    # and its own `tests` package.
    "msgspec",
    "onnx",
    "onnxruntime",
    "skl2onnx",
    "google",
    "prometheus_client",
    "fsspec",
    "psutil",
    "dask",
    "distributed",
    "httpx",
    "httpx2",
    "httpcore",
    "h11",
    "anyio",
    "sniffio",
    "idna",
    "certifi",
    "starlette",
    "pydantic_core",
    "annotated_types",
    "typing_extensions",
    "typing_inspection",
    "joblib",
    "threadpoolctl",
    "cloudpickle",
    "toolz",
    "tlz",
    "partd",
    "locket",
    "tblib",
    "zict",
    "sortedcontainers",
    "tornado",
    "msgpack",
    "click",
    "jinja2",
    "markupsafe",
    "packaging",
    "dateutil",
    "tzdata",
    "six",
    "black",
    "ruff",
    "importlinter",
    "grimp",
    "pluggy",
    "iniconfig",
    "_pytest",
    "setuptools",
    "pkg_resources",
    "pip",
    "dotenv",
    "uvloop",
    "httptools",
    "websockets",
    "watchfiles",
    "tests",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


class Reader:
    """Reads typed values out of Nodes, recording a Problem for each mistake."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []
        self.spellings: dict[str, tuple[str, int]] = {}  # casefold -> first name, line

    def problem(self, node: Node | tuple[int, int], path: str, message: str) -> None:
        line, column = (node.line, node.column) if isinstance(node, Node) else node
        self.problems.append(Problem(self.filename, line, column, path, message))

    def expected(self, node: Node, path: str, what: str) -> None:
        hint = ""
        if isinstance(node.value, bool) and not node.quoted:
            hint = "; YAML reads yes/no/on/off/true/false as booleans: quote it"
        self.problem(node, path, f"expected {what}, got {describe_node(node)}{hint}")

    # -- containers ------------------------------------------------------------------
    def mapping(
        self, node: Node, path: str, section: Section
    ) -> dict[str, Node] | None:
        """The mapping's entries, after reporting unknown and missing keys."""
        if not node.is_mapping:
            self.expected(node, path, "a mapping")
            return None
        allowed = section.names()
        for key in node.value:
            if key not in allowed:
                self.problem(
                    node.key_marks[key],
                    join(path, key),
                    f"unknown key '{key}' (expected one of: {', '.join(allowed)})"
                    + did_you_mean(key, allowed),
                )
        for key in section.keys:
            if key.default == "required" and key.name not in node.value:
                self.problem(
                    node, path or "(top level)", f"missing required key '{key.name}'"
                )
        return {k: v for k, v in node.value.items() if k in allowed}

    def entries(
        self, node: Node, path: str, what: str
    ) -> list[tuple[str, Node, tuple[int, int]]]:
        """A mapping of user-chosen names (fields, features) -> (name, value, key mark)."""
        if not node.is_mapping:
            self.expected(node, path, f"a mapping of {what}")
            return []
        return [(k, v, node.key_marks[k]) for k, v in node.value.items()]

    def sequence(self, node: Node, path: str, what: str) -> list[Node]:
        if not node.is_sequence:
            self.expected(node, path, f"a list of {what}")
            return []
        return node.value

    # -- scalars ---------------------------------------------------------------------
    def text(self, node: Node, path: str, allow_empty: bool = True) -> str | None:
        if not isinstance(node.value, str):
            self.expected(node, path, "text")
            return None
        problem = text_problem(node.value)
        if problem:
            self.problem(node, path, problem)
            return None
        if not allow_empty and not node.value.strip():
            self.problem(node, path, "expected non-empty text, got ''")
            return None
        return node.value

    def integer(self, node: Node, path: str, low: int | None = None) -> int | None:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int):
            self.expected(node, path, "a whole number")
            return None
        if low is not None and value < low:
            self.problem(node, path, f"expected a whole number >= {low}, got {value}")
            return None
        return value

    def number(self, node: Node, path: str) -> float | int | None:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.expected(node, path, "a number")
            if isinstance(value, str) and _looks_numeric(value):
                last = self.problems.pop()
                hint = f"; YAML 1.1 reads {value!r} as text: write e.g. 1.0e+5, or the number in full"
                self.problems.append(replace(last, message=last.message + hint))
            return None
        try:
            magnitude = abs(float(value))
        except OverflowError:
            magnitude = float("inf")
        if magnitude != magnitude or magnitude > MAX_MAGNITUDE:
            shown = str(value)[:40]
            self.problem(
                node,
                path,
                f"expected a finite number of at most {MAX_MAGNITUDE:g} in size, got {shown}",
            )
            return None
        return value

    def positive(self, node: Node, path: str) -> float | int | None:
        value = self.number(node, path)
        if value is not None and value <= 0:
            self.problem(node, path, f"expected a number > 0, got {value}")
            return None
        return value

    def boolean(self, node: Node, path: str) -> bool | None:
        if not isinstance(node.value, bool):
            self.expected(node, path, "true or false")
            return None
        return node.value

    def choice(self, node: Node, path: str, choices: Iterable[str]) -> str | None:
        choices = tuple(choices)
        if not isinstance(node.value, str) or node.value not in choices:
            found = describe_node(node)
            hint = (
                did_you_mean(node.value, choices) if isinstance(node.value, str) else ""
            )
            self.problem(
                node, path, f"expected one of {', '.join(choices)}, got {found}{hint}"
            )
            return None
        return node.value

    def identifier(
        self, name: Any, where: Node | tuple[int, int], path: str, what: str
    ) -> bool:
        """Whether `name` is safe to use as a Python name and a column name."""
        problem = identifier_problem(name)
        if problem:
            self.problem(where, path, f"{what} {problem}")
        return problem is None

    def distinct_in_case(
        self, name: str, where: Node | tuple[int, int], path: str
    ) -> bool:
        """Whether `name` differs from every other name so far in more than case.

        Custom features are files and precomputed features SQLite columns, and both
        ignore case on some systems; the same name twice (a field and its encoding) is
        fine.
        """
        line = where.line if isinstance(where, Node) else where[0]
        first, first_line = self.spellings.setdefault(name.casefold(), (name, line))
        if first == name:
            return True
        self.problem(
            where,
            path,
            f"name {name!r} differs from {first!r} (line {first_line}) only in case "
            "(expected names that differ in more than case)",
        )
        return False

    def duration(self, node: Node, path: str) -> int | None:
        """Seconds in a duration like 30m, 24h or 7d."""
        match = DURATION.fullmatch(node.value) if isinstance(node.value, str) else None
        if not match:
            self.expected(node, path, "a duration like 30m, 24h or 7d")
            return None
        return int(match.group(1)) * DURATION_SECONDS[match.group(2)]


MAX_MAGNITUDE = 1e300  # any finite float; larger integers cannot become one


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def identifier_problem(name: Any) -> str | None:
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
        return (
            f"name {name!r} is not a safe identifier (expected letters, digits and '_', "
            "starting with a letter or '_', at most 64 characters)"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"name {name!r} is a Python keyword (expected a name that is not)"
    if name in RESERVED_NAMES:
        return f"name {name!r} is reserved by modelplate (expected another name)"
    if name.startswith("__"):
        return f"name {name!r} starts with '__' (expected a name that does not)"
    return None


# What `new` would find left of a template in a generated file (render._verify).
TEMPLATE_MARKERS = ("{{", "{%")


def text_problem(text: str) -> str | None:
    """Why a text of the spec cannot go into generated files, or None."""
    for marker in TEMPLATE_MARKERS:
        if marker in text:
            return (
                f"expected text without {marker!r} (template syntax is not allowed in "
                f"a spec), got {text[:60]!r}"
            )
    return None


def describe_node(node: Node) -> str:
    if node.is_mapping:
        return "a mapping"
    if node.is_sequence:
        return "a list"
    return describe(node.value)


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


__all__ = ["Reader", "did_you_mean", "identifier_problem", "join", "text_problem"]
