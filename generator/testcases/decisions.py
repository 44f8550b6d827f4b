"""Cases of the decision rules: values just below, at and just above each threshold."""

from __future__ import annotations

import ast
import math
from typing import Any

from ..expressions import evaluate, parse
from .cases import case, inside, slug, unique_ids
from .records import Records


class DecisionCases(Records):
    """Expected decisions around each threshold of each rule."""

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
        if all(c["expected"] != decisions.default for c in cases):
            cases += self._no_rule_matches(output, neutral)
        return unique_ids(cases)

    def _no_rule_matches(self, output: str, neutral: Any) -> list[dict]:
        """A case that falls through every rule to the default, when one is found:
        a dropped `else` (the default never given) is caught there."""
        outputs = [neutral]
        if self.spec.model.task != "multiclass_classification":
            outputs = [0.0, 1.0, -1.0, neutral]
        for value in outputs:
            for base in self.bases:
                if base == "example":
                    changes = {}
                else:
                    changes = {
                        k: v for k, v in self.bases[base].items() if not self._is_id(k)
                    }
                found = self._decision(changes, {output: value}, "no rule matches")
                if found["expected"] == self.spec.decisions.default:
                    return [found]
        return []

    def _is_id(self, name: str) -> bool:
        f = self.spec.inputs.get(name)
        return f is not None and f.is_id

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
            slug(why),
            changes=changes,
            features=features,
            outputs=outputs,
            expected=expected,
            why=why,
        )

    def _is_integer(self, name: str) -> bool:
        f = self.spec.inputs.get(name)
        return f is not None and f.type == "integer"

    def _in_contract(self, inputs: dict) -> bool:
        for name, value in inputs.items():
            f = self.spec.inputs[name]
            if not isinstance(value, int | float) or not inside(f, value):
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
