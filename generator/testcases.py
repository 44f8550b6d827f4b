"""The generated tests' cases, derived from the spec field by field and rule by rule.

Expected values come from our own scalar interpreter (`expressions.evaluate`), not from the
generated vectorized code, so each generated test compares two independent implementations.

A case is written compactly as a base record (`example`, `minimums` or `maximums`, given
once in `bases`) plus `changes` (field -> value) and `drop` (fields to remove): a spec with
400 fields then yields a test data file of kilobytes, not of tens of megabytes.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import random
import re
from typing import Any

from .checks import CheckedSpec
from .examples import example_value, format_temporal, temporal_bounds
from .expressions import evaluate, parse
from .spec import FeatureSpec, FieldSpec

AS_OF = "2026-01-01T00:00:00"
UNKNOWN_FIELD = "unexpected_field"


def case(
    id_: str, base: str = "example", changes: dict | None = None, drop=(), **facts
) -> dict:
    return {
        "id": id_,
        "base": base,
        "changes": dict(changes or {}),
        "drop": list(drop),
        **facts,
    }


class CaseBuilder:
    def __init__(self, checked: CheckedSpec):
        self.checked = checked
        self.spec = checked.spec
        self.fields = list(checked.spec.inputs.values())
        self.rng = random.Random(7)
        example = {f.name: example_value(f, self.rng) for f in self.fields}
        self.bases = {"example": example}
        for label, where in (("minimums", 0.0), ("maximums", 1.0)):
            record = {f.name: example_value(f, self.rng, where) for f in self.fields}
            # Ids keep the example's value: an id has no "end" to test.
            record.update({f.name: example[f.name] for f in self.fields if f.is_id})
            self.bases[label] = record
        self.imputation = {
            f.name: self._impute_value(f) for f in self.fields if f.impute
        }
        self.custom_names = {f.name for f in checked.spec.features.values() if f.custom}

    @property
    def example(self) -> dict:
        return self.bases["example"]

    def record(self, base: str, changes: dict, drop=()) -> dict:
        record = {**self.bases[base], **changes}
        for name in drop:
            record.pop(name, None)
        return record

    # -- contract ----------------------------------------------------------------------
    def valid_records(self) -> list[dict]:
        records = [case(label, label) for label in self.bases]
        nullable = [f.name for f in self.fields if f.nullable]
        if nullable:
            records.append(case("nulls", changes=dict.fromkeys(nullable)))
        return records

    def contract_cases(self) -> list[dict]:
        cases = []
        for f in self.fields:
            cases.append(self._violation(f, "missing", drop=True))
            if not f.nullable:
                cases.append(self._violation(f, "null", None))
            for value in _wrong_types(f):
                cases.append(self._violation(f, "type", value))
            cases += self._range_cases(f)
            if f.type == "category":
                cases.append(
                    self._violation(f, "category", "not-" + (f.values or ["x"])[0])
                )
            if f.pattern:
                bad = _not_matching(f.pattern)
                if bad is not None:
                    cases.append(self._violation(f, "pattern", bad))
        if self.spec.unknown_fields == "reject":
            cases.append(
                case(
                    "unknown_field",
                    changes={UNKNOWN_FIELD: 1},
                    field=UNKNOWN_FIELD,
                    rule="unknown_field",
                )
            )
        return _unique_ids(cases)

    def _violation(
        self, f: FieldSpec, rule: str, value: Any = None, drop: bool = False
    ) -> dict:
        if drop:
            return case(f"{f.name}-{rule}", drop=[f.name], field=f.name, rule=rule)
        return case(
            f"{f.name}-{rule}", changes={f.name: value}, field=f.name, rule=rule
        )

    def _range_cases(self, f: FieldSpec) -> list[dict]:
        cases = []
        if f.type in ("integer", "float"):
            step = (
                1
                if f.type == "integer"
                else max(abs(float(f.min or f.max or 1)) * 1e-6, 1e-6)
            )
            if f.min is not None:
                cases.append(self._violation(f, "min", _numeric(f, f.min - step)))
            if f.max is not None:
                cases.append(self._violation(f, "max", _numeric(f, f.max + step)))
        elif f.type in ("date", "datetime"):
            low, high = temporal_bounds(f)
            if f.min is not None:
                cases.append(
                    self._violation(
                        f, "min", format_temporal(f, low - dt.timedelta(days=1))
                    )
                )
            if f.max is not None:
                cases.append(
                    self._violation(
                        f, "max", format_temporal(f, high + dt.timedelta(days=1))
                    )
                )
        return cases

    # -- imputation, features, encodings -----------------------------------------------
    def _impute_value(self, f: FieldSpec) -> Any:
        if f.impute == "constant":
            return f.fill_value
        if f.type == "category":
            values = f.values or []
            return values[1] if len(values) > 1 else values[0]
        if f.type == "boolean":
            return False
        return float(example_value(f, self.rng, 0.25))

    def imputed(self, record: dict) -> dict:
        values = {
            k: (self.imputation.get(k) if v is None and k in self.imputation else v)
            for k, v in record.items()
        }
        for f in self.fields:
            if f.type in ("date", "datetime") and values.get(f.name) is not None:
                values[f.name] = dt.datetime.fromisoformat(values[f.name])
        values["as_of"] = dt.datetime.fromisoformat(AS_OF)
        return values

    def feature_value(self, feature: FeatureSpec, record: dict) -> Any:
        # is_null reads the raw record, everything else the imputed one.
        values = self.imputed(record)
        for name in _is_null_args(feature.expr or ""):
            values[name] = record.get(name)
        result = evaluate(feature.expr or "", values, feature.on_divide_by_zero)
        return bool(result) if isinstance(result, bool) else float(result)

    def feature_cases(self) -> list[dict]:
        cases = []
        for feature in self.spec.features.values():
            if not feature.expr:
                continue
            points = [
                ("example", "example", {}),
                ("all inputs at their minimum", "minimums", {}),
                ("all inputs at their maximum", "maximums", {}),
            ]
            points += self._edge_points(feature)
            for why, base, changes in points:
                expected = self.feature_value(feature, self.record(base, changes))
                if isinstance(expected, float) and not math.isfinite(expected):
                    continue
                cases.append(
                    case(
                        f"{feature.name}-{_slug(why)}",
                        base,
                        changes,
                        feature=feature.name,
                        expected=expected,
                        why=why,
                    )
                )
        return _unique_ids(cases)

    def _edge_points(self, feature: FeatureSpec) -> list[tuple[str, str, dict]]:
        """Records at the places a feature is most likely to be wrong."""
        points = []
        for node in ast.walk(parse(feature.expr or "")):
            if (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Div)
                and isinstance(node.right, ast.Name)
            ):
                f = self.spec.inputs.get(node.right.id)
                if f is not None and f.is_numeric and _inside(f, 0):
                    points.append(
                        (
                            f"{f.name} is 0 (division by zero)",
                            "example",
                            {f.name: _numeric(f, 0)},
                        )
                    )
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                "log",
                "log1p",
                "sqrt",
            ):
                for arg in ast.walk(node):
                    f = self.spec.inputs.get(getattr(arg, "id", ""))
                    if f is not None and f.is_numeric and f.min is not None:
                        why = f"{f.name} at its minimum {f.min} inside {node.func.id}"
                        points.append((why, "example", {f.name: _numeric(f, f.min)}))
        for name in self.checked.features[feature.name].names:
            f = self.spec.inputs.get(name)
            if f is not None and f.nullable:
                how = f"imputed with {f.impute}" if f.impute else "left null"
                points.append((f"{name} is null ({how})", "example", {name: None}))
        return points

    def encoding_cases(self) -> list[dict]:
        cases = []
        for feature in self.spec.features.values():
            if not feature.encode:
                continue
            f = self.spec.inputs[feature.field or feature.name]
            columns = self.checked.feature_columns(feature)
            for value in f.values or []:
                expected = {c: float(c == f"{f.name}={value}") for c in columns}
                cases.append(
                    case(
                        f"{feature.name}-{value}",
                        changes={f.name: value},
                        feature=feature.name,
                        expected=expected,
                        why=f"{value} sets its own column only",
                    )
                )
            if f.nullable:
                filled = self.imputation.get(f.name)
                expected = {
                    c: float(filled is not None and c == f"{f.name}={filled}")
                    for c in columns
                }
                why = (
                    f"null is imputed with {filled!r}"
                    if filled is not None
                    else "null encodes as all zeros"
                )
                cases.append(
                    case(
                        f"{feature.name}-null",
                        changes={f.name: None},
                        feature=feature.name,
                        expected=expected,
                        why=why,
                    )
                )
        return _unique_ids(cases)

    # -- decisions ---------------------------------------------------------------------
    def decision_cases(self) -> list[dict]:
        decisions = self.spec.decisions
        if decisions is None:
            return []
        task = self.spec.model.task
        output = "score" if task == "binary_classification" else "prediction"
        if task == "binary_classification":
            neutral: Any = 0.5
        elif task == "multiclass_classification":
            neutral = (self.spec.model.target.values or ["0"])[0]
        else:
            neutral = 0.0
        cases = [self._decision({}, {output: neutral}, "the example record")]
        for index, rule in enumerate(decisions.rules):
            atoms = _atoms(parse(rule.when))
            satisfied = {name: _satisfying(op, value) for name, op, value in atoms}
            for name, _op, value in atoms:
                for probe, label in _probes(value, self._is_integer(name)):
                    point = {**satisfied, name: probe}
                    inputs = {k: v for k, v in point.items() if k in self.spec.inputs}
                    if not self._in_contract(inputs):
                        continue
                    outputs = {output: point.get(output, neutral)}
                    custom = {k: v for k, v in point.items() if k in self.custom_names}
                    why = f"rule {index + 1}: {name} {label} {value}"
                    cases.append(self._decision(inputs, outputs, why, custom))
        return _unique_ids(cases)

    def _decision(
        self, changes: dict, outputs: dict, why: str, custom: dict | None = None
    ) -> dict:
        """A decision case: the record, every feature's value, the model output, the rule hit.

        Rules read the inputs as they arrived (a null compares false), the features as the
        model saw them and the model output. The case carries the features' values, so the
        rules are tested apart from the feature code (and from custom features the owners
        write later).
        """
        record = self.record("example", changes)
        features = {}
        for feature in self.spec.features.values():
            if feature.expr:
                features[feature.name] = self.feature_value(feature, record)
            elif feature.custom:
                features[feature.name] = (custom or {}).get(
                    feature.name, self.custom_placeholder(feature)
                )
        values = {**self.raw(record), **features, **outputs}
        decisions = self.spec.decisions
        assert decisions is not None
        expected = next(
            (r.then for r in decisions.rules if evaluate(r.when, values)),
            decisions.default,
        )
        return case(
            _slug(why),
            changes=changes,
            features=features,
            outputs=outputs,
            expected=expected,
            why=why,
        )

    @staticmethod
    def custom_placeholder(feature: FeatureSpec):
        if feature.dtype == "boolean":
            return False
        return float(feature.range[0]) if feature.range else 0.0

    def raw(self, record: dict) -> dict:
        values = dict(record)
        for f in self.fields:
            if f.type in ("date", "datetime") and values.get(f.name) is not None:
                values[f.name] = dt.datetime.fromisoformat(values[f.name])
        values["as_of"] = dt.datetime.fromisoformat(AS_OF)
        return values

    def _is_integer(self, name: str) -> bool:
        f = self.spec.inputs.get(name)
        return f is not None and f.type == "integer"

    def _in_contract(self, inputs: dict) -> bool:
        for name, value in inputs.items():
            f = self.spec.inputs[name]
            if not isinstance(value, int | float) or not _inside(f, value):
                return False
        return True


def _atoms(tree: ast.expr) -> list[tuple[str, type, float]]:
    """The `name OP number` comparisons of a rule, normalised so the name is on the left."""
    flipped = {
        ast.Lt: ast.Gt,
        ast.LtE: ast.GtE,
        ast.Gt: ast.Lt,
        ast.GtE: ast.LtE,
        ast.Eq: ast.Eq,
        ast.NotEq: ast.NotEq,
    }
    atoms = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        left, right, op = node.left, node.comparators[0], type(node.ops[0])
        if isinstance(left, ast.Constant) and isinstance(right, ast.Name):
            left, right, op = right, left, flipped[op]
        if (
            isinstance(left, ast.Name)
            and isinstance(right, ast.Constant)
            and type(right.value) in (int, float)
        ):
            atoms.append((left.id, op, right.value))
    return atoms


def _satisfying(op: type, value: float) -> float:
    if op is ast.Gt:
        return (
            math.nextafter(value, math.inf) if isinstance(value, float) else value + 1
        )
    if op in (ast.Lt, ast.NotEq):
        return (
            math.nextafter(value, -math.inf) if isinstance(value, float) else value - 1
        )
    return value


def _probes(value: float, integer: bool) -> list[tuple[float, str]]:
    """Values just below, at and just above a rule's threshold: where >= and > differ."""
    if integer:
        return [(value - 1, "one below"), (value, "at"), (value + 1, "one above")]
    value = float(value)
    return [
        (math.nextafter(value, -math.inf), "just below"),
        (value, "at"),
        (math.nextafter(value, math.inf), "just above"),
    ]


