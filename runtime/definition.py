# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""What a service is, as data: the interface between the runtime and a service.

A generated package describes its service with these objects (its ``contracts.py``
builds the ``Contract``, ``features.py`` the ``Features``, ``decisions.py`` the
``Decisions``, ``model.py`` the ``Model``, ...) and its ``service.py`` bundles them
into one ``Service``, which every runtime entry point takes as an argument. The
runtime never reads a service's modules by name and nothing here is templated:
a value is stated once, in the service's package, and everything else (the
contract hash, the fields a request carries, the JSON Schema) is derived from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

__all__ = [
    "FIELD_TYPES",
    "TASKS",
    "Columns",
    "Contract",
    "Decisions",
    "Drift",
    "Feature",
    "Features",
    "Field",
    "Model",
    "Monitoring",
    "Performance",
    "Precompute",
    "Resources",
    "Rule",
    "Service",
    "request_fields",
]

FIELD_TYPES = ("integer", "float", "boolean", "string", "category", "date", "datetime")
TASKS = ("binary_classification", "multiclass_classification", "regression")

# A batch as a frame, or one record as a mapping of column name to a length-1 array
# (the service's per-request path): the compiled feature and rule source runs on both.
Columns = pd.DataFrame | Mapping[str, np.ndarray]

# A derived feature: (imputed inputs, raw inputs, as_of) -> its values on those rows.
Feature = Callable[[Columns, Columns, pd.Timestamp], object]


@dataclass(frozen=True)
class Field:
    """One declared input field. ``minimum``/``maximum`` are ISO strings for dates."""

    name: str
    type: str
    nullable: bool = False
    minimum: float | str | None = None
    maximum: float | str | None = None
    values: tuple[str, ...] | None = None
    pattern: str | None = None
    role: str | None = None
    impute: str | None = None
    impute_value: object = None
    unit: str | None = None
    producer: str | None = None
    wire_name: str | None = None  # what the producer sends, when not ``name``


# The parts of a field that decide what the contract accepts and how values are
# imputed; units, producers and descriptions can change without retraining.
_HASHED = ("name", "type", "nullable", "minimum", "maximum", "values", "pattern")
_HASHED += ("role", "impute", "impute_value", "wire_name")


@dataclass(frozen=True)
class Contract:
    """The input contract with the producers: the fields, in order, and what to do
    with a field the contract does not declare (``"reject"`` or ``"ignore"``)."""

    title: str
    fields: tuple[Field, ...]
    unknown_fields: str = "reject"

    @cached_property
    def hash(self) -> str:
        """sha256 of what the contract accepts, stored with every trained model so
        that an artifact trained against another contract is refused at load."""
        canonical = {
            "unknown_fields": self.unknown_fields,
            "fields": [
                {key: _canonical(getattr(f, key)) for key in _HASHED}
                for f in self.fields
            ],
        }
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @cached_property
    def wire_names(self) -> dict[str, str]:
        """The producers' names of fields whose names are not identifiers -> names."""
        return {f.wire_name: f.name for f in self.fields if f.wire_name is not None}

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def id_field(self) -> str | None:
        """The field copied to scored output so each score joins back to its record."""
        return next((f.name for f in self.fields if f.role == "id"), None)


def _canonical(value: object) -> object:
    # 0 and 0.0 are the same bound: hash numbers as floats, tuples as lists.
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    return str(value)


@dataclass(frozen=True)
class Features:
    """The derived features and the model's input columns.

    ``expressions`` are compiled from the spec, ``custom`` written by the owners
    (``custom/``), both in spec order; ``encodings`` maps a category field to
    {declared value: one-hot column}; ``model_columns`` is the model's input order;
    ``ranges`` the declared range each numeric feature stays within.
    """

    expressions: Mapping[str, Feature]
    model_columns: tuple[str, ...]
    encodings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    custom: Mapping[str, Feature] = field(default_factory=dict)
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)


# A decision rule's condition: (inputs, features, model outputs) -> a boolean per row.
Condition = Callable[[Columns, Columns, Columns], object]


@dataclass(frozen=True)
class Rule:
    """``then`` for the rows where ``when`` holds. The rule's text is ``when``'s
    docstring: the condition exists once, as code."""

    when: Condition
    then: str

    @property
    def text(self) -> str:
        return (self.when.__doc__ or self.when.__name__).strip()


