"""Rules of what surrounds the model: decision rules, precompute and monitoring."""

from __future__ import annotations

from ..expressions import BOOLEAN, Analysis
from ..reader import did_you_mean
from .base import Checker
from .scopes import rule_scope


class OperationRules(Checker):
    """Checks `decisions`, `precompute` and `monitoring.performance`."""

    def decisions(self, features: dict[str, Analysis]) -> list[Analysis]:
        decisions = self.spec.decisions
        if decisions is None:
            return []
        scope = rule_scope(self.spec, features)
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
        if perf.metric:
            self.metric_fits_task(
                metric, perf.at["metric"], "monitoring.performance.metric"
            )
        self.threshold_sides(
            metric,
            perf.at,
            "monitoring.performance",
            "alert_below",
            "alert_above",
            (perf.alert_below, perf.alert_above),
        )