def _wrong_types(f: FieldSpec) -> list[Any]:
    if f.type == "integer":
        return ["12", 1.5, True]
    if f.type == "float":
        return ["1.5", True]
    if f.type == "boolean":
        return ["true", 1]
    if f.type in ("date", "datetime"):
        return ["not-a-date", 20240101]
    return [12]


def _numeric(f: FieldSpec, value: float) -> int | float:
    return int(value) if f.type == "integer" else float(value)


def _inside(f: FieldSpec, value: float) -> bool:
    low, high = (f.min, f.max) if f.is_numeric else (None, None)
    return (low is None or value >= low) and (high is None or value <= high)


def _not_matching(pattern: str) -> str | None:
    for candidate in ("", "!", "0", "a", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "A A"):
        if re.fullmatch(pattern, candidate) is None:
            return candidate
    return None


def _is_null_args(expr: str) -> list[str]:
    return [
        call.args[0].id
        for call in ast.walk(parse(expr))
        if isinstance(call, ast.Call)
        and getattr(call.func, "id", "") == "is_null"
        and isinstance(call.args[0], ast.Name)
    ]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60]


def _unique_ids(cases: list[dict]) -> list[dict]:
    seen: dict[str, int] = {}
    for item in cases:
        count = seen.get(item["id"], 0)
        seen[item["id"]] = count + 1
        if count:
            item["id"] = f"{item['id']}-{count + 1}"
    return cases


CASE_KINDS = (
    "valid_records",
    "contract_cases",
    "feature_cases",
    "encoding_cases",
    "decision_cases",
)


def build_cases(checked: CheckedSpec) -> dict:
    builder = CaseBuilder(checked)
    return {
        "as_of": AS_OF,
        "bases": builder.bases,
        "imputation": builder.imputation,
        "valid_records": builder.valid_records(),
        "contract_cases": builder.contract_cases(),
        "feature_cases": builder.feature_cases(),
        "encoding_cases": builder.encoding_cases(),
        "decision_cases": builder.decision_cases(),
    }


__all__ = ["AS_OF", "CASE_KINDS", "build_cases"]