@dataclass(frozen=True)
class Decisions:
    """Business rules over the model's output: the first rule that holds wins."""

    output: str
    rules: tuple[Rule, ...]
    default: str

    @property
    def actions(self) -> tuple[str, ...]:
        """Every decision a record can get, each once, rules first."""
        return tuple(dict.fromkeys([*(r.then for r in self.rules), self.default]))


@dataclass(frozen=True)
class Model:
    """What is learned, how it is judged, and where the artifact goes.

    ``algorithm`` names a learner of ``runtime.learners``, or several: training
    then picks the best by cross-validation on the training split. ``params``
    maps each algorithm to its hyperparameters. ``estimator(seed)``, when given,
    is the owner's own unfitted scikit-learn estimator and replaces the table's
    (one algorithm only). ``target`` is checked by the same contract rules as the
    inputs; ``positive`` is the binary target's positive value (True when the
    target is boolean).
    """

    task: str
    algorithm: str | tuple[str, ...]
    estimator: Callable[[int], object] | None
    target: Field
    metric: str
    min_metric: float | None = None
    max_metric: float | None = None
    positive: object = True
    seed: int = 0
    test_size: float = 0.2
    artifact: str = "artifacts/model"
    params: Mapping[str, Mapping[str, object]] = field(default_factory=dict)

    @property
    def algorithms(self) -> tuple[str, ...]:
        """The candidates, in the spec's order (one when ``algorithm`` is a name)."""
        if isinstance(self.algorithm, str):
            return (self.algorithm,)
        return tuple(self.algorithm)

    @property
    def output(self) -> str:
        """The model's output column: a probability or a predicted value."""
        return "score" if self.task == "binary_classification" else "prediction"

    @property
    def classifier(self) -> bool:
        return self.task != "regression"


@dataclass(frozen=True)
class Precompute:
    """Features computed in batch and looked up online by ``entity``."""

    entity: str
    features: tuple[str, ...]
    max_age: str  # as written in the spec, e.g. "24h"
    max_age_seconds: float
    store: str
    # Fields only precomputed features read: a request does not carry them.
    offline_only: tuple[str, ...] = ()
    # The columns the features produce (a one-hot feature: several), in order;
    # default: one column per feature, named after it.
    columns: tuple[str, ...] = ()
    # The columns that are booleans (stored as 0/1, looked up as booleans again).
    booleans: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.columns:
            object.__setattr__(self, "columns", tuple(self.features))


@dataclass(frozen=True)
class Drift:
    """How drift is judged: ``method`` (psi or ks) against thresholds calibrated
    for each window so that a window with no drift alerts with probability
    ``false_alarm_rate`` (``runtime.calibration``); with none, against the fixed
    ``warn`` and ``alert``."""

    method: str = "psi"
    warn: float = 0.1
    alert: float = 0.25
    bins: int = 10
    window: int = 5000
    false_alarm_rate: float | None = 0.01


@dataclass(frozen=True)
class Performance:
    metric: str
    alert_below: float | None = None
    alert_above: float | None = None
    window: str = "1d"


@dataclass(frozen=True)
class Monitoring:
    drift: Drift
    performance: Performance


@dataclass(frozen=True)
class Resources:
    memory_mb: float = 512.0
    cpus: float = 1.0
    latency_p99_ms: float = 100.0
    max_batch_records: int = 10_000


@dataclass(frozen=True)
class Service:
    """One service: everything the runtime needs to know about it."""

    name: str  # the distribution and command name, e.g. "churn-predictor"
    package: str  # the import name, e.g. "churn_predictor"
    title: str
    description: str
    contract: Contract
    features: Features
    model: Model
    monitoring: Monitoring
    resources: Resources
    decisions: Decisions | None = None
    precompute: Precompute | None = None
    sample_data: str = "data/sample.csv"
    # One valid request (OpenAPI's example), keyed by field name.
    example: Mapping[str, object] = field(default_factory=dict)

    @cached_property
    def request_fields(self) -> tuple[Field, ...]:
        """What an HTTP request carries: every field but those only precomputed
        features read (they are looked up in the feature store instead)."""
        return request_fields(self.contract, self.precompute)

    @property
    def env_prefix(self) -> str:
        """Prefix of the environment variables that override settings."""
        return f"{self.package.upper()}_"


def request_fields(
    contract: Contract, precompute: Precompute | None
) -> tuple[Field, ...]:
    """What an HTTP request carries: every field but those only precomputed
    features read (they are looked up in the feature store instead)."""
    if precompute is None:
        return contract.fields
    offline = set(precompute.offline_only)
    return tuple(f for f in contract.fields if f.name not in offline)
