# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Prometheus alerting rules derived from a service's definitions.

Every threshold that the spec states comes from it: the p99 latency from
``resources.latency_p99_ms`` (read from the latency histogram, which has a bucket
boundary at that budget: ``telemetry.latency_buckets``), drift from
``monitoring.drift.alert``, realized performance from
``monitoring.performance.alert_below``/``alert_above``, stale features only for a
service that precomputes them. A section the spec leaves out gives no rule. The
two rates the spec has no word for (server errors, contract violations) are
constants here, each with its reason.

Each alert is an ``Alert`` whose ``signal`` is one of four shapes of PromQL
(``runtime.promql``: a ratio of two rates, a rate, a histogram quantile, a
level): the rules file is written from them, and the tests build series on
either side of each threshold from them too.
Pure: definitions in, a document out; ``ops alerts`` writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .definition import Monitoring, Precompute, Resources
from .promql import Level, Quantile, Rate, Ratio, Selector, Signal, number
from .telemetry import (
    DRIFT,
    DRIFT_ALERTS,
    LATENCY,
    MODEL_RELOADS,
    READY,
    REALIZED_PERFORMANCE,
    REQUESTS,
    VIOLATIONS,
)
from .yamltext import dump

__all__ = [
    "Alert",
    "alerts_for",
    "rules_document",
    "rules_text",
]

# Above 1% of requests failing on the server side, clients notice (retries,
# fallbacks) well before a dashboard does.
SERVER_ERROR_RATIO = 0.01
# Violations per prediction request. Producers breaking the contract for one
# request in twenty is a change on their side, not noise.
CONTRACT_VIOLATION_RATIO = 0.05
PREDICT = ("/predict", "/predict/batch")
# Refusals of the feature store (404, 409) counted as violations; not a producer's.
STORE_RULES = ("unknown_entity", "stale_features", "null_features")


@dataclass(frozen=True)
class Alert:
    name: str
    signal: Signal
    duration: str  # how long it must hold before it fires ("for")
    severity: str  # "critical": someone acts now; "warning": within the day
    summary: str
    runbook: str

    def rule(self, service: str) -> dict:
        return {
            "alert": self.name,
            "expr": self.signal.promql(),
            "for": self.duration,
            "labels": {"severity": self.severity, "service": service},
            "annotations": {"summary": self.summary, "runbook": self.runbook},
        }


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name))


def alerts_for(
    service: str,
    namespace: str,
    monitoring: Monitoring,
    resources: Resources,
    precompute: Precompute | None = None,
) -> tuple[Alert, ...]:
    """The alerts of ``service`` (its command name), whose metrics carry
    ``namespace`` (its package name)."""
    prefix, ns = _camel(service), f"{namespace}_"
    requests = Selector(f"{ns}{REQUESTS}_total")
    # Prediction requests only: probes and scrapes would dilute the ratios, and a
    # replica that is not ready answers /ready 503 (NotReady's concern).
    predict = ("endpoint", "=~", "|".join(PREDICT))
    alerts = [
        Alert(
            f"{prefix}NotReady",
            Level(Selector(f"{ns}{READY}"), "==", 0),
            "5m",
            "critical",
            f"{service}: a replica has not been ready (GET /ready 503) for 5 minutes",
            "GET /ready on the replica gives the reason: a model that cannot score "
            f"its example record needs `{service} train` or the last good artifact; a "
            f"feature store that cannot be read needs its volume and `{service} "
            "precompute`.",
        ),
        Alert(
            f"{prefix}ServerErrors",
            Ratio(
                Selector(requests.metric, (predict, ("status", "=~", "5.."))),
                Selector(requests.metric, (predict,)),
                SERVER_ERROR_RATIO,
            ),
            "5m",
            "critical",
            f"{service}: over {SERVER_ERROR_RATIO:.0%} of prediction requests "
            "answered 5xx",
            "Read the service's log for the error; 503 from a ready model means the "
            "feature store failed a lookup (check its file and volume).",
        ),
        Alert(
            f"{prefix}LatencyP99",
            Quantile(
                Selector(f"{ns}{LATENCY}_bucket", (("endpoint", "=", "/predict"),)),
                0.99,
                resources.latency_p99_ms / 1000.0,
            ),
            "10m",
            "warning",
            f"{service}: /predict p99 latency over the budget of "
            f"{number(resources.latency_p99_ms)} ms (resources.latency_p99_ms)",
            f"Compare with `{service} sizing` on the same model: if a replica meets "
            "the budget alone, it is saturated (add replicas, or let the "
            "autoscaler's CPU target lower); if not, the model is too slow for it.",
        ),
        Alert(
            f"{prefix}ContractViolations",
            Ratio(
                Selector(
                    f"{ns}{VIOLATIONS}_total", (("rule", "!~", "|".join(STORE_RULES)),)
                ),
                Selector(requests.metric, (predict,)),
                CONTRACT_VIOLATION_RATIO,
            ),
            "15m",
            "warning",
            f"{service}: over {number(CONTRACT_VIOLATION_RATIO)} contract violations per "
            "prediction request",
            f"{ns}{VIOLATIONS}_total names the field and rule: tell that field's "
            "producer (spec.yaml names it), or change the contract in spec.yaml if "
            "the data changed on purpose.",
        ),
        _drift(service, ns, monitoring, prefix),
        Alert(
            f"{prefix}PromotionNotServed",
            Rate(Selector(f"{ns}{MODEL_RELOADS}_total", (("outcome", "=", "failed"),))),
            "10m",
            "warning",
            f"{service}: a replica keeps serving its model: the champion the "
            "registry names does not load or verify on it",
            "The replica's log says why in one line (a changed model file, another "
            f"contract); `{service} promote` the version it serves back to champion "
            f"(`{service} models` lists them), or fix the promoted one.",
        ),
    ]
    if precompute is not None:
        stale = Selector(f"{ns}{VIOLATIONS}_total", (("rule", "=", "stale_features"),))
        alerts.append(
            Alert(
                f"{prefix}StaleFeatures",
                Rate(stale),
                "10m",
                "warning",
                f"{service}: requests refused (409) for precomputed features older "
                f"than max_age {precompute.max_age}",
                f"`{service} precompute` has not run on time: run it on fresh "
                f"records (its schedule must be shorter than {precompute.max_age}).",
            )
        )
    alerts.extend(_performance(service, ns, monitoring, prefix))
    return tuple(alerts)


