"""What the checks hand on: a spec that passed every rule, with what they learned about it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..expressions import Analysis
from ..spec import FeatureSpec, FieldSpec, Spec
from ..team import TeamDefaults


def one_hot_columns(source: FieldSpec) -> list[str]:
    """The model columns a category field's one-hot encoding makes, one per value."""
    return [f"{source.name}={value}" for value in source.values or []]


@dataclass
class CheckedSpec:
    """A spec that passed every rule, with what the checks learned about it."""

    spec: Spec
    features: dict[str, Analysis]
    rules: list[Analysis]
    columns: list[str]
    notes: list[str] = field(default_factory=list)
    team: TeamDefaults = field(default_factory=TeamDefaults)  # what the spec inherits

    def feature_columns(self, feature: FeatureSpec) -> list[str]:
        if feature.encode:
            return one_hot_columns(self.spec.inputs[feature.field or feature.name])
        return [feature.name]
