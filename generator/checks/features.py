"""Rules of the features: expressions that are typed, guarded, non-null and within range."""

from __future__ import annotations

from ..expressions import BOOLEAN, NUMBER, Analysis
from ..reader import did_you_mean
from ..spec import FeatureSpec
from .base import Checker
from .scopes import feature_scope


class FeatureRules(Checker):
    """Checks `features` and analyses their expressions for the later stages."""

    def features(self) -> dict[str, Analysis]:
        scope = feature_scope(self.spec)
        results: dict[str, Analysis] = {}
        for feature in self.spec.features.values():
            path = f"features.{feature.name}"
            if feature.encode:
                self.encoding(feature, path)
                continue
            if feature.name in self.spec.inputs:
                self.at(
                    feature.at["name"],
                    path,
                    f"a feature cannot have the name of the input field '{feature.name}' (expected another name)",
                )
            if feature.custom and "on_divide_by_zero" in feature.at:
                self.at(
                    feature.at["on_divide_by_zero"],
                    f"{path}.on_divide_by_zero",
                    "on_divide_by_zero applies to expression features; a custom feature handles its own zeros",
                )
            if feature.expr is None:
                continue
            analysis = self.expression(
                feature.expr,
                scope,
                feature.on_divide_by_zero,
                feature.at["expr"],
                feature.expr_style,
                f"{path}.expr",
            )
            if analysis is None:
                continue
            results[feature.name] = analysis
            self.feature_facts(feature, analysis, path)
        return results

    def feature_facts(
        self, feature: FeatureSpec, analysis: Analysis, path: str
    ) -> None:
        typed = analysis.typed
        ids = [
            n
            for n in analysis.names
            if n in self.spec.inputs and self.spec.inputs[n].is_id
        ]
        if ids:
            self.at(
                feature.at["expr"],
                f"{path}.expr",
                f"the feature reads the id field '{ids[0]}'; an id never reaches the model, not even through a feature",
            )
        target = self.spec.model.target.name if self.spec.model else None
        if feature.name == target:
            self.at(
                feature.at["name"],
                path,
                f"a feature cannot have the name of the target '{target}' (expected another name)",
            )
        if typed.type not in (NUMBER, BOOLEAN):
            self.at(
                feature.at["expr"],
                f"{path}.expr",
                f"a feature must be a number or true/false (got {typed.type})",
            )
            return
        if feature.on_divide_by_zero is not None and not analysis.divisions:
            self.notes.append(
                f"{path}.on_divide_by_zero is never used: no denominator can be 0"
            )
        if typed.nullable:
            self.at(
                feature.at["expr"],
                f"{path}.expr",
                "the feature can be null (a nullable field without impute), and a NaN must never reach the model; add impute to the field or wrap it in coalesce(...)",
            )
        if feature.range is not None:
            low, high = feature.range
            if typed.type == BOOLEAN:
                self.at(
                    feature.at["range"],
                    f"{path}.range",
                    "a true/false feature has no range (expected no range)",
                )
            elif not typed.interval.within(low, high):
                self.at(
                    feature.at["range"],
                    f"{path}.range",
                    f"the inputs' ranges cannot guarantee this range (expected the computed bounds "
                    f"{typed.interval.describe()} to lie within [{low:g}, {high:g}]); widen the range, "
                    "narrow the inputs' min/max or clip the expression",
                )

    def encoding(self, feature: FeatureSpec, path: str) -> None:
        name = feature.field or feature.name
        source = self.spec.inputs.get(name)
        where = feature.at.get("field", feature.at["name"])
        if source is None:
            self.at(
                where,
                path,
                f"encoding of unknown field '{name}' (expected a category input field)"
                + did_you_mean(name, self.spec.inputs),
            )
        elif source.type != "category":
            self.at(
                where,
                path,
                f"one_hot encodes category fields (got '{name}' of type {source.type})",
            )
        elif source.is_id:
            self.at(
                where, path, f"'{name}' is the id field; an id never reaches the model"
            )
        for key in ("range", "on_divide_by_zero"):
            if key in feature.at:
                self.at(
                    feature.at[key],
                    f"{path}.{key}",
                    f"{key} applies to expression features, not encodings",
                )