def _drift(service: str, ns: str, monitoring: Monitoring, prefix: str) -> Alert:
    """Fixed thresholds: each column's statistic against ``drift.alert``, the column
    named. Calibrated ones differ per column and window, so the service counts the
    columns over theirs (``drift_alerts``) and the rule reads that count."""
    drift = monitoring.drift
    runbook = (
        f"Run `{service} monitor --current RECENT` for the column-by-column report "
        f"({ns}{DRIFT} holds each column's statistic); retrain on recent data if the "
        "shift is real, fix the producer if it is a bug."
    )
    if drift.false_alarm_rate is None:
        signal = Level(Selector(f"{ns}{DRIFT}"), ">=", drift.alert)
        summary = (
            f"{service}: a column drifted to {drift.method} >= "
            f"{number(drift.alert)} (monitoring.drift.alert)"
        )
    else:
        signal = Level(Selector(f"{ns}{DRIFT_ALERTS}"), ">", 0)
        summary = (
            f"{service}: columns drifted beyond their calibrated thresholds "
            f"(false alarm rate {number(drift.false_alarm_rate)}, "
            "monitoring.drift.false_alarm_rate)"
        )
    return Alert(f"{prefix}Drift", signal, "30m", "warning", summary, runbook)


def _performance(
    service: str, ns: str, monitoring: Monitoring, prefix: str
) -> list[Alert]:
    performance = monitoring.performance
    metric = performance.metric
    gauge = Selector(f"{ns}{REALIZED_PERFORMANCE}", (("metric", "=", metric),))
    bounds = (("Low", "<", "below", performance.alert_below),)
    bounds += (("High", ">", "above", performance.alert_above),)
    return [
        Alert(
            f"{prefix}Performance{suffix}",
            Level(gauge, op, threshold),
            "0m",  # the monitor job already judged a whole window of outcomes
            "warning",
            f"{service}: realized {metric} {word} {number(threshold)} "
            f"(monitoring.performance.alert_{word})",
            f"Read the `{service} monitor --labels` report; retrain (`{service} "
            "train`) on recent labelled data, or roll back to the last good artifact.",
        )
        for suffix, op, word, threshold in bounds
        if threshold is not None
    ]


def rules_document(service: str, alerts: tuple[Alert, ...]) -> dict:
    """A Prometheus rules file: one group, named after the service."""
    return {"groups": [{"name": service, "rules": [a.rule(service) for a in alerts]}]}


def rules_text(service: str, alerts: tuple[Alert, ...]) -> str:
    comment = (
        f"Prometheus alerting rules of {service}, derived from spec.yaml by "
        f"`{service} ops alerts`.\nRegenerate them after a change to spec.yaml; "
        "check them with `promtool check rules FILE`."
    )
    return dump(rules_document(service, alerts), comment)
