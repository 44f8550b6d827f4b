"""The one-screen summary `modelplate check` prints for a valid spec."""

from __future__ import annotations

from . import schema as S
from .checks import CheckedSpec
from .spec import FieldSpec


def _field_line(f: FieldSpec) -> str:
    facts = []
    if f.is_id:
        facts.append("id")
    if f.min is not None or f.max is not None:
        facts.append(f"[{_show(f.min)}, {_show(f.max)}]")
    if f.values:
        facts.append("{" + ", ".join(f.values) + "}")
    if f.pattern:
        facts.append(f"pattern {f.pattern}")
    if f.nullable:
        facts.append("nullable" + (f", impute {f.impute}" if f.impute else ""))
    if f.unit:
        facts.append(f.unit)
    return f"  {f.name:<24} {f.type:<9} {'  '.join(facts)}"


def _show(value) -> str:
    return "-inf" if value is None else str(value)


def summarize(checked: CheckedSpec) -> str:
    spec, model = checked.spec, checked.spec.model
    gate = ""
    default_gate = S.METRICS[model.metric][2]
    if (
        model.min_metric is None
        and model.max_metric is None
        and default_gate is not None
    ):
        gate = f" >= {default_gate} (default)"
    if model.min_metric is not None:
        gate = f" >= {model.min_metric}"
    elif model.max_metric is not None:
        gate = f" <= {model.max_metric}"
    lines = [
        f"{spec.file}: ok: {spec.name} ({model.task}, {_algorithm(model.algorithm)}, "
        f"{model.metric}{gate}, target {model.target.name})",
        f"inputs ({len(spec.inputs)}, unknown fields: {spec.unknown_fields})",
        *(_field_line(f) for f in spec.inputs.values()),
    ]
    if spec.features:
        lines.append(f"features ({len(spec.features)})")
        for feature in spec.features.values():
            if feature.encode:
                columns = checked.feature_columns(feature)
                lines.append(
                    f"  {feature.name:<24} {feature.encode} -> {len(columns)} columns"
                )
                continue
            if feature.custom:
                declared = (
                    f", range [{feature.range[0]:g}, {feature.range[1]:g}]"
                    if feature.range
                    else ""
                )
                lines.append(
                    f"  {feature.name:<24} custom {feature.dtype}, written by the owners{declared}"
                )
                continue
            analysis = checked.features[feature.name]
            proved = (
                analysis.typed.interval.describe()
                if analysis.typed.type == "number"
                else "true/false"
            )
            declared = (
                f"range [{feature.range[0]:g}, {feature.range[1]:g}], "
                if feature.range
                else ""
            )
            lines.append(
                f"  {feature.name:<24} = {feature.expr}  ({declared}proved {proved})"
            )
    lines.append(
        f"model columns ({len(checked.columns)}): {', '.join(checked.columns)}"
    )
    if spec.decisions:
        decisions = spec.decisions
        lines.append(
            f"rules ({len(decisions.rules)}, output '{decisions.output}', "
            f"default {decisions.default})"
        )
        for index, rule in enumerate(decisions.rules, 1):
            lines.append(f"  {index}. {rule.when} -> {rule.then}")
    for note in checked.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


__all__ = ["summarize"]


def _algorithm(algorithm: str | list[str]) -> str:
    """One learner's name, or the candidates as "best of a | b"."""
    if isinstance(algorithm, str):
        return algorithm
    return "best of " + " | ".join(algorithm)
