"""The typed spec: what `load_spec` returns once the YAML reads as the spec language.

`model` holds the dataclasses; `reading` reads the top level and hands each section to its
reader (`inputs`, `features`, `training`, `operations`), which share `sections`.
"""

from .model import (
    DecisionsSpec,
    DriftSpec,
    FeatureSpec,
    FieldSpec,
    ModelSpec,
    MonitoringSpec,
    PerformanceSpec,
    Position,
    PrecomputeSpec,
    ResourcesSpec,
    RuleSpec,
    Spec,
    TargetSpec,
)
from .reading import read_spec, read_spec_file, read_spec_partially, read_spec_text

__all__ = [
    "DecisionsSpec",
    "DriftSpec",
    "FeatureSpec",
    "FieldSpec",
    "ModelSpec",
    "MonitoringSpec",
    "PerformanceSpec",
    "Position",
    "PrecomputeSpec",
    "ResourcesSpec",
    "RuleSpec",
    "Spec",
    "TargetSpec",
    "read_spec",
    "read_spec_file",
    "read_spec_partially",
    "read_spec_text",
]
