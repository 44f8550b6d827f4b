"""Cases of the decision rules: values just below, at and just above each threshold."""

from __future__ import annotations

import math
from typing import Any

from ..expressions import evaluate, parse
from .cases import case, inside, slug, unique_ids
from .conditions import atoms, deciding, value_for
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
            tree = parse(rule.when)
            found = atoms(tree)
            for atom in found:
                # The other comparisons made harmless, so this one decides the rule;
                # names that are not comparisons (a true/false feature) vary by base.
                required = deciding(tree, atom.node)
                harmless = {
                    other.name: value_for(
                        other,
                        required.get(other.node, True),
                        self._is_integer(other.name),
                    )
                    for other in found
                    if other is not atom
                }
                for probe, label in _probes(atom.value, self._is_integer(atom.name)):
                    point = {**harmless, atom.name: probe}
                    inputs = {k: v for k, v in point.items() if k in self.spec.inputs}
                    if not self._in_contract(inputs):
                        continue
                    outputs = {output: point.get(output, neutral)}
                    custom = {k: v for k, v in point.items() if k in self.custom_names}
                    why = f"rule {index + 1}: {atom.name} {label} {atom.value}"
                    for base in self.bases:
                        where = why if base == "example" else f"{why} ({base})"
                        cases.append(
                            self._decision(inputs, outputs, where, custom, base)
                        )
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
                found = self._decision(
                    {}, {output: value}, "no rule matches", None, base
                )
                if found["expected"] == self.spec.decisions.default:
                    return [found]
        return []

    def _decision(
        self,
        changes: dict,
        outputs: dict,
        why: str,
        custom: dict | None = None,
        base: str = "example",
    ) -> dict:
        """A decision case: the record, every feature's value, the model output, the rule hit.

        Rules read the inputs as they arrived (a null compares false), the features as the
        model saw them and the model output. The case carries the features' values, so the
        rules are tested apart from the feature code (and from custom features the owners
        write later).
        """
        record = self.record(base, changes)
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
            base,
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
