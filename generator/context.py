"""Compile a checked spec into the render context the template fills in.

The context is plain JSON-able data (documented in docs/render-context.md). Every string
that reaches generated Python code is a validated identifier, compiled expression source,
or a literal written by `py_literal`; templates never see the spec's raw text in code.
"""

from __future__ import annotations

import json

from . import schema as S
from .checks import CheckedSpec
from .layers import import_layers
from .literals import (
    comment_text,
    py_literal,
    strip_outer_parentheses,
    toml_authors,
    toml_string,
)
from .sample import sample_rows, synthesize
from .spec import FieldSpec
from .team import TeamDefaults
from .testcases import CASE_KINDS, build_cases

SAMPLE_PATH = "data/sample.csv"


def _contract_field(f: FieldSpec) -> dict:
    """What of a field binds producers and the model: the part the contract hash covers."""
    return {
        "name": f.name,
        "type": f.type,
        "nullable": f.nullable,
        "min": f.min,
        "max": f.max,
        "values": f.values,
        "pattern": f.pattern,
        "role": f.role,
        "impute": f.impute,
        "fill_value": f.fill_value,
    }


def field_arguments(f: FieldSpec) -> dict:
    """The keyword arguments of the runtime's ``Field`` for a spec field."""
    minimum, maximum = f.min, f.max
    if f.type == "float":
        minimum = None if minimum is None else float(minimum)
        maximum = None if maximum is None else float(maximum)
    return {
        "name": f.name,
        "type": f.type,
        "nullable": f.nullable,
        "minimum": minimum,
        "maximum": maximum,
        "values": tuple(f.values) if f.values else None,
        "pattern": f.pattern,
        "role": f.role,
        "impute": f.impute,
        "impute_value": f.fill_value,
        "unit": f.unit,
        "producer": f.producer,
        "wire_name": f.wire_name,
    }


def _field(f: FieldSpec) -> dict:
    arguments = field_arguments(f)
    # Defaults left out, so the table reads like the spec. One keyword per line with a
    # trailing comma: black keeps that layout as it is, whatever the field's values.
    lines = "".join(
        f"    {key}={py_literal(value)},\n"
        for key, value in arguments.items()
        if value is not None and not (key == "nullable" and value is False)
    )
    field_py = f"Field(\n{lines})"
    return {
        **_contract_field(f),
        "unit": f.unit,
        "producer": f.producer,
        "description": f.description,
        "comment": comment_text(f.description),
        "wire_name": f.wire_name or f.name,
        "field_py": field_py,
    }


def _features(checked: CheckedSpec) -> list[dict]:
    result = []
    for feature in checked.spec.features.values():
        columns = checked.feature_columns(feature)
        if feature.encode:
            source = checked.spec.inputs[feature.field or feature.name]
            result.append(
                {
                    "name": feature.name,
                    "kind": feature.encode,
                    "dtype": "float",
                    "field": source.name,
                    "values": source.values,
                    "columns": columns,
                    "description": feature.description,
                }
            )
            continue
        if feature.custom:
            bounds = tuple(float(b) for b in feature.range) if feature.range else None
            result.append(
                {
                    "name": feature.name,
                    "kind": "custom",
                    "dtype": "bool" if feature.dtype == "boolean" else "float",
                    "range": list(feature.range) if feature.range else None,
                    "range_py": py_literal(bounds),
                    "columns": columns,
                    "description": feature.description,
                    "custom": True,
                    # The stub's placeholder: a valid value, so the project runs until the
                    # owners write the real feature.
                    "placeholder_py": (
                        "False"
                        if feature.dtype == "boolean"
                        else py_literal(float(bounds[0]) if bounds else 0.0)
                    ),
                }
            )
            continue
        analysis = checked.features[feature.name]
        bounds = tuple(float(b) for b in feature.range) if feature.range else None
        result.append(
            {
                "name": feature.name,
                "kind": "expr",
                "dtype": "bool" if analysis.typed.type == "boolean" else "float",
                "expr": feature.expr,
                "source": strip_outer_parentheses(analysis.source),
                "range": list(feature.range) if feature.range else None,
                "range_py": py_literal(bounds),
                "proved_range": (
                    [analysis.typed.interval.low, analysis.typed.interval.high]
                    if analysis.typed.interval.bounded
                    else None
                ),
                "inputs": [n for n in analysis.names if n != "as_of"],
                "columns": columns,
                "on_divide_by_zero": feature.on_divide_by_zero,
                "description": feature.description,
                "custom": False,
            }
        )
    return result


def _model(checked: CheckedSpec) -> dict:
    model = checked.spec.model
    _, greater, default_gate = S.METRICS[model.metric]
    min_metric = model.min_metric
    if min_metric is None and model.max_metric is None and greater:
        min_metric = default_gate
    return {
        "task": model.task,
        "target": model.target.name,
        "target_type": model.target.type,
        "target_values": model.target.values,
        "algorithm": model.algorithm,
        **_learning(model),
        "artifact": model.root(checked.spec.name),
        "registry": model.registry,
        "metric": model.metric,
        "min_metric": min_metric,
        "max_metric": model.max_metric,
        "greater_is_better": greater,
        "columns": checked.columns,
        "output": "score" if model.task == "binary_classification" else "prediction",
        "seed": model.seed,
        "test_size": model.test_size,
    }


