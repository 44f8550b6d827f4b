"""Reading `features`: expression, encoded and custom features."""

from __future__ import annotations

from .. import schema as S
from ..yamlsource import Node
from .model import FeatureSpec
from .sections import SectionReader, positions

# The modules of a generated project's custom/ folder that are not custom features.
CUSTOM_TAKEN = frozenset({"routes"})


class FeaturesReader(SectionReader):
    """Reads `features`, each of exactly one kind: expr, encode or custom."""

    def features(self, node: Node) -> dict[str, FeatureSpec]:
        if node.value is None:
            return {}
        result: dict[str, FeatureSpec] = {}
        for name, value, mark in self.entries(
            node, "features", "feature names to features"
        ):
            path = f"features.{name}"
            if not self.identifier(
                name, mark, path, "feature"
            ) or not self.distinct_in_case(name, mark, path):
                continue
            entries = self.mapping(value, path, S.FEATURE)
            if entries is None:
                continue
            feature = FeatureSpec(name=name, at=positions(value, entries))
            feature.at["name"] = mark
            if "custom" in entries:
                feature.custom = bool(self.boolean(entries["custom"], f"{path}.custom"))
            kinds = [k for k in ("expr", "encode") if k in entries] + (
                ["custom"] if feature.custom else []
            )
            if len(kinds) != 1:
                got = " and ".join(kinds) or "none"
                self.problem(
                    value,
                    path,
                    f"a feature needs exactly one of 'expr', 'encode' and 'custom: true' (got {got})",
                )
            if feature.custom and name in CUSTOM_TAKEN:
                self.problem(
                    mark,
                    path,
                    f"a custom feature named {name!r} would overwrite the project's "
                    f"custom/{name}.py (expected another name)",
                )
            if "dtype" in entries:
                feature.dtype = (
                    self.choice(entries["dtype"], f"{path}.dtype", ("float", "boolean"))
                    or "float"
                )
                if not feature.custom:
                    self.problem(
                        entries["dtype"],
                        f"{path}.dtype",
                        "dtype applies to custom features (the type of an expression follows from it)",
                    )
            if "expr" in entries:
                feature.expr = self.text(
                    entries["expr"], f"{path}.expr", allow_empty=False
                )
                feature.expr_style = entries["expr"].style
            if "encode" in entries:
                feature.encode = self.choice(
                    entries["encode"], f"{path}.encode", S.ENCODINGS
                )
                feature.field = name
            if "field" in entries:
                feature.field = self.text(
                    entries["field"], f"{path}.field", allow_empty=False
                )
            if "range" in entries:
                feature.range = self.range(entries["range"], f"{path}.range")
            if "on_divide_by_zero" in entries:
                feature.on_divide_by_zero = self.number(
                    entries["on_divide_by_zero"], f"{path}.on_divide_by_zero"
                )
            feature.description = self.optional_text(entries, "description", path)
            result[name] = feature
        return result

    def range(self, node: Node, path: str) -> tuple[float, float] | None:
        items = self.sequence(node, path, "two numbers [low, high]")
        if node.is_sequence and len(items) != 2:
            self.problem(
                node, path, f"expected two numbers [low, high], got {len(items)} values"
            )
            return None
        if len(items) != 2:
            return None
        low, high = (self.number(item, f"{path}[{i}]") for i, item in enumerate(items))
        if low is None or high is None:
            return None
        if low > high:
            self.problem(node, path, f"expected low <= high, got [{low}, {high}]")
            return None
        return (low, high)
