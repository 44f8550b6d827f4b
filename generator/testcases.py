"""The generated tests' cases, derived from the spec field by field and rule by rule.

Expected values come from our own scalar interpreter (`expressions.evaluate`), not from the
generated vectorized code, so each generated test compares two independent implementations.
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


class CaseBuilder:
    def __init__(self, checked: CheckedSpec):
        self.checked = checked
        self.spec = checked.spec
        self.rng = random.Random(7)
        self.example = {
            f.name: example_value(f, self.rng) for f in self.spec.inputs.values()
        }
        self.imputation = {
            f.name: self._impute_value(f) for f in self.spec.inputs.values() if f.impute
        }

    # -- contract ----------------------------------------------------------------------
    def valid_records(self) -> list[dict]:
        records = [{"id": "example", "record": dict(self.example)}]
        for label, where in (("minimums", 0.0), ("maximums", 1.0)):
            record = {
                f.name: example_value(f, self.rng, where)
                for f in self.spec.inputs.values()
            }
            record.update(
                {
                    f.name: self.example[f.name]
                    for f in self.spec.inputs.values()
                    if f.is_id
                }
            )
            records.append({"id": label, "record": record})
        nullable = [f.name for f in self.spec.inputs.values() if f.nullable]
        if nullable:
            records.append(
                {"id": "nulls", "record": {**self.example, **dict.fromkeys(nullable)}}
            )
        return records

    def contract_cases(self) -> list[dict]:
        cases = []
        for f in self.spec.inputs.values():
            cases.append(self._case(f, "missing", None, drop=True))
            if not f.nullable:
                cases.append(self._case(f, "null", None))
            for value in _wrong_types(f):
                cases.append(self._case(f, "type", value))
            cases += self._range_cases(f)
            if f.type == "category":
                cases.append(self._case(f, "category", "not-" + (f.values or ["x"])[0]))
            if f.pattern:
                bad = _not_matching(f.pattern)
                if bad is not None:
                    cases.append(self._case(f, "pattern", bad))
        if self.spec.unknown_fields == "reject":
            record = {**self.example, UNKNOWN_FIELD: 1}
            cases.append(
                {
                    "id": "unknown_field",
                    "field": UNKNOWN_FIELD,
                    "rule": "unknown_field",
                    "record": record,
                    "drop": False,
                }
            )
        return _unique_ids(cases)

    def _case(self, f: FieldSpec, rule: str, value: Any, drop: bool = False) -> dict:
        record = dict(self.example)
        if drop:
            del record[f.name]
        else:
            record[f.name] = value
        return {
            "id": f"{f.name}-{rule}",
            "field": f.name,
            "rule": rule,
            "record": record,
            "drop": drop,
        }

    def _range_cases(self, f: FieldSpec) -> list[dict]:
        cases = []
        if f.type in ("integer", "float"):
            step = (
                1
                if f.type == "integer"
                else max(abs(float(f.min or f.max or 1)) * 1e-6, 1e-6)
            )
            if f.min is not None:
                cases.append(self._case(f, "min", _numeric(f, f.min - step)))
            if f.max is not None:
                cases.append(self._case(f, "max", _numeric(f, f.max + step)))
        elif f.type in ("date", "datetime"):
            low, high = temporal_bounds(f)
            if f.min is not None:
                cases.append(
                    self._case(f, "min", format_temporal(f, low - dt.timedelta(days=1)))
                )
            if f.max is not None:
                cases.append(
                    self._case(
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
        value = example_value(f, self.rng, 0.25)
        return float(value)

    def imputed(self, record: dict) -> dict:
        values = {
            k: (self.imputation.get(k) if v is None and k in self.imputation else v)
            for k, v in record.items()
        }
        for f in self.spec.inputs.values():
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
            points = [("example", dict(self.example))]
            for label, where in (("low", 0.0), ("high", 1.0)):
                record = {
                    f.name: example_value(f, self.rng, where)
                    for f in self.spec.inputs.values()
                }
                points.append((f"all inputs at their {label} end", record))
            points += self._edge_points(feature)
            for why, record in points:
                expected = self.feature_value(feature, record)
                if isinstance(expected, float) and not math.isfinite(expected):
                    continue
                cases.append(
                    {
                        "id": f"{feature.name}-{_slug(why)}",
                        "feature": feature.name,
                        "record": record,
                        "as_of": AS_OF,
                        "expected": expected,
                        "why": why,
                    }
                )
        return _unique_ids(cases)

    def _edge_points(self, feature: FeatureSpec) -> list[tuple[str, dict]]:
        """Records at the places a feature is most likely to be wrong."""
        tree = parse(feature.expr or "")
        points = []
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Div)
                and isinstance(node.right, ast.Name)
            ):
                name = node.right.id
                f = self.spec.inputs.get(name)
                if f is not None and f.is_numeric and _inside(f, 0):
                    points.append(
                        (
                            f"{name} is 0 (division by zero)",
                            {**self.example, name: _numeric(f, 0)},
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
                        points.append(
                            (
                                f"{f.name} at its minimum {f.min} inside {node.func.id}",
                                {**self.example, f.name: _numeric(f, f.min)},
                            )
                        )
        for name in self.checked.features[feature.name].names:
            f = self.spec.inputs.get(name)
            if f is not None and f.nullable:
                how = f"imputed with {f.impute}" if f.impute else "left null"
                points.append((f"{name} is null ({how})", {**self.example, name: None}))
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
                    {
                        "id": f"{feature.name}-{value}",
                        "feature": feature.name,
                        "record": {**self.example, f.name: value},
                        "expected": expected,
                        "why": f"{value} sets its own column only",
                    }
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
                    {
                        "id": f"{feature.name}-null",
                        "feature": feature.name,
                        "record": {**self.example, f.name: None},
                        "expected": expected,
                        "why": why,
                    }
                )
        return _unique_ids(cases)

    # -- decisions ---------------------------------------------------------------------
    def decision_cases(self) -> list[dict]:
        decisions = self.spec.decisions
        if decisions is None:
            return []
        output = (
            "score" if self.spec.model.task == "binary_classification" else "prediction"
        )
        base_output = (
            0.5
            if output == "score"
            else (
                (self.spec.model.target.values or [0.0])[0]
                if self.spec.model.task == "multiclass_classification"
                else 0.0
            )
        )
        cases = [self._decision({}, {output: base_output}, "the example record")]
        for index, rule in enumerate(decisions.rules):
            atoms = _atoms(parse(rule.when))
            satisfied = {name: _satisfying(op, value) for name, op, value in atoms}
            for name, _op, value in atoms:
                for probe, label in _probes(value, self._is_integer(name)):
                    point = {**satisfied, name: probe}
                    inputs = {k: v for k, v in point.items() if k in self.spec.inputs}
                    outputs = {output: point.get(output, base_output)}
                    if not self._in_contract(inputs):
                        continue
                    cases.append(
                        self._decision(
                            inputs, outputs, f"rule {index + 1}: {name} {label} {value}"
                        )
                    )
        return _unique_ids(cases)

    def _decision(self, inputs: dict, outputs: dict, why: str) -> dict:
        record = {**self.example, **inputs}
        values = self.imputed(record)
        for feature in self.spec.features.values():
            if feature.expr:
                values[feature.name] = self.feature_value(feature, record)
        values.update(outputs)
        decisions = self.spec.decisions
        assert decisions is not None
        expected = next(
            (r.then for r in decisions.rules if evaluate(r.when, values)),
            decisions.default,
        )
        return {
            "id": _slug(why),
            "record": record,
            "outputs": outputs,
            "expected": expected,
            "why": why,
        }

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
    if op in (ast.Gt,):
        return (
            math.nextafter(value, math.inf) if isinstance(value, float) else value + 1
        )
    if op in (ast.Lt, ast.NotEq):
        return (
            math.nextafter(value, -math.inf) if isinstance(value, float) else value - 1
        )
    return value


def _probes(value: float, integer: bool) -> list[tuple[float, str]]:
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
        a.args[0].id
        for a in ast.walk(parse(expr))
        if isinstance(a, ast.Call)
        and getattr(a.func, "id", "") == "is_null"
        and isinstance(a.args[0], ast.Name)
    ]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60]


def _unique_ids(cases: list[dict]) -> list[dict]:
    seen: dict[str, int] = {}
    for case in cases:
        count = seen.get(case["id"], 0)
        seen[case["id"]] = count + 1
        if count:
            case["id"] = f"{case['id']}-{count + 1}"
    return cases


def build_cases(checked: CheckedSpec) -> dict:
    builder = CaseBuilder(checked)
    return {
        "as_of": AS_OF,
        "example_record": builder.example,
        "imputation": builder.imputation,
        "valid_records": builder.valid_records(),
        "contract_cases": builder.contract_cases(),
        "feature_cases": builder.feature_cases(),
        "encoding_cases": builder.encoding_cases(),
        "decision_cases": builder.decision_cases(),
    }


__all__ = ["AS_OF", "build_cases"]
