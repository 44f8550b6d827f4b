"""Reading `inputs`: the fields of the contract, their types, bounds, values and imputation."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from .. import schema as S
from ..patterns import pattern_problem
from ..yamlsource import Node
from .model import FieldSpec
from .sections import SectionReader, positions


class InputsReader(SectionReader):
    """Reads `inputs`: the contract's fields and what to do with unknown ones."""

    def inputs(self, node: Node) -> tuple[dict[str, FieldSpec], str]:
        entries = self.mapping(node, "inputs", S.INPUTS)
        if entries is None:
            return {}, "reject"
        unknown = "reject"
        if "unknown_fields" in entries:
            unknown = (
                self.choice(
                    entries["unknown_fields"],
                    "inputs.unknown_fields",
                    ("reject", "ignore"),
                )
                or "reject"
            )
        fields: dict[str, FieldSpec] = {}
        if "fields" in entries:
            items = self.entries(
                entries["fields"], "inputs.fields", "field names to fields"
            )
            if entries["fields"].is_mapping and not items:
                self.problem(
                    entries["fields"],
                    "inputs.fields",
                    "expected at least one field, got none",
                )
            for name, value, mark in items:
                path = f"inputs.fields.{name}"
                if self.identifier(name, mark, path, "field") and self.distinct_in_case(
                    name, mark, path
                ):
                    spec_field = self.field(name, value, path)
                    if spec_field is not None:
                        fields[name] = spec_field
        return fields, unknown

    def field(self, name: str, node: Node, path: str) -> FieldSpec | None:
        entries = self.mapping(node, path, S.FIELD)
        if entries is None or "type" not in entries:
            return None
        kind = self.choice(entries["type"], f"{path}.type", S.FIELD_TYPES)
        if kind is None:
            return None
        result = FieldSpec(name=name, type=kind, at=positions(node, entries))
        if "nullable" in entries:
            result.nullable = bool(
                self.boolean(entries["nullable"], f"{path}.nullable")
            )
        for bound in ("min", "max"):
            if bound in entries:
                setattr(
                    result, bound, self.bound(kind, entries[bound], f"{path}.{bound}")
                )
        if "values" in entries:
            result.values = self.category_values(
                kind, entries["values"], f"{path}.values"
            )
        elif kind == "category":
            self.problem(
                node,
                path,
                "a category field needs 'values' (expected a list of text, got none)",
            )
        if "pattern" in entries:
            result.pattern = self.pattern(kind, entries["pattern"], f"{path}.pattern")
        if "role" in entries:
            result.role = self.choice(entries["role"], f"{path}.role", ("id",))
        if "impute" in entries:
            result.impute = self.choice(
                entries["impute"], f"{path}.impute", S.IMPUTE_STRATEGIES
            )
        if "fill_value" in entries:
            fill = entries["fill_value"]
            if fill.is_mapping or fill.is_sequence:
                self.expected(
                    fill, f"{path}.fill_value", "a number, text or true/false"
                )
            elif isinstance(fill.value, float) and not math.isfinite(fill.value):
                self.expected(fill, f"{path}.fill_value", "a finite value")
            else:
                result.fill_value = fill.value
        for key in ("unit", "wire_name", "producer", "description"):
            if key in entries:
                setattr(
                    result,
                    key,
                    self.text(entries[key], f"{path}.{key}", allow_empty=False),
                )
        result.description = result.description or ""
        return result

    def bound(self, kind: str, node: Node, path: str) -> Any:
        if kind in S.NUMERIC_TYPES:
            value = self.number(node, path)
            if value is not None and kind == "integer" and float(value) != int(value):
                self.problem(
                    node,
                    path,
                    f"expected a whole number for an integer field, got {value}",
                )
                return None
            return value
        if kind in S.TEMPORAL_TYPES:
            return self.temporal(kind, node, path)
        self.problem(
            node,
            path,
            f"min/max apply to integer, float, date and datetime fields (this field is {kind})",
        )
        return None

    def temporal(self, kind: str, node: Node, path: str) -> str | None:
        value = node.value
        try:
            if isinstance(value, dt.datetime):
                parsed: dt.date = value
            elif isinstance(value, dt.date):
                parsed = value
            elif isinstance(value, str):
                parsed = dt.datetime.fromisoformat(value)
            else:
                raise ValueError
        except ValueError:
            self.expected(node, path, f"an ISO {kind} like 2020-01-31")
            return None
        if kind == "date" and isinstance(parsed, dt.datetime):
            if parsed != dt.datetime.combine(parsed.date(), dt.time()):
                self.expected(node, path, "an ISO date like 2020-01-31 (no time)")
                return None
            # '2020-01-01' quoted reads as text and parses as a datetime: keep the date.
            parsed = parsed.date()
        if isinstance(parsed, dt.datetime) and parsed.tzinfo is not None:
            # Bounds are compared with naive timestamps: keep them in UTC, without zone.
            parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return parsed.isoformat()

    def pattern(self, kind: str, node: Node, path: str) -> str | None:
        if kind != "string":
            self.problem(
                node, path, f"pattern applies to string fields (this field is {kind})"
            )
            return None
        text = self.text(node, path, allow_empty=False)
        if text is None:
            return None
        problem = pattern_problem(text)
        if problem:
            self.problem(node, path, problem)
            return None
        return text
