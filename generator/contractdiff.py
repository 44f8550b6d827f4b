"""What changing a spec does to its producers, its callers and its model.

A contract change is judged from both sides of the service. Producers and callers
send records the contract checks, so anything that makes today's valid record invalid
(a new required field, a removed one, a type change, a narrower range, a removed
category, a stricter pattern or nullability, a renamed wire name) **breaks** them. The
model was fitted on what the old contract let through, so anything that lets through
values it never saw (a range widened beyond its training data, a new category, nulls
where there were none) or that changes what it is fed (a feature's expression, an
imputation) **risks the model** until it is retrained. The rest (a description, a
unit, a wider range inside what the model saw) is **compatible**. There is no new
optional field: every declared field must be sent (a nullable one as null), so that a
producer that drops a field is caught, and a new field is a new obligation.

What the model saw is read from its artifact's reference statistics when there is one
(``trained``: per input, the min/max or the categories of its training rows); otherwise
the old spec's declared range stands in for it. Pure: specs in, changes out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .checks import CheckedSpec
from .spec import FeatureSpec, FieldSpec, Spec

BREAKING, MODEL, COMPATIBLE = "breaking", "model", "compatible"
SEVERITY = {COMPATIBLE: 0, MODEL: 1, BREAKING: 2}


@dataclass(frozen=True)
class Change:
    """One difference between two specs and what it does."""

    kind: str  # BREAKING, MODEL or COMPATIBLE
    path: str  # the spec key, e.g. inputs.fields.tenure_months.max
    old: Any
    new: Any
    why: str  # what it does, in words
    producer: str | None = None  # whom to tell: the field's producer
    line: int = 0  # where in the new spec (the old one for what was removed)
    removed: bool = False  # line is in the old spec


@dataclass(frozen=True)
class Trained:
    """What the model was fitted on: per input, its observed range or categories."""

    version: str
    minimum: dict[str, Any]
    maximum: dict[str, Any]


def model_inputs(checked: CheckedSpec) -> set[str]:
    """The input fields the model's columns are computed from."""
    spec = checked.spec
    used = set(spec.model.features or spec.features)
    names: set[str] = set()
    for name in used:
        feature = spec.features.get(name)
        if feature is None:
            continue
        if feature.encode:
            names.add(feature.field or feature.name)
        elif name in checked.features:
            names.update(checked.features[name].names)
    return names & set(spec.inputs)


def _line(spec_field: FieldSpec | FeatureSpec, key: str = "") -> int:
    return (spec_field.at.get(key) or spec_field.at.get("") or (0, 0))[0]


def diff_specs(
    old: CheckedSpec, new: CheckedSpec, trained: Trained | None = None
) -> list[Change]:
    """Every change from ``old`` to ``new``, most severe first, then in file order."""
    changes = [
        *_fields(old.spec, new.spec, model_inputs(new), trained),
        *_features(old.spec, new.spec),
        *_model(old.spec, new.spec),
        *_decisions(old.spec, new.spec),
        *_precompute(old.spec, new.spec),
    ]
    return sorted(changes, key=lambda c: (-SEVERITY[c.kind], c.removed, c.line))


def _fields(
    old: Spec, new: Spec, fed: set[str], trained: Trained | None
) -> Iterator[Change]:
    if old.unknown_fields != new.unknown_fields:
        strict = new.unknown_fields == "reject"
        yield Change(
            BREAKING if strict else COMPATIBLE,
            "inputs.unknown_fields",
            old.unknown_fields,
            new.unknown_fields,
            (
                "records with fields the contract does not name are now rejected"
                if strict
                else "fields the contract does not name are now ignored"
            ),
            line=new.at.get("unknown_fields", (0, 0))[0],
        )
    renamed = _renames(old, new)
    for name, before in old.inputs.items():
        if name in new.inputs:
            yield from _field(before, new.inputs[name], name in fed, trained)
        elif name in renamed:
            after = new.inputs[renamed[name]]
            yield Change(
                BREAKING,
                f"inputs.fields.{renamed[name]}",
                name,
                renamed[name],
                f"field renamed from {name!r}: producers still send {name!r}",
                after.producer or before.producer,
                _line(after),
            )
        else:
            strict = new.unknown_fields == "reject"
            yield Change(
                BREAKING if strict else COMPATIBLE,
                f"inputs.fields.{name}",
                "declared",
                None,
                (
                    "field removed: records that still carry it are rejected "
                    "(unknown_fields: reject)"
                    if strict
                    else "field removed: it is ignored when sent"
                ),
                before.producer,
                _line(before),
                removed=True,
            )
    for name, after in new.inputs.items():
        if name in old.inputs or name in renamed.values():
            continue
        # Every field is sent, a nullable one as null: a producer that leaves a field
        # out is caught (lesson 0), so no new field is optional for producers.
        yield Change(
            BREAKING,
            f"inputs.fields.{name}",
            None,
            after.type,
            "new field: records without it are rejected"
            + (
                " (a nullable field is sent as null, never left out)"
                if after.nullable
                else ""
            ),
            after.producer,
            _line(after),
        )


