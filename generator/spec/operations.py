"""Reading what surrounds the model: decisions, precompute, resources and monitoring."""

from __future__ import annotations

from .. import schema as S
from ..yamlsource import Node
from .model import (
    DecisionsSpec,
    DriftSpec,
    MonitoringSpec,
    PrecomputeSpec,
    ResourcesSpec,
    RuleSpec,
)
from .sections import SectionReader, positions

# Above this, "alerts" would be the rule rather than the exception.
MAX_FALSE_ALARM_RATE = 0.5


class OperationsReader(SectionReader):
    """Reads `decisions`, `precompute`, `resources` and `monitoring`."""

    def decisions(self, node: Node) -> DecisionsSpec | None:
        entries = self.mapping(node, "decisions", S.DECISIONS)
        if entries is None or "default" not in entries:
            return None
        default = self.text(entries["default"], "decisions.default", allow_empty=False)
        result = DecisionsSpec(default=default or "", at=positions(node, entries))
        if "output" in entries:
            output = self.text(entries["output"], "decisions.output", allow_empty=False)
            if output and self.identifier(
                output, entries["output"], "decisions.output", "output"
            ):
                result.output = output
        if "rules" in entries:
            for index, item in enumerate(
                self.sequence(entries["rules"], "decisions.rules", "rules")
            ):
                path = f"decisions.rules[{index}]"
                rule = self.mapping(item, path, S.RULE)
                if rule is None or "when" not in rule or "then" not in rule:
                    continue
                when = self.text(rule["when"], f"{path}.when", allow_empty=False)
                then = self.text(rule["then"], f"{path}.then", allow_empty=False)
                if when and then:
                    result.rules.append(
                        RuleSpec(when, then, positions(item, rule), rule["when"].style)
                    )
        return result

    def precompute(self, node: Node) -> PrecomputeSpec | None:
        entries = self.mapping(node, "precompute", S.PRECOMPUTE)
        if entries is None or "entity" not in entries or "features" not in entries:
            return None
        entity = self.text(entries["entity"], "precompute.entity", allow_empty=False)
        names, marks = self.names(
            entries["features"], "precompute.features", "feature names"
        )
        result = PrecomputeSpec(
            entity=entity or "",
            features=names,
            at=positions(node, entries),
            features_at=marks,
        )
        if "max_age" in entries:
            seconds = self.duration(entries["max_age"], "precompute.max_age")
            if seconds is not None:
                result.max_age, result.max_age_seconds = (
                    entries["max_age"].value,
                    seconds,
                )
        if "store" in entries:
            result.store = (
                self.text(entries["store"], "precompute.store", allow_empty=False)
                or result.store
            )
        return result

    def resources(self, node: Node) -> ResourcesSpec:
        result = ResourcesSpec()
        entries = self.mapping(node, "resources", S.RESOURCES) or {}
        result.at = positions(node, entries)
        for key in ("memory_mb", "max_batch_records"):
            if key in entries:
                setattr(
                    result,
                    key,
                    self.integer(entries[key], f"resources.{key}", low=1)
                    or getattr(result, key),
                )
        for key in ("cpus", "latency_p99_ms"):
            if key in entries:
                setattr(
                    result,
                    key,
                    self.positive(entries[key], f"resources.{key}")
                    or getattr(result, key),
                )
        return result

    def monitoring(self, node: Node) -> MonitoringSpec:
        result = MonitoringSpec()
        entries = self.mapping(node, "monitoring", S.MONITORING) or {}
        if "drift" in entries:
            drift = self.mapping(entries["drift"], "monitoring.drift", S.DRIFT) or {}
            result.drift.at = positions(entries["drift"], drift)
            if "method" in drift:
                result.drift.method = (
                    self.choice(
                        drift["method"], "monitoring.drift.method", S.DRIFT_METHODS
                    )
                    or "psi"
                )
            for key in ("warn", "alert"):
                if key in drift:
                    setattr(
                        result.drift,
                        key,
                        self.positive(drift[key], f"monitoring.drift.{key}")
                        or getattr(result.drift, key),
                    )
            for key in ("window", "bins"):
                if key in drift:
                    setattr(
                        result.drift,
                        key,
                        self.integer(drift[key], f"monitoring.drift.{key}", low=2)
                        or getattr(result.drift, key),
                    )
            if "false_alarm_rate" in drift:
                self._false_alarm_rate(drift["false_alarm_rate"], result.drift)
            if result.drift.warn > result.drift.alert:
                self.problem(
                    drift.get("warn", entries["drift"]),
                    "monitoring.drift",
                    f"expected warn <= alert, got warn {result.drift.warn} > alert {result.drift.alert}",
                )
        if "performance" in entries:
            perf = (
                self.mapping(
                    entries["performance"], "monitoring.performance", S.PERFORMANCE
                )
                or {}
            )
            result.performance.at = positions(entries["performance"], perf)
            if "metric" in perf:
                result.performance.metric = self.choice(
                    perf["metric"], "monitoring.performance.metric", S.METRICS
                )
            for key in ("alert_below", "alert_above"):
                if key in perf:
                    setattr(
                        result.performance,
                        key,
                        self.number(perf[key], f"monitoring.performance.{key}"),
                    )
            if "window" in perf and self.duration(
                perf["window"], "monitoring.performance.window"
            ):
                result.performance.window = perf["window"].value
        return result

    def _false_alarm_rate(self, node: Node, drift: DriftSpec) -> None:
        """A share of no-drift windows allowed to alert, or null: fixed thresholds."""
        path = "monitoring.drift.false_alarm_rate"
        if node.value is None:
            drift.false_alarm_rate = None
            return
        rate = self.number(node, path)
        if rate is not None and not 0 < rate <= MAX_FALSE_ALARM_RATE:
            self.problem(
                node,
                path,
                f"expected a rate above 0 and at most {MAX_FALSE_ALARM_RATE}, or null "
                f"for the fixed warn and alert, got {rate}",
            )
        elif rate is not None:
            drift.false_alarm_rate = float(rate)
