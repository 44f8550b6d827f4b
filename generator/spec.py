"""The typed spec: what `load_spec` returns once the YAML reads as the spec language.

Every object keeps `at`, the file position of itself ("") and of each of its keys, so that
cross-field checks (in `checks.py`) can point at the exact line a problem comes from.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path
from typing import Any

from . import schema as S
from .errors import Problem, SpecError
from .reader import SERVICE_NAME, TAKEN_PACKAGES, Reader, join
from .yamlsource import Node, parse_yaml

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
    algorithm: str = "hist_gradient_boosting"
    artifact: str = "artifacts/model"
    metric: str = ""
    min_metric: float | None = None
    max_metric: float | None = None
    features: list[str] | None = None
    features_at: list[Position] = _field(default_factory=list)
    test_size: float = 0.2
    seed: int = 0
    at: dict[str, Position] = _field(default_factory=dict)


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


def _marks(node: Node, entries: dict[str, Node]) -> dict[str, Position]:
    marks = {key: (value.line, value.column) for key, value in entries.items()}
    marks[""] = (node.line, node.column)
    return marks


class _SpecReader(Reader):
    """Builds the typed Spec, section by section."""

    def spec(self, root: Node, text: str) -> Spec | None:
        top = self.mapping(root, "", S.TOP)
        if top is None:
            return None
        version = (
            self.integer(top["spec_version"], "spec_version")
            if "spec_version" in top
            else None
        )
        if version is not None and version not in S.SPEC_VERSIONS:
            self.problem(
                top["spec_version"],
                "spec_version",
                f"unsupported spec_version (expected one of {list(S.SPEC_VERSIONS)}, got {version}); "
                "upgrade modelplate or write a supported version",
            )
        name = self.service_name(top["name"]) if "name" in top else None
        inputs, unknown = (
            self.inputs(top["inputs"]) if "inputs" in top else ({}, "reject")
        )
        model = self.model(top["model"]) if "model" in top else None
        spec = Spec(
            file=self.filename,
            text=text,
            spec_version=version or 0,
            name=name or "",
            inputs=inputs,
            model=model,  # type: ignore[arg-type] # a missing model is already a problem
            description=self.optional_text(top, "description"),
            owner=self.optional_text(top, "owner"),
            unknown_fields=unknown,
            at=_marks(root, top),
        )
        if "features" in top:
            spec.features = self.features(top["features"])
        if "decisions" in top:
            spec.decisions = self.decisions(top["decisions"])
        if "precompute" in top:
            spec.precompute = self.precompute(top["precompute"])
        if "resources" in top:
            spec.resources = self.resources(top["resources"])
        if "monitoring" in top:
            spec.monitoring = self.monitoring(top["monitoring"])
        return spec

    def optional_text(self, entries: dict[str, Node], key: str, path: str = "") -> str:
        if key not in entries:
            return ""
        return self.text(entries[key], join(path, key)) or ""

    def service_name(self, node: Node) -> str | None:
        name = self.text(node, "name", allow_empty=False)
        if name is None:
            return None
        if not SERVICE_NAME.fullmatch(name) or len(name) > 64:
            self.problem(
                node,
                "name",
                f"name {name!r} is not a safe service name (expected lower-case letters, "
                "digits and single '-' or '_' between them, starting with a letter, e.g. "
                "churn-predictor)",
            )
            return None
        if name.replace("-", "_") in TAKEN_PACKAGES:
            self.problem(
                node,
                "name",
                f"name {name!r} would make a package that shadows the library "
                f"'{name.replace('-', '_')}' (expected another name, e.g. {name}-service)",
            )
            return None
        return name

    # -- inputs ----------------------------------------------------------------------
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
                if self.identifier(name, mark, path, "field"):
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
        result = FieldSpec(name=name, type=kind, at=_marks(node, entries))
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
        if isinstance(parsed, dt.datetime) and parsed.tzinfo is not None:
            # Bounds are compared with naive timestamps: keep them in UTC, without zone.
            parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return parsed.isoformat()

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
        for index, item in enumerate(items):
            text = self.text(item, f"{path}[{index}]", allow_empty=False)
            if text is None:
                continue
            if text in values:
                self.problem(
                    item, f"{path}[{index}]", f"duplicate category value {text!r}"
                )
                continue
            values.append(text)
        return values or None

    def pattern(self, kind: str, node: Node, path: str) -> str | None:
        if kind != "string":
            self.problem(
                node, path, f"pattern applies to string fields (this field is {kind})"
            )
            return None
        text = self.text(node, path, allow_empty=False)
        if text is None:
            return None
        try:
            re.compile(text)
        except re.error as exc:
            self.problem(
                node, path, f"expected a regular expression, got {text!r} ({exc})"
            )
            return None
        return text

    # -- features --------------------------------------------------------------------
    def features(self, node: Node) -> dict[str, FeatureSpec]:
        if node.value is None:
            return {}
        result: dict[str, FeatureSpec] = {}
        for name, value, mark in self.entries(
            node, "features", "feature names to features"
        ):
            path = f"features.{name}"
            if not self.identifier(name, mark, path, "feature"):
                continue
            entries = self.mapping(value, path, S.FEATURE)
            if entries is None:
                continue
            feature = FeatureSpec(name=name, at=_marks(value, entries))
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

    # -- model -----------------------------------------------------------------------
    def model(self, node: Node) -> ModelSpec | None:
        entries = self.mapping(node, "model", S.MODEL)
        if entries is None or "task" not in entries or "target" not in entries:
            return None
        task = self.choice(entries["task"], "model.task", S.TASKS)
        target = self.target(entries["target"])
        if task is None or target is None:
            return None
        model = ModelSpec(
            task=task,
            target=target,
            metric=S.DEFAULT_METRIC[task],
            at=_marks(node, entries),
        )
        if "algorithm" in entries:
            model.algorithm = (
                self.choice(entries["algorithm"], "model.algorithm", S.ALGORITHMS[task])
                or model.algorithm
            )
        if "artifact" in entries:
            model.artifact = (
                self.text(entries["artifact"], "model.artifact", allow_empty=False)
                or model.artifact
            )
        if "metric" in entries:
            model.metric = (
                self.choice(entries["metric"], "model.metric", S.METRICS)
                or model.metric
            )
        for key in ("min_metric", "max_metric"):
            if key in entries:
                setattr(model, key, self.number(entries[key], f"model.{key}"))
        if "features" in entries:
            items = self.sequence(entries["features"], "model.features", "column names")
            model.features, model.features_at = [], []
            for index, item in enumerate(items):
                name = self.text(item, f"model.features[{index}]", allow_empty=False)
                if name is not None:
                    model.features.append(name)
                    model.features_at.append((item.line, item.column))
        if "test_size" in entries:
            size = self.number(entries["test_size"], "model.test_size")
            if size is not None and not 0 < size < 1:
                self.problem(
                    entries["test_size"],
                    "model.test_size",
                    f"expected a number between 0 and 1, got {size}",
                )
            elif size is not None:
                model.test_size = size
        if "seed" in entries:
            model.seed = self.integer(entries["seed"], "model.seed", low=0) or 0
        return model

    def target(self, node: Node) -> TargetSpec | None:
        entries = self.mapping(node, "model.target", S.TARGET)
        if entries is None or "name" not in entries or "type" not in entries:
            return None
        name = self.text(entries["name"], "model.target.name", allow_empty=False)
        kind = self.choice(entries["type"], "model.target.type", S.FIELD_TYPES[:5])
        if (
            name is None
            or kind is None
            or not self.identifier(name, entries["name"], "model.target.name", "target")
        ):
            return None
        target = TargetSpec(name=name, type=kind, at=_marks(node, entries))
        if "values" in entries:
            target.values = self.category_values(
                kind, entries["values"], "model.target.values"
            )
        elif kind == "category":
            self.problem(
                node,
                "model.target",
                "a category target needs 'values' (expected a list of text, got none)",
            )
        return target

    # -- decisions, precompute, resources, monitoring ---------------------------------
    def decisions(self, node: Node) -> DecisionsSpec | None:
        entries = self.mapping(node, "decisions", S.DECISIONS)
        if entries is None or "default" not in entries:
            return None
        default = self.text(entries["default"], "decisions.default", allow_empty=False)
        result = DecisionsSpec(default=default or "", at=_marks(node, entries))
        if "output" in entries:
            output = self.text(entries["output"], "decisions.output", allow_empty=False)
            if output and self.identifier(
                output, entries["output"], "decisions.output", "output"
            ):
                result.output = output
        if "rules" in entries:
            for index, item in enumerate(
                self.sequence(entries["rules"], "decisions.rules", "rules")
            ):
                path = f"decisions.rules[{index}]"
                rule = self.mapping(item, path, S.RULE)
                if rule is None or "when" not in rule or "then" not in rule:
                    continue
                when = self.text(rule["when"], f"{path}.when", allow_empty=False)
                then = self.text(rule["then"], f"{path}.then", allow_empty=False)
                if when and then:
                    result.rules.append(
                        RuleSpec(when, then, _marks(item, rule), rule["when"].style)
                    )
        return result

    def precompute(self, node: Node) -> PrecomputeSpec | None:
        entries = self.mapping(node, "precompute", S.PRECOMPUTE)
        if entries is None or "entity" not in entries or "features" not in entries:
            return None
        entity = self.text(entries["entity"], "precompute.entity", allow_empty=False)
        items = self.sequence(
            entries["features"], "precompute.features", "feature names"
        )
        names, marks = [], []
        for index, item in enumerate(items):
            name = self.text(item, f"precompute.features[{index}]", allow_empty=False)
            if name is not None:
                names.append(name)
                marks.append((item.line, item.column))
        result = PrecomputeSpec(
            entity=entity or "",
            features=names,
            at=_marks(node, entries),
            features_at=marks,
        )
        if "max_age" in entries:
            seconds = self.duration(entries["max_age"], "precompute.max_age")
            if seconds is not None:
                result.max_age, result.max_age_seconds = (
                    entries["max_age"].value,
                    seconds,
                )
        if "store" in entries:
            result.store = (
                self.text(entries["store"], "precompute.store", allow_empty=False)
                or result.store
            )
        return result

    def resources(self, node: Node) -> ResourcesSpec:
        result = ResourcesSpec()
        entries = self.mapping(node, "resources", S.RESOURCES) or {}
        result.at = _marks(node, entries)
        for key in ("memory_mb", "max_batch_records"):
            if key in entries:
                setattr(
                    result,
                    key,
                    self.integer(entries[key], f"resources.{key}", low=1)
                    or getattr(result, key),
                )
        for key in ("cpus", "latency_p99_ms"):
            if key in entries:
                setattr(
                    result,
                    key,
                    self.positive(entries[key], f"resources.{key}")
                    or getattr(result, key),
                )
        return result

    def monitoring(self, node: Node) -> MonitoringSpec:
        result = MonitoringSpec()
        entries = self.mapping(node, "monitoring", S.MONITORING) or {}
        if "drift" in entries:
            drift = self.mapping(entries["drift"], "monitoring.drift", S.DRIFT) or {}
            result.drift.at = _marks(entries["drift"], drift)
            if "method" in drift:
                result.drift.method = (
                    self.choice(
                        drift["method"], "monitoring.drift.method", S.DRIFT_METHODS
                    )
                    or "psi"
                )
            for key in ("warn", "alert"):
                if key in drift:
                    setattr(
                        result.drift,
                        key,
                        self.positive(drift[key], f"monitoring.drift.{key}")
                        or getattr(result.drift, key),
                    )
            for key in ("window", "bins"):
                if key in drift:
                    setattr(
                        result.drift,
                        key,
                        self.integer(drift[key], f"monitoring.drift.{key}", low=2)
                        or getattr(result.drift, key),
                    )
            if result.drift.warn > result.drift.alert:
                self.problem(
                    drift.get("warn", entries["drift"]),
                    "monitoring.drift",
                    f"expected warn <= alert, got warn {result.drift.warn} > alert {result.drift.alert}",
                )
        if "performance" in entries:
            perf = (
                self.mapping(
                    entries["performance"], "monitoring.performance", S.PERFORMANCE
                )
                or {}
            )
            result.performance.at = _marks(entries["performance"], perf)
            if "metric" in perf:
                result.performance.metric = self.choice(
                    perf["metric"], "monitoring.performance.metric", S.METRICS
                )
            for key in ("alert_below", "alert_above"):
                if key in perf:
                    setattr(
                        result.performance,
                        key,
                        self.number(perf[key], f"monitoring.performance.{key}"),
                    )
            if "window" in perf and self.duration(
                perf["window"], "monitoring.performance.window"
            ):
                result.performance.window = perf["window"].value
        return result


def read_spec_partially(text: str, filename: str) -> tuple[Spec | None, list[Problem]]:
    """What of the spec reads well, and the problems of what does not.

    Names that were declared but could not be read are kept in `Spec.broken`, so that the
    cross-field checks can still run on the rest without reporting them again as unknown.
    """
    root = parse_yaml(text, filename)
    reader = _SpecReader(filename)
    spec = reader.spec(root, text)
    if spec is not None and root.is_mapping:
        spec.broken = _declared_names(root) - set(spec.inputs) - set(spec.features)
    return spec, reader.problems


def _declared_names(root: Node) -> set[str]:
    names: set[str] = set()
    inputs = root.value.get("inputs")
    if inputs is not None and inputs.is_mapping and "fields" in inputs.value:
        fields_node = inputs.value["fields"]
        names |= (
            {str(k) for k in fields_node.value} if fields_node.is_mapping else set()
        )
    features = root.value.get("features")
    if features is not None and features.is_mapping:
        names |= {str(k) for k in features.value}
    return names


def read_spec(text: str, filename: str) -> Spec:
    """Parse spec text into a typed Spec; raise SpecError listing every problem found."""
    spec, problems = read_spec_partially(text, filename)
    if problems or spec is None:
        raise SpecError(problems or [Problem(filename, 1, 1, "", "not a spec")])
    return spec


def read_spec_text(path: str | Path) -> tuple[str, str]:
    """The spec file's text and the name to show in messages."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(
            [Problem(str(path), 1, 1, "", f"cannot read the spec: {exc.strerror}")]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError(
            [
                Problem(
                    str(path), line, 1, "", "expected UTF-8 text, got undecodable bytes"
                )
            ]
        ) from None
    return text, str(path)


def read_spec_file(path: str | Path) -> Spec:
    return read_spec(*read_spec_text(path))


__all__ = [
    "FeatureSpec",
    "FieldSpec",
    "ModelSpec",
    "Spec",
    "read_spec",
    "read_spec_file",
]