def _renames(old: Spec, new: Spec) -> dict[str, str]:
    """Old name -> new name, for a removed field whose definition reappears once."""
    gone = {n: f for n, f in old.inputs.items() if n not in new.inputs}
    added = {n: f for n, f in new.inputs.items() if n not in old.inputs}
    renames = {}
    for name, before in gone.items():
        same = [
            n for n, after in added.items() if _definition(after) == _definition(before)
        ]
        if len(same) == 1 and same[0] not in renames.values():
            renames[name] = same[0]
    return renames


def _definition(f: FieldSpec) -> tuple:
    return (f.type, f.nullable, f.min, f.max, tuple(f.values or ()), f.pattern)


def _field(
    before: FieldSpec, after: FieldSpec, fed: bool, trained: Trained | None
) -> Iterator[Change]:
    path = f"inputs.fields.{after.name}"

    def change(kind: str, key: str, old: Any, new: Any, why: str) -> Change:
        return Change(
            kind,
            f"{path}.{key}",
            old,
            new,
            why,
            after.producer or before.producer,
            _line(after, key),
        )

    if before.type != after.type:
        yield change(BREAKING, "type", before.type, after.type, "type changed")
        return  # bounds and values of another type do not compare
    if (before.wire_name or before.name) != (after.wire_name or after.name):
        yield change(
            BREAKING,
            "wire_name",
            before.wire_name or before.name,
            after.wire_name or after.name,
            "producers send this field under its old name",
        )
    if before.nullable != after.nullable:
        if after.nullable:
            yield change(
                MODEL if fed else COMPATIBLE,
                "nullable",
                False,
                True,
                "nulls now pass the contract"
                + (" and reach the model, which never saw one" if fed else ""),
            )
        else:
            yield change(BREAKING, "nullable", True, False, "nulls are now rejected")
    yield from _bounds(before, after, fed, trained, change)
    yield from _values(before, after, fed, change)
    if before.pattern != after.pattern:
        if after.pattern is None:
            yield change(COMPATIBLE, "pattern", before.pattern, None, "pattern removed")
        else:
            yield change(
                BREAKING,
                "pattern",
                before.pattern,
                after.pattern,
                "values that match the old pattern may be rejected",
            )
    if before.role != after.role:
        yield change(
            BREAKING, "role", before.role, after.role, "the id callers get back changes"
        )
    if (before.impute, before.fill_value) != (after.impute, after.fill_value):
        yield change(
            MODEL if fed else COMPATIBLE,
            "impute",
            _imputation(before),
            _imputation(after),
            "a missing value is filled differently from how the model was trained",
        )
    for key in ("unit", "producer", "description"):
        if getattr(before, key) != getattr(after, key):
            yield change(
                COMPATIBLE,
                key,
                getattr(before, key),
                getattr(after, key),
                f"{key} changed",
            )


def _imputation(f: FieldSpec) -> str | None:
    if f.impute == "constant":
        return f"constant {f.fill_value!r}"
    return f.impute


def _bounds(before, after, fed, trained, change) -> Iterator[Change]:
    for key, stricter in (
        ("min", lambda old, new: new > old),
        ("max", lambda old, new: new < old),
    ):
        old, new = getattr(before, key), getattr(after, key)
        if _comparable(old) == _comparable(new):
            continue
        if new is not None and (
            old is None or stricter(_comparable(old), _comparable(new))
        ):
            yield change(
                BREAKING,
                key,
                old,
                new,
                "range narrowed: values valid today are rejected",
            )
            continue
        # Widened, or the bound dropped: beyond what the model saw?
        seen = getattr(trained, "minimum" if key == "min" else "maximum", {})
        reference = seen.get(after.name) if trained else None
        source = (
            "its training data" if reference is not None else "the old declared range"
        )
        reference = old if reference is None else reference
        beyond = (
            new is None
            or reference is None
            or stricter(_comparable(new), _comparable(reference))
        )
        if fed and beyond:
            yield change(
                MODEL,
                key,
                old,
                new,
                f"range widened beyond {source} ({reference}): the model never saw "
                "such values",
            )
        else:
            yield change(COMPATIBLE, key, old, new, f"range widened within {source}")


def _comparable(bound: Any) -> Any:
    """A bound as a value that orders: dates and datetimes are ISO text in specs."""
    if isinstance(bound, str):
        try:
            return datetime.fromisoformat(bound)
        except ValueError:
            return bound
    return bound


