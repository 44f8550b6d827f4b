"""Cross-field rules of a spec, and the facts later stages build on.

`check_spec` takes a Spec that reads well and proves the things no single key can say:
references exist, the target and ids never reach the model, metrics fit the task, every
division that can meet 0 is guarded, declared ranges follow from the input ranges, and no
null can reach the model. It returns a `CheckedSpec` with the analysed expressions and the
model's ordered columns, or raises SpecError with every problem.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import schema as S
from .errors import Problem, SpecError
from .expressions import (
    BOOLEAN,
    DATE,
    NUMBER,
    TEXT,
    Analysis,
    ExprProblem,
    Symbol,
    analyze,
)
from .intervals import BOOL, Interval
from .reader import did_you_mean
from .spec import FeatureSpec, FieldSpec, Position, Spec

_EPOCH = dt.datetime(1970, 1, 1)


@dataclass
class CheckedSpec:
    """A spec that passed every rule, with what the checks learned about it."""

    spec: Spec
    features: dict[str, Analysis]
    rules: list[Analysis]
    columns: list[str]
    notes: list[str] = field(default_factory=list)

    def feature_columns(self, feature: FeatureSpec) -> list[str]:
        if feature.encode:
            field_spec = self.spec.inputs[feature.field or feature.name]
            return [f"{field_spec.name}={value}" for value in field_spec.values or []]
        return [feature.name]


def _days(value: str | None) -> float | None:
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return (parsed.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400


def field_symbol(spec_field: FieldSpec) -> Symbol:
    """How an input field looks to an expression (after imputation)."""
    kind = {
        "integer": NUMBER,
        "float": NUMBER,
        "boolean": BOOLEAN,
        "date": DATE,
        "datetime": DATE,
    }
    expr_type = kind.get(spec_field.type, TEXT)
    if spec_field.type in S.NUMERIC_TYPES:
        low = -Interval().high if spec_field.min is None else float(spec_field.min)
        high = Interval().high if spec_field.max is None else float(spec_field.max)
        # A mean or median fills an integer field with a fraction: no longer whole numbers.
        whole = spec_field.type == "integer" and spec_field.impute not in (
            "mean",
            "median",
        )
        interval = Interval(low, high, whole)
    elif spec_field.type in S.TEMPORAL_TYPES:
        low, high = _days(spec_field.min), _days(spec_field.max)
        interval = Interval(
            -Interval().high if low is None else low,
            Interval().high if high is None else high,
        )
    elif spec_field.type == "boolean":
        interval = BOOL
    else:
        interval = Interval()
    return Symbol(
        name=spec_field.name,
        type=expr_type,
        source=f'inputs["{spec_field.name}"]',
        interval=interval,
        nullable=spec_field.nullable and spec_field.impute is None,
        values=tuple(spec_field.values) if spec_field.values else None,
    )


class _Checker:
    def __init__(self, spec: Spec):
        self.spec = spec
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def at(self, position: Position, path: str, message: str) -> None:
        self.problems.append(
            Problem(self.spec.file, position[0], position[1], path, message)
        )

    def expression_problem(
        self, position: Position, style: str | None, path: str, problem: ExprProblem
    ) -> None:
        """Point at the problem's character when the expression's first line holds it."""
        line, column = position
        if style in ("|", ">"):
            # A block scalar starts on the line after its indicator.
            line += 1
            text = self._text_at(line) or ""
            column = len(text) - len(text.lstrip(" ")) + 1
        elif style in ("'", '"'):
            column += 1
        first_line = (self._text_at(line) or "")[column - 1 :]
        if problem.offset < len(first_line.rstrip()):
            column += problem.offset
        self.at((line, column), path, problem.message)

    def _text_at(self, line: int) -> str | None:
        lines = self.spec.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else None

    # -- inputs ------------------------------------------------------------------------
    def fields(self) -> None:
        ids = [f for f in self.spec.inputs.values() if f.is_id]
        for extra in ids[1:]:
            self.at(
                extra.at["role"],
                f"inputs.fields.{extra.name}.role",
                f"only one field can be the id (already '{ids[0].name}')",
            )
        for f in self.spec.inputs.values():
            path = f"inputs.fields.{f.name}"
            if (
                f.min is not None
                and f.max is not None
                and _ordered(f.min) > _ordered(f.max)
            ):
                self.at(
                    f.at["min"],
                    f"{path}.min",
                    f"min is greater than max (expected min <= max, got {f.min} > {f.max})",
                )
            if f.is_id and f.type not in ("string", "integer"):
                self.at(
                    f.at["role"],
                    f"{path}.role",
                    f"an id must be a string or integer field (got {f.type})",
                )
            if f.is_id and f.nullable:
                self.at(
                    f.at["nullable"],
                    f"{path}.nullable",
                    "an id cannot be nullable (expected nullable: false)",
                )
            self.imputation(f, path)
        self.wire_names()

    def wire_names(self) -> None:
        # The producer sends `wire_name` (or the field's own name); two fields read from
        # one wire name would silently receive the same value.
        seen: dict[str, str] = {}
        for f in self.spec.inputs.values():
            wire = f.wire_name if f.wire_name is not None else f.name
            if wire in seen:
                self.at(
                    f.at.get("wire_name", f.at[""]),
                    f"inputs.fields.{f.name}.wire_name",
                    f"field '{seen[wire]}' already reads the wire name {wire!r} (expected a wire name no other field uses)",
                )
            else:
                seen[wire] = f.name

    def imputation(self, f: FieldSpec, path: str) -> None:
        if f.impute is None:
            if f.fill_value is not None:
                self.at(
                    f.at["fill_value"],
                    f"{path}.fill_value",
                    "fill_value needs impute: constant",
                )
            return
        where = f.at["impute"]
        if not f.nullable:
            self.at(
                where,
                f"{path}.impute",
                "impute on a field that is not nullable never applies (expected nullable: true, or no impute)",
            )
        if f.impute in ("mean", "median") and not f.is_numeric:
            self.at(
                where,
                f"{path}.impute",
                f"{f.impute} needs a numeric field (got {f.type}; expected most_frequent or constant)",
            )
        if f.type in S.TEMPORAL_TYPES or f.type == "string":
            self.at(
                where,
                f"{path}.impute",
                f"a {f.type} field cannot be imputed (expected no impute; use is_null/coalesce in features)",
            )
        if f.impute == "constant":
            self.constant_fill(f, path)
        elif f.fill_value is not None:
            self.at(
                f.at["fill_value"],
                f"{path}.fill_value",
                f"fill_value needs impute: constant (got impute: {f.impute})",
            )

    def constant_fill(self, f: FieldSpec, path: str) -> None:
        value = f.fill_value
        if value is None and "fill_value" in f.at:
            return  # written but unreadable: already reported where it was read
        if value is None:
            self.at(
                f.at["impute"],
                f"{path}.impute",
                "impute: constant needs fill_value (expected e.g. fill_value: 0)",
            )
            return
        where, key = f.at["fill_value"], f"{path}.fill_value"
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if f.is_numeric and not number:
            self.at(
                where, key, f"expected a number for a {f.type} field, got {value!r}"
            )
        elif f.type == "category" and value not in (f.values or []):
            self.at(
                where,
                key,
                f"expected one of the field's values ({', '.join(f.values or [])}), got {value!r}",
            )
        elif f.type == "boolean" and not isinstance(value, bool):
            self.at(where, key, f"expected true or false, got {value!r}")
        elif number and not _inside(f, value):
            self.at(
                where,
                key,
                f"fill_value {value} is outside the field's range [{f.min}, {f.max}]",
            )

    # -- features ----------------------------------------------------------------------
    def features(self) -> dict[str, Analysis]:
        scope = {f.name: field_symbol(f) for f in self.spec.inputs.values()}
        scope["as_of"] = Symbol("as_of", DATE, "as_of")
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

    def expression(
        self, text, scope, on_zero, position, style, path
    ) -> Analysis | None:
        try:
            analysis = analyze(text, scope, on_zero)
        except ExprProblem as problem:
            self.expression_problem(position, style, path, problem)
            return None
        if set(analysis.unknown) & self.spec.broken:
            return None  # it reads a name whose own declaration is already reported
        for problem in analysis.problems:
            self.expression_problem(position, style, path, problem)
        if analysis.ok and not [n for n in analysis.names if n != "as_of"]:
            self.at(
                position,
                path,
                "the expression reads no field (expected at least one input field)",
            )
            return None
        return analysis if analysis.ok else None

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

    # -- model -------------------------------------------------------------------------
    def model(self) -> list[str]:
        model, spec = self.spec.model, self.spec
        target = model.target
        if target.name in spec.inputs:
            self.at(
                target.at["name"],
                "model.target.name",
                f"the target '{target.name}' is also an input field; the model would learn from its own answer (expected a name that is not an input)",
            )
        if target.type not in S.TARGET_TYPES[model.task]:
            self.at(
                target.at["type"],
                "model.target.type",
                f"a {model.task} target must be {' or '.join(S.TARGET_TYPES[model.task])} (got {target.type})",
            )
        if (
            model.task == "binary_classification"
            and target.type == "category"
            and target.values
            and len(target.values) != 2
        ):
            self.at(
                target.at["values"],
                "model.target.values",
                f"a binary target has two classes (got {len(target.values)})",
            )
        tasks, greater, _ = S.METRICS[model.metric]
        if model.task not in tasks:
            fitting = [m for m, (t, _, _) in S.METRICS.items() if model.task in t]
            self.at(
                model.at.get("metric", model.at[""]),
                "model.metric",
                f"metric {model.metric} does not fit {model.task} (expected one of {', '.join(fitting)})",
            )
        if model.min_metric is not None and not greater:
            self.at(
                model.at["min_metric"],
                "model.min_metric",
                f"{model.metric} is an error (lower is better): use max_metric",
            )
        if model.max_metric is not None and greater:
            self.at(
                model.at["max_metric"],
                "model.max_metric",
                f"{model.metric} is a score (higher is better): use min_metric",
            )
        bounded = ("roc_auc", "average_precision", "accuracy", "f1", "f1_macro")
        if (
            model.min_metric is not None
            and model.metric in bounded
            and not 0 <= model.min_metric <= 1
        ):
            self.at(
                model.at["min_metric"],
                "model.min_metric",
                f"{model.metric} lies in [0, 1] (got {model.min_metric})",
            )
        return self.columns()

    def columns(self) -> list[str]:
        spec = self.spec
        if spec.model.features is None:
            chosen = [f.name for f in spec.inputs.values() if _model_ready(f)] + list(
                spec.features
            )
        else:
            chosen = self.listed_columns()
        columns: list[str] = []
        for name in chosen:
            feature = spec.features.get(name)
            if feature is not None and feature.encode:
                values = spec.inputs.get(feature.field or name)
                columns += (
                    [f"{values.name}={v}" for v in (values.values or [])]
                    if values
                    else []
                )
            elif name not in columns:
                columns.append(name)
        for name in chosen:
            f = spec.inputs.get(name)
            if (
                f is not None
                and name not in spec.features
                and f.nullable
                and f.impute is None
            ):
                self.at(
                    f.at[""],
                    f"inputs.fields.{name}",
                    f"nullable field '{name}' reaches the model without impute; a NaN must never reach the model (expected impute: median, mean, most_frequent or constant)",
                )
        unused = [
            f.name
            for f in spec.inputs.values()
            if f.type == "category"
            and not any(
                ft.encode and (ft.field or ft.name) == f.name
                for ft in spec.features.values()
            )
        ]
        for name in unused:
            self.notes.append(
                f"category field '{name}' has no encoding, so it does not reach the model (add features.{name}: {{encode: one_hot}} to use it)"
            )
        if not columns:
            self.at(
                spec.model.at[""],
                "model",
                "the model has no input columns (expected numeric inputs, features or model.features)",
            )
        return columns

    def listed_columns(self) -> list[str]:
        spec, model = self.spec, self.spec.model
        chosen = []
        items = model.features or []
        for index, name in enumerate(items):
            path = f"model.features[{index}]"
            position = model.features_at[index]
            f = spec.inputs.get(name)
            if name in items[:index]:
                self.at(
                    position,
                    path,
                    f"'{name}' is listed twice (expected each column once)",
                )
            elif name == model.target.name:
                self.at(
                    position,
                    path,
                    f"'{name}' is the target; it can never be a model input",
                )
            elif f is not None and f.is_id and name not in spec.features:
                self.at(
                    position,
                    path,
                    f"'{name}' is the id field; an id never reaches the model",
                )
            elif f is not None and name not in spec.features and not _model_ready(f):
                self.at(
                    position,
                    path,
                    f"'{name}' is a {f.type} field; it reaches the model only through a feature"
                    + (" (expected an encoding)" if f.type == "category" else ""),
                )
            elif name not in spec.features and f is None:
                self.at(
                    position,
                    path,
                    f"unknown column '{name}' (expected an input field or a feature)"
                    + did_you_mean(name, [*spec.inputs, *spec.features]),
                )
            else:
                chosen.append(name)
        return chosen

    # -- decisions, precompute, monitoring ---------------------------------------------
    def decisions(self, features: dict[str, Analysis]) -> list[Analysis]:
        decisions = self.spec.decisions
        if decisions is None:
            return []
        scope = {f.name: field_symbol(f) for f in self.spec.inputs.values()}
        for feature in self.spec.features.values():
            if feature.custom:
                kind = BOOLEAN if feature.dtype == "boolean" else NUMBER
                bounds = Interval(*feature.range) if feature.range else Interval()
                scope[feature.name] = Symbol(
                    feature.name, kind, f'features["{feature.name}"]', bounds
                )
        for name, analysis in features.items():
            scope[name] = Symbol(
                name,
                analysis.typed.type,
                f'features["{name}"]',
                analysis.typed.interval,
            )
        model = self.spec.model
        if model.task == "binary_classification":
            scope["score"] = Symbol(
                "score", NUMBER, 'outputs["score"]', Interval(0.0, 1.0)
            )
        elif model.task == "regression":
            scope["prediction"] = Symbol("prediction", NUMBER, 'outputs["prediction"]')
        else:
            scope["prediction"] = Symbol(
                "prediction",
                TEXT,
                'outputs["prediction"]',
                values=tuple(model.target.values or []) or None,
            )
        results = []
        for index, rule in enumerate(decisions.rules):
            path = f"decisions.rules[{index}].when"
            analysis = self.expression(
                rule.when, scope, None, rule.at["when"], rule.when_style, path
            )
            if analysis is None:
                continue
            if analysis.typed.type != BOOLEAN:
                self.at(
                    rule.at["when"],
                    path,
                    f"a rule's condition must be true/false (got {analysis.typed.type})",
                )
                continue
            results.append(analysis)
        if decisions.output in self.spec.inputs or decisions.output in (
            "score",
            "prediction",
        ):
            self.at(
                decisions.at.get("output", decisions.at[""]),
                "decisions.output",
                f"'{decisions.output}' is already a column of the output (expected another name)",
            )
        return results

    def precompute(self, features: dict[str, Analysis]) -> None:
        pre = self.spec.precompute
        if pre is None:
            return
        if pre.entity not in self.spec.inputs:
            self.at(
                pre.at["entity"],
                "precompute.entity",
                f"unknown field '{pre.entity}' (expected an input field)"
                + did_you_mean(pre.entity, self.spec.inputs),
            )
        for index, name in enumerate(pre.features):
            if name not in features:
                self.at(
                    pre.features_at[index],
                    f"precompute.features[{index}]",
                    f"'{name}' is not an expression feature (expected one of {', '.join(features) or 'none'})"
                    + did_you_mean(name, features),
                )

    def monitoring(self) -> None:
        perf = self.spec.monitoring.performance
        metric = perf.metric or self.spec.model.metric
        tasks, greater, _ = S.METRICS[metric]
        if perf.metric and self.spec.model.task not in tasks:
            self.at(
                perf.at.get("metric", (1, 1)),
                "monitoring.performance.metric",
                f"metric {metric} does not fit {self.spec.model.task}",
            )
        if perf.alert_below is not None and not greater:
            self.at(
                perf.at["alert_below"],
                "monitoring.performance.alert_below",
                f"{metric} is an error (lower is better): use alert_above",
            )
        if perf.alert_above is not None and greater:
            self.at(
                perf.at["alert_above"],
                "monitoring.performance.alert_above",
                f"{metric} is a score (higher is better): use alert_below",
            )


def _model_ready(f: FieldSpec) -> bool:
    return not f.is_id and f.type in ("integer", "float", "boolean")


def _ordered(value):
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _inside(f: FieldSpec, value: float) -> bool:
    return (f.min is None or value >= f.min) and (f.max is None or value <= f.max)


def check_spec(spec: Spec) -> CheckedSpec:
    """Apply every cross-field rule; raise SpecError listing all problems."""
    checker = _Checker(spec)
    checker.fields()
    features = checker.features()
    columns = checker.model()
    rules = checker.decisions(features)
    checker.precompute(features)
    checker.monitoring()
    if checker.problems:
        raise SpecError(checker.problems)
    return CheckedSpec(spec, features, rules, columns, checker.notes)


__all__ = ["CheckedSpec", "check_spec", "field_symbol"]
