"""The typed spec: the dataclasses `load_spec` returns once the YAML reads as the spec language.

Every object keeps `at`, the file position of itself ("") and of each of its keys, so that
cross-field checks (in `checks`) can point at the exact line a problem comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from .. import schema as S

Position = tuple[int, int]


@dataclass
class FieldSpec:
    name: str
    type: str
    nullable: bool = False
    min: Any = None
    max: Any = None
    values: list[str] | None = None
    pattern: str | None = None
    role: str | None = None
    impute: str | None = None
    fill_value: Any = None
    unit: str | None = None
    wire_name: str | None = None
    producer: str | None = None
    description: str = ""
    at: dict[str, Position] = _field(default_factory=dict)

    @property
    def is_id(self) -> bool:
        return self.role == "id"

    @property
    def is_numeric(self) -> bool:
        return self.type in S.NUMERIC_TYPES


@dataclass
class FeatureSpec:
    name: str
    expr: str | None = None
    encode: str | None = None
    field: str | None = None
    range: tuple[float, float] | None = None
    on_divide_by_zero: float | None = None
    custom: bool = False
    dtype: str = "float"
    description: str = ""
    at: dict[str, Position] = _field(default_factory=dict)
    expr_style: str | None = None


@dataclass
class TargetSpec:
    name: str
    type: str
    values: list[str] | None = None
    at: dict[str, Position] = _field(default_factory=dict)


@dataclass
class ModelSpec:
    task: str
    target: TargetSpec
    # One learner, or several candidates that training compares.
    algorithm: str | list[str] = "hist_gradient_boosting"
    # algorithm -> its hyperparameters (also for a single algorithm).
    params: dict[str, dict[str, Any]] = _field(default_factory=dict)
    # None: the registry's default (artifacts/model, or models:/<project name>).
    artifact: str | None = None
    registry: str = "folder"
    metric: str = ""
    min_metric: float | None = None
    max_metric: float | None = None
    features: list[str] | None = None
    features_at: list[Position] = _field(default_factory=list)
    test_size: float = 0.2
    seed: int = 0
    at: dict[str, Position] = _field(default_factory=dict)

    def root(self, project_name: str) -> str:
        """The model registry's root: the spec's, or its registry's default."""
        if self.artifact is not None:
            return self.artifact
        if self.registry == "mlflow":
            return f"models:/{project_name}"
        return "artifacts/model"


@dataclass
class RuleSpec:
    when: str
    then: str
    at: dict[str, Position] = _field(default_factory=dict)
    when_style: str | None = None


@dataclass
class DecisionsSpec:
    default: str
    output: str = "decision"
    rules: list[RuleSpec] = _field(default_factory=list)
    at: dict[str, Position] = _field(default_factory=dict)


@dataclass
class PrecomputeSpec:
    entity: str
    features: list[str]
    max_age: str = "24h"
    max_age_seconds: int = 86400
    store: str = "artifacts/features.sqlite"
    at: dict[str, Position] = _field(default_factory=dict)
    features_at: list[Position] = _field(default_factory=list)


@dataclass
class ResourcesSpec:
    memory_mb: int = 512
    cpus: float = 1
    latency_p99_ms: float = 50
    max_batch_records: int = 1000
    at: dict[str, Position] = _field(default_factory=dict)


@dataclass
class DriftSpec:
    method: str = "psi"
    warn: float = 0.1
    alert: float = 0.25
    window: int = 5000
    bins: int = 10
    # None: judged by the fixed warn and alert (runtime.calibration explains).
    false_alarm_rate: float | None = 0.01
    at: dict[str, Position] = _field(default_factory=dict)


@dataclass
class PerformanceSpec:
    metric: str | None = None
    alert_below: float | None = None
    alert_above: float | None = None
    window: str = "1d"
    at: dict[str, Position] = _field(default_factory=dict)


@dataclass
class MonitoringSpec:
    drift: DriftSpec = _field(default_factory=DriftSpec)
    performance: PerformanceSpec = _field(default_factory=PerformanceSpec)


@dataclass
class Spec:
    """A spec that reads as the spec language (cross-field rules are `check`'s job)."""

    file: str
    text: str
    spec_version: int
    name: str
    inputs: dict[str, FieldSpec]
    model: ModelSpec
    description: str = ""
    owner: str = ""
    unknown_fields: str = "reject"
    features: dict[str, FeatureSpec] = _field(default_factory=dict)
    decisions: DecisionsSpec | None = None
    precompute: PrecomputeSpec | None = None
    resources: ResourcesSpec = _field(default_factory=ResourcesSpec)
    monitoring: MonitoringSpec = _field(default_factory=MonitoringSpec)
    at: dict[str, Position] = _field(default_factory=dict)
    broken: set[str] = _field(default_factory=set)

    @property
    def package(self) -> str:
        return self.name.replace("-", "_")

    @property
    def id_field(self) -> str | None:
        return next((f.name for f in self.inputs.values() if f.is_id), None)