def _values(before, after, fed, change) -> Iterator[Change]:
    old, new = list(before.values or ()), list(after.values or ())
    if old == new:
        return
    removed = [v for v in old if v not in set(new)]
    added = [v for v in new if v not in set(old)]
    if removed:
        yield change(
            BREAKING,
            "values",
            removed,
            None,
            f"categories removed: {', '.join(map(str, removed))} are rejected",
        )
    if added:
        yield change(
            MODEL if fed else COMPATIBLE,
            "values",
            None,
            added,
            f"new categories: {', '.join(map(str, added))}"
            + (", which the model never saw" if fed else ""),
        )
    if not removed and not added:
        yield change(COMPATIBLE, "values", old, new, "categories reordered")


def _features(old: Spec, new: Spec) -> Iterator[Change]:
    keys = ("expr", "encode", "field", "range", "on_divide_by_zero", "custom", "dtype")
    for name, before in old.features.items():
        after = new.features.get(name)
        if after is None:
            yield Change(
                MODEL,
                f"features.{name}",
                "declared",
                None,
                "feature removed: the model's columns change",
                line=_line(before),
                removed=True,
            )
            continue
        for key in keys:
            if getattr(before, key) != getattr(after, key):
                yield Change(
                    MODEL,
                    f"features.{name}.{key}",
                    getattr(before, key),
                    getattr(after, key),
                    "the feature is computed differently from how the model was trained",
                    line=_line(after, key),
                )
    for name, after in new.features.items():
        if name not in old.features:
            yield Change(
                MODEL,
                f"features.{name}",
                None,
                after.expr or after.encode or "custom",
                "new feature: the model's columns change",
                line=_line(after),
            )


def _model(old: Spec, new: Spec) -> Iterator[Change]:
    retrain = ("task", "algorithm", "params", "features", "test_size", "seed")
    bar = ("metric", "min_metric", "max_metric", "artifact", "registry")
    for key in (*retrain, *bar):
        before, after = getattr(old.model, key), getattr(new.model, key)
        if before != after:
            yield Change(
                MODEL if key in retrain else COMPATIBLE,
                f"model.{key}",
                before,
                after,
                "the model must be retrained" if key in retrain else f"{key} changed",
                line=new.model.at.get(key, (0, 0))[0],
            )
    if (old.model.target.name, old.model.target.type) != (
        new.model.target.name,
        new.model.target.type,
    ):
        yield Change(
            MODEL,
            "model.target",
            old.model.target.name,
            new.model.target.name,
            "a different target: the model must be retrained",
            line=new.model.at.get("target", (0, 0))[0],
        )


def _decisions(old: Spec, new: Spec) -> Iterator[Change]:
    before, after = old.decisions, new.decisions
    if before is None and after is None:
        return
    line = (after.at if after else {}).get("", (0, 0))[0]
    if before is None or after is None:
        yield Change(
            BREAKING,
            "decisions",
            "declared" if before else None,
            "declared" if after else None,
            "responses " + ("gain" if after else "lose") + " the decision field",
            line=line,
        )
        return
    if before.output != after.output:
        yield Change(
            BREAKING,
            "decisions.output",
            before.output,
            after.output,
            "the response field callers read is renamed",
            line=after.at.get("output", (0, 0))[0],
        )
    actions_before = {before.default, *(r.then for r in before.rules)}
    actions_after = {after.default, *(r.then for r in after.rules)}
    new_actions = sorted(actions_after - actions_before)
    if new_actions:
        yield Change(
            BREAKING,
            "decisions",
            sorted(actions_before),
            sorted(actions_after),
            f"callers may receive actions they do not know: {', '.join(new_actions)}",
            line=line,
        )
    rules_before = [(r.when, r.then) for r in before.rules]
    rules_after = [(r.when, r.then) for r in after.rules]
    if rules_before != rules_after or before.default != after.default:
        yield Change(
            COMPATIBLE,
            "decisions.rules",
            len(rules_before),
            len(rules_after),
            "the business rules changed: some records get another action",
            line=line,
        )


def _precompute(old: Spec, new: Spec) -> Iterator[Change]:
    before, after = old.precompute, new.precompute
    if before is None and after is None:
        return
    fields = ("entity", "features", "max_age", "store")
    for key in fields:
        old_value = getattr(before, key) if before else None
        new_value = getattr(after, key) if after else None
        if old_value == new_value:
            continue
        kind = (
            BREAKING if key == "entity" else MODEL if key == "features" else COMPATIBLE
        )
        yield Change(
            kind,
            f"precompute.{key}",
            old_value,
            new_value,
            {
                BREAKING: "callers identify records by another field",
                MODEL: "the feature store must be rebuilt before serving",
                COMPATIBLE: f"{key} changed",
            }[kind],
            line=(after.at if after else {}).get(key, (0, 0))[0],
        )


def verdict(changes: list[Change]) -> str:
    """The most severe kind among ``changes`` (COMPATIBLE when there are none)."""
    return max((c.kind for c in changes), key=SEVERITY.get, default=COMPATIBLE)


__all__ = [
    "BREAKING",
    "COMPATIBLE",
    "MODEL",
    "Change",
    "Trained",
    "diff_specs",
    "model_inputs",
    "verdict",
]
