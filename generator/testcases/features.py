"""Cases of the features: expressions at their edges, and each encoded value's columns."""

from __future__ import annotations

import ast
import math

from ..expressions import parse
from ..spec import FeatureSpec
from .boundaries import BoundaryPoints
from .cases import case, inside, numeric, slug, unique_ids


class FeatureCases(BoundaryPoints):
    """Expected feature values and encoded columns, one case per point of interest."""

    def feature_cases(self) -> list[dict]:
        cases = []
        for feature in self.spec.features.values():
            if not feature.expr:
                continue
            points = [
                ("example", "example", {}),
                ("all inputs at their minimum", "minimums", {}),
                ("all inputs at their maximum", "maximums", {}),
            ]
            points += self._edge_points(feature)
            points += self.boundary_points(feature)
            for why, base, changes in points:
                expected = self.feature_value(feature, self.record(base, changes))
                if isinstance(expected, float) and not math.isfinite(expected):
                    continue
                cases.append(
                    case(
                        f"{feature.name}-{slug(why)}",
                        base,
                        changes,
                        feature=feature.name,
                        expected=expected,
                        why=why,
                    )
                )
        return unique_ids(cases)

    def _edge_points(self, feature: FeatureSpec) -> list[tuple[str, str, dict]]:
        """Records at the places a feature is most likely to be wrong."""
        points = []
        for node in ast.walk(parse(feature.expr or "")):
            if (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Div)
                and isinstance(node.right, ast.Name)
            ):
                f = self.spec.inputs.get(node.right.id)
                if f is not None and f.is_numeric and inside(f, 0):
                    points.append(
                        (
                            f"{f.name} is 0 (division by zero)",
                            "example",
                            {f.name: numeric(f, 0)},
                        )
                    )
                # Next to zero: where a guard written as `== 0` and one written as
                # `< 1` (or a forgotten sign) part ways.
                step = 1 if f is not None and f.type == "integer" else 1e-6
                for near in (step, -step):
                    if f is not None and f.is_numeric and inside(f, near):
                        why = f"{f.name} is {near} (next to zero)"
                        points.append((why, "example", {f.name: numeric(f, near)}))
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                "log",
                "log1p",
                "sqrt",
            ):
                for arg in ast.walk(node):
                    f = self.spec.inputs.get(getattr(arg, "id", ""))
                    if f is not None and f.is_numeric and f.min is not None:
                        why = f"{f.name} at its minimum {f.min} inside {node.func.id}"
                        points.append((why, "example", {f.name: numeric(f, f.min)}))
        for name in self.checked.features[feature.name].names:
            f = self.spec.inputs.get(name)
            if f is not None and f.nullable:
                how = f"imputed with {f.impute}" if f.impute else "left null"
                points.append((f"{name} is null ({how})", "example", {name: None}))
        return points

    def encoding_cases(self) -> list[dict]:
        cases = []
        for feature in self.spec.features.values():
            if not feature.encode:
                continue
            f = self.spec.inputs[feature.field or feature.name]
            columns = self.checked.feature_columns(feature)
            for value in f.values or []:
                expected = {c: float(c == f"{f.name}={value}") for c in columns}
                cases.append(
                    case(
                        f"{feature.name}-{value}",
                        changes={f.name: value},
                        feature=feature.name,
                        expected=expected,
                        why=f"{value} sets its own column only",
                    )
                )
            if f.nullable:
                filled = self.imputation.get(f.name)
                expected = {
                    c: float(filled is not None and c == f"{f.name}={filled}")
                    for c in columns
                }
                why = (
                    f"null is imputed with {filled!r}"
                    if filled is not None
                    else "null encodes as all zeros"
                )
                cases.append(
                    case(
                        f"{feature.name}-null",
                        changes={f.name: None},
                        feature=feature.name,
                        expected=expected,
                        why=why,
                    )
                )
        return unique_ids(cases)
