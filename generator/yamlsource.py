"""YAML text -> a tree of `Node`s that remember where each value was written.

We build the tree from PyYAML's event stream instead of `yaml.safe_load` because the spec
language needs three things safe_load cannot give: the line and column of every key and
value (for `file:line:col` errors), duplicate keys as errors (safe_load keeps the last one
silently), and aliases refused (an alias makes one edit change two places of a spec).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .errors import Problem, SpecError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = Resolver()
_constructor = SafeConstructor()


@dataclass
class Node:
    """A YAML value with its position (1-based line and column).

    ``value`` is a ``dict[str, Node]`` for a mapping, a ``list[Node]`` for a sequence and a
    plain Python scalar otherwise. For mappings, ``key_marks`` holds where each key was
    written, so that "unknown key" points at the key, not at its value.
    """

    value: Any
    line: int
    column: int
    style: str | None = None  # None (plain), ' or " (quoted), | or > (block)
    key_marks: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def quoted(self) -> bool:
        return self.style in ("'", '"')

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.value, list)

    def plain(self) -> Any:
        """The value without positions, as `yaml.safe_load` would give it."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


def _mark(event: yaml.Event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _scalar(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    node = yaml.ScalarNode(
        tag, event.value, event.start_mark, event.end_mark, event.style
    )
    return _constructor.construct_object(node, deep=True)


_UNSEEN = object()
MAX_DEPTH = 50  # a spec nests five levels; far deeper is a mistake or an attack


class _TooDeep(Exception):
    def __init__(self, line: int, column: int, path: str):
        super().__init__(path)
        self.line, self.column, self.path = line, column, path


class _Builder:
    """Turns the event stream into Nodes, collecting problems instead of stopping."""

    def __init__(self, text: str, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []
        self.events = iter(yaml.parse(text, Loader=_Loader))
        self.depth = 0
        # A spec repeats the same keys and small values thousands of times; resolving
        # each once keeps reading a wide spec linear at a small constant.
        self.scalars: dict[tuple, Any] = {}

    def problem(self, line: int, column: int, path: str, message: str) -> None:
        self.problems.append(Problem(self.filename, line, column, path, message))

    def document(self) -> Node | None:
        root: Node | None = None
        documents = 0
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                node = self.node(next(self.events), "")
                if documents == 1:
                    root = node
                else:
                    self.problem(
                        node.line,
                        node.column,
                        "",
                        "a spec is one YAML document (expected one, got a second '---')",
                    )
        return root

    def node(self, event: yaml.Event, path: str) -> Node:
        line, column = _mark(event)
        if isinstance(event, yaml.CollectionStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _TooDeep(line, column, path)
            try:
                return self._node(event, path, line, column)
            finally:
                self.depth -= 1
        return self._node(event, path, line, column)

    def _node(self, event: yaml.Event, path: str, line: int, column: int) -> Node:
        if isinstance(event, yaml.AliasEvent):
            self.problem(
                line,
                column,
                path,
                f"YAML aliases are not allowed (got *{event.anchor}); write the value out",
            )
            return Node(None, line, column)
        if getattr(event, "anchor", None):
            self.problem(
                line,
                column,
                path,
                f"YAML anchors are not allowed (got &{event.anchor}); write the value out",
            )
        if isinstance(event, yaml.ScalarEvent):
            key = (event.tag, event.value, event.implicit, event.style)
            try:
                value = self.scalars.get(key, _UNSEEN)
                if value is _UNSEEN:
                    value = self.scalars[key] = _scalar(event)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                # PyYAML resolved the text to a type it then cannot build (2024-13-45).
                self.problem(line, column, path, f"cannot read {event.value!r}: {exc}")
                value = event.value
            return Node(value, line, column, style=event.style)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Node] = []
            child = next(self.events)
            while not isinstance(child, yaml.SequenceEndEvent):
                items.append(self.node(child, f"{path}[{len(items)}]"))
                child = next(self.events)
            return Node(items, line, column)
        if isinstance(event, yaml.MappingStartEvent):
            return self.mapping(line, column, path)
        raise AssertionError(f"unexpected YAML event {event!r}")  # pragma: no cover

    def mapping(self, line: int, column: int, path: str) -> Node:
        result = Node({}, line, column)
        while True:
            key_event = next(self.events)
            if isinstance(key_event, yaml.MappingEndEvent):
                return result
            key_node = self.node(key_event, path)
            value_path = key_node.value
            if not isinstance(key_node.value, str):
                self.problem(
                    key_node.line,
                    key_node.column,
                    path,
                    f"keys must be text (got {describe(key_node.value)}"
                    + (_BOOL_HINT if isinstance(key_node.value, bool) else ")"),
                )
                value_path = str(key_node.value)
            child_path = f"{path}.{value_path}" if path else str(value_path)
            value = self.node(next(self.events), child_path)
            if not isinstance(key_node.value, str):
                continue
            if key_node.value in result.value:
                first_line, _ = result.key_marks[key_node.value]
                self.problem(
                    key_node.line,
                    key_node.column,
                    child_path,
                    f"duplicate key (first written on line {first_line}); "
                    "YAML would silently keep only the last one",
                )
                continue
            result.value[key_node.value] = value
            result.key_marks[key_node.value] = (key_node.line, key_node.column)


_BOOL_HINT = "; YAML reads yes/no/on/off/true/false as booleans: quote it)"


def describe(value: Any) -> str:
    """How a value reads in an error message: its kind and its text."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    kind = {bool: "boolean", int: "integer", float: "number", str: "text"}.get(
        type(value)
    )
    return f"{kind or type(value).__name__} {value!r}"


def parse_yaml(text: str, filename: str) -> Node:
    """Parse one YAML document into Nodes; raise SpecError on any YAML-level problem."""
    builder = _Builder(text, filename)
    try:
        root = builder.document()
    except _TooDeep as exc:
        message = f"nested too deeply (expected at most {MAX_DEPTH} levels)"
        raise SpecError(
            [Problem(filename, exc.line, exc.column, exc.path, message)]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        raise SpecError(
            [Problem(filename, line, column, "", f"YAML syntax error: {what}{context}")]
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every parser error is marked
        raise SpecError([Problem(filename, 1, 1, "", f"YAML error: {exc}")]) from None
    if root is None:
        builder.problem(
            1, 1, "", "the file is empty (expected a spec: spec_version, name, ...)"
        )
    if builder.problems:
        raise SpecError(builder.problems)
    assert root is not None
    return root


__all__ = ["Node", "describe", "parse_yaml"]
