"""What the readers of every spec section share: key positions and reads of lists of text."""

from __future__ import annotations

from ..reader import Reader, join
from ..yamlsource import Node
from .model import Position


def positions(node: Node, entries: dict[str, Node]) -> dict[str, Position]:
    """Where the mapping ("") and each of its keys' values are written."""
    marks = {key: (value.line, value.column) for key, value in entries.items()}
    marks[""] = (node.line, node.column)
    return marks


class SectionReader(Reader):
    """Reads common to several sections; each section's reader extends it."""

    def optional_text(self, entries: dict[str, Node], key: str, path: str = "") -> str:
        if key not in entries:
            return ""
        return self.text(entries[key], join(path, key)) or ""

    def category_values(self, kind: str, node: Node, path: str) -> list[str] | None:
        if kind != "category":
            self.problem(
                node, path, f"values apply to category fields (this field is {kind})"
            )
            return None
        items = self.sequence(node, path, "text")
        if node.is_sequence and not items:
            self.problem(
                node, path, "expected at least one category value, got an empty list"
            )
            return None
        values: list[str] = []
        seen: set[str] = set()  # a list would make a long list of values quadratic
        for index, item in enumerate(items):
            text = self.text(item, f"{path}[{index}]", allow_empty=False)
            if text is None:
                continue
            if text in seen:
                self.problem(
                    item, f"{path}[{index}]", f"duplicate category value {text!r}"
                )
                continue
            seen.add(text)
            values.append(text)
        return values or None

    def names(
        self, node: Node, path: str, what: str
    ) -> tuple[list[str], list[Position]]:
        """The non-empty texts of a list, with where each is written."""
        names: list[str] = []
        marks: list[Position] = []
        for index, item in enumerate(self.sequence(node, path, what)):
            name = self.text(item, f"{path}[{index}]", allow_empty=False)
            if name is not None:
                names.append(name)
                marks.append((item.line, item.column))
        return names, marks