def _learning(model) -> dict:
    """The learner(s) and their hyperparameters, as the generated model.py states
    them, and the extras the project's training needs to install them."""
    names = [model.algorithm] if isinstance(model.algorithm, str) else model.algorithm
    spoken = [name.replace("_", " ") for name in names]
    libraries = [
        f"{said} ({S.LEARNERS[name].extra or 'scikit-learn'})"
        for name, said in zip(names, spoken, strict=True)
    ]
    params = {name: values for name, values in model.params.items() if values}
    several = len(names) > 1
    return {
        "algorithms": names,
        "algorithm_py": py_literal(
            model.algorithm if isinstance(model.algorithm, str) else tuple(names)
        ),
        # "with ... model": the README's first sentence.
        "algorithm_text": (
            "a model chosen by cross-validation among " + ", ".join(spoken)
            if several
            else f"a {spoken[0]} model"
        ),
        "algorithm_line": (
            ("the best by cross-validation of " if several else "")
            + ", ".join(libraries)
        ),
        "params_py": py_literal(params) if params else None,
        "extras": [name for name in names if name in S.EXTRA_LEARNERS],
    }


def _decisions(checked: CheckedSpec) -> dict | None:
    decisions = checked.spec.decisions
    if decisions is None:
        return None
    return {
        "output": decisions.output,
        "default": decisions.default,
        "rules": [
            {
                "when": rule.when,
                "then": rule.then,
                "source": strip_outer_parentheses(analysis.source),
            }
            for rule, analysis in zip(decisions.rules, checked.rules, strict=True)
        ],
    }


def _online_fields(checked: CheckedSpec) -> tuple[list[str], list[str]]:
    """Which inputs an online request must carry when some features are precomputed.

    A field is needed online when the model reads it directly, a feature computed online
    reads it, a decision rule reads it, or it is the id/entity; the rest is read only by
    precomputed features and is looked up instead of asked for.
    """
    spec = checked.spec
    pre = spec.precompute
    needed = {name for name in checked.columns if name in spec.inputs}
    needed |= {f.name for f in spec.inputs.values() if f.is_id}
    if pre is not None:
        needed.add(pre.entity)
    for feature in spec.features.values():
        if feature.encode:
            needed.add(feature.field or feature.name)
        elif feature.expr and (pre is None or feature.name not in pre.features):
            needed |= set(checked.features[feature.name].names) - {"as_of"}
    for analysis in checked.rules:
        needed |= set(analysis.names) & set(spec.inputs)
    online = [name for name in spec.inputs if name in needed]
    return online, [name for name in spec.inputs if name not in needed]


def _sections(checked: CheckedSpec) -> dict:
    spec = checked.spec
    pre = spec.precompute
    drift, perf = spec.monitoring.drift, spec.monitoring.performance
    online, offline_only = _online_fields(checked)
    return {
        "precompute": (
            None
            if pre is None
            else {
                "entity": pre.entity,
                "features": pre.features,
                "max_age": pre.max_age,
                "max_age_seconds": pre.max_age_seconds,
                "store": pre.store,
                "online_fields": online,
                "offline_only_fields": offline_only,
            }
        ),
        "resources": {
            "memory_mb": spec.resources.memory_mb,
            "cpus": spec.resources.cpus,
            "latency_p99_ms": spec.resources.latency_p99_ms,
            "max_batch_records": spec.resources.max_batch_records,
        },
        "monitoring": {
            "drift": {
                k: getattr(drift, k)
                for k in (
                    "method",
                    "warn",
                    "alert",
                    "window",
                    "bins",
                    "false_alarm_rate",
                )
            },
            "performance": {
                "metric": perf.metric or spec.model.metric,
                "alert_below": perf.alert_below,
                "alert_above": perf.alert_above,
                "window": perf.window,
            },
        },
    }


def cases_json(cases: dict) -> str:
    """The generated tests' cases as JSON, one case per line (small diffs on update)."""
    lines = ["{"]
    items = list(cases.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if isinstance(value, list) and value:
            body = ",\n".join(
                f"    {json.dumps(item, sort_keys=True)}" for item in value
            )
            lines.append(f"  {json.dumps(key)}: [\n{body}\n  ]{comma}")
        elif isinstance(value, dict) and value:
            body = ",\n".join(
                f"    {json.dumps(k)}: {json.dumps(v, sort_keys=True)}"
                for k, v in value.items()
            )
            lines.append(f"  {json.dumps(key)}: {{\n{body}\n  }}{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def build_context(
    checked: CheckedSpec, modelplate_version: str, team: TeamDefaults | None = None
) -> dict:
    spec = checked.spec
    team = team or TeamDefaults()
    cases = build_cases(checked)
    return {
        "project": {
            "name": spec.name,
            "package": spec.package,
            "title": spec.name.replace("-", " ").replace("_", " ").title(),
            "description": spec.description,
            # One line: packaging's summary is one line.
            "description_toml": toml_string(comment_text(spec.description)),
            "owner": spec.owner,
            "authors_toml": toml_authors(spec.owner),
            "modelplate_version": modelplate_version,
            "python_requires": ">=3.10",
            # The version the image, CI and tooling target (team default 3.11).
            "python_version": team.python,
            "ci": team.ci,
        },
        "spec_text": spec.text,
        "layers": import_layers(spec.package),
        "inputs": [_field(f) for f in spec.inputs.values()],
        "unknown_fields": spec.unknown_fields,
        "id_field": spec.id_field,
        "features": _features(checked),
        "model": _model(checked),
        "decisions": _decisions(checked),
        **_sections(checked),
        "sample": {
            "path": SAMPLE_PATH,
            "rows": sample_rows(checked),
            "csv": synthesize(checked, example=cases["bases"]["example"]),
        },
        "tests_json": cases_json(cases),
        "tests": {key: cases[key] for key in ("as_of", "imputation", "bases")}
        | {"example_record": cases["bases"]["example"]}
        | {kind: cases[kind] for kind in CASE_KINDS},
    }


__all__ = ["build_context", "field_arguments", "py_literal"]
