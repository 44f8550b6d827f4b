"""The names an expression may read, as `Symbol`s: input fields, features, model outputs."""

from __future__ import annotations

import datetime as dt

from .. import schema as S
from ..expressions import BOOLEAN, DATE, NUMBER, TEXT, Analysis, Symbol
from ..intervals import BOOL, Interval
from ..spec import FieldSpec, Spec

_EPOCH = dt.datetime(1970, 1, 1)


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


def input_scope(spec: Spec) -> dict[str, Symbol]:
    return {f.name: field_symbol(f) for f in spec.inputs.values()}


def feature_scope(spec: Spec) -> dict[str, Symbol]:
    """What a feature's expression reads: the input fields and `as_of`."""
    scope = input_scope(spec)
    scope["as_of"] = Symbol("as_of", DATE, "as_of")
    return scope


def rule_scope(spec: Spec, features: dict[str, Analysis]) -> dict[str, Symbol]:
    """What a decision rule reads: the input fields, every feature and the model output."""
    scope = input_scope(spec)
    for feature in spec.features.values():
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
    model = spec.model
    if model.task == "binary_classification":
        scope["score"] = Symbol("score", NUMBER, 'outputs["score"]', Interval(0.0, 1.0))
    elif model.task == "regression":
        scope["prediction"] = Symbol("prediction", NUMBER, 'outputs["prediction"]')
    else:
        scope["prediction"] = Symbol(
            "prediction",
            TEXT,
            'outputs["prediction"]',
            values=tuple(model.target.values or []) or None,
        )
    return scope
