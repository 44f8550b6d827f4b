# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The service's Prometheus metrics: traffic, latency, rejections and outputs.

Each app gets its own registry (not prometheus_client's global one), so two apps
in one process, such as the tests', never share or double-register counters.
Label values come from a closed set (endpoints, the contract's fields and rules,
the decisions): a client cannot grow the number of series by sending odd paths or
field names.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

__all__ = [
    "CONTENT_TYPE",
    "DRIFT",
    "DRIFT_ALERTS",
    "LATENCY",
    "READY",
    "REALIZED_PERFORMANCE",
    "REQUESTS",
    "Telemetry",
    "VIOLATIONS",
    "latency_buckets",
]

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Metric names after the namespace, as alerting rules (``runtime.alerts``) read them.
REQUESTS = "requests"  # a counter: exposed as <namespace>_requests_total
LATENCY = "request_latency_seconds"
VIOLATIONS = "contract_violations"
DRIFT = "drift"
DRIFT_ALERTS = "drift_alerts"
READY = "ready"
SERVED_MODEL = "served_model"
MODEL_RELOADS = "model_reloads"  # a counter: <namespace>_model_reloads_total
# Realized performance once outcomes arrive, labelled by ``metric``: not served
# here but written by the scheduled ``monitor --labels`` job (a node_exporter
# textfile), under this service's namespace so that its rules find it.
REALIZED_PERFORMANCE = "realized_performance"
# From a cached single-row predict (~0.3 ms) to a full batch (seconds).
LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
)


def latency_buckets(budget_seconds: float | None = None) -> tuple[float, ...]:
    """``LATENCY_BUCKETS`` and the latency budget: with a boundary at the budget, a
    p99 read from the histogram is over the budget exactly when more than 1% of
    requests are (between two boundaries the quantile is an interpolation)."""
    extra = () if budget_seconds is None else (budget_seconds,)
    return tuple(sorted(set(LATENCY_BUCKETS + extra)))


# Fields the contract does not declare share one label value.
UNKNOWN_FIELD = "(undeclared)"
OTHER_ENDPOINT = "(other)"


class Telemetry:
    """The metrics of one app; ``render`` gives the text ``/metrics`` returns."""

    def __init__(
        self,
        endpoints: Iterable[str],
        *,
        namespace: str,
        fields: Iterable[str],
        feature_ranges: Mapping[str, tuple[float, float]],
        task: str,
        output: str,
        latency_budget: float | None = None,
    ) -> None:
        """``namespace`` prefixes every metric (the service's package name); ``fields``
        are the contract's, the only field label values besides "(undeclared)";
        ``latency_budget`` (seconds) becomes a boundary of the latency buckets."""
        self.registry = CollectorRegistry()
        self.endpoints = frozenset(endpoints)
        self.namespace = namespace
        self.known_fields = frozenset(fields)
        self.feature_ranges = feature_ranges
        self.task, self.output = task, output
        self.requests = Counter(
            REQUESTS,
            "HTTP requests by endpoint and status code.",
            ["endpoint", "status"],
            namespace=namespace,
            registry=self.registry,
        )
        self.disconnects = Counter(
            "client_disconnects",
            "Requests whose client left before the answer, by endpoint (not in "
            "requests: no status was sent).",
            ["endpoint"],
            namespace=namespace,
            registry=self.registry,
        )
        self.latency = Histogram(
            LATENCY,
            "Time to answer a request, by endpoint.",
            ["endpoint"],
            buckets=latency_buckets(latency_budget),
            namespace=namespace,
            registry=self.registry,
        )
        self.violations = Counter(
            VIOLATIONS,
            "Contract violations in rejected requests, by field and rule.",
            ["field", "rule"],
            namespace=namespace,
            registry=self.registry,
        )
        self.decisions = Counter(
            "decisions",
            "Decisions returned, by value.",
            ["decision"],
            namespace=namespace,
            registry=self.registry,
        )
        self.unknown_fields = Counter(
            "unknown_fields",
            "Fields the contract does not declare, received and ignored "
            "(unknown_fields: ignore).",
            namespace=namespace,
            registry=self.registry,
        )
        self.out_of_range = Counter(
            "features_out_of_range",
            "Scored records whose feature lies outside its declared range, by feature.",
            ["feature"],
            namespace=namespace,
            registry=self.registry,
        )
        self.predictions: Histogram | Counter | None = None
        self.drift = Gauge(
            DRIFT,
            "Drift of the recent records against training (PSI or KS, per the spec).",
            ["group", "column"],
            namespace=namespace,
            registry=self.registry,
        )
        self.drift_alerts = Gauge(
            DRIFT_ALERTS,
            "Columns of the recent records whose drift is at or above the alert level.",
            namespace=namespace,
            registry=self.registry,
        )
        self.log_dropped = Counter(
            "prediction_log_dropped",
            "Predictions not logged: the log's queue was full or a write failed.",
            namespace=namespace,
            registry=self.registry,
        )
        self.shadow = Counter(
            "challenger",
            "Requests the challenger scored in the shadow of the champion, by outcome "
            "(scored, timeout, error, dropped).",
            ["outcome"],
            namespace=namespace,
            registry=self.registry,
        )
        self.served_model = Gauge(
            SERVED_MODEL,
            "1 for the version of the model this replica serves (a registry version "
            "id; empty for a plain artifact folder).",
            ["version"],
            namespace=namespace,
            registry=self.registry,
        )
        self.model_reloads = Counter(
            MODEL_RELOADS,
            "Looks at the registry that found the champion moved, by outcome "
            "(loaded; failed: the promoted version does not load or verify, the "
            "service kept its model) or that found no answer (registry_unreadable).",
            ["outcome"],
            namespace=namespace,
            registry=self.registry,
        )
        self.ready = Gauge(
            READY,
            "1 while the service can answer (the model loaded and its last probe "
            "passed), else 0.",
            namespace=namespace,
            registry=self.registry,
        )

    def track_predictions(self, buckets: Sequence[float] | None = None) -> None:
        """Start counting predictions (once the model is loaded)."""
        if self.predictions is not None:
            return
        if self.task == "multiclass_classification":
            self.predictions = Counter(
                "predictions",
                "Predicted classes.",
                ["prediction"],
                namespace=self.namespace,
                registry=self.registry,
            )
            return
        if self.task == "binary_classification":  # a probability
            buckets = [round(0.05 * step, 2) for step in range(1, 21)]
        self.predictions = Histogram(
            "prediction",
            f"The model's {self.output} per scored record.",
            buckets=sorted(set(buckets)) if buckets else Histogram.DEFAULT_BUCKETS,
            namespace=self.namespace,
            registry=self.registry,
        )

    def observe_served(self, version: str | None) -> None:
        """The one version this replica serves now."""
        self.served_model.clear()
        self.served_model.labels(version or "").set(1)

    def observe_ready(self, ready: bool) -> None:
        self.ready.set(1 if ready else 0)

    def observe_request(self, path: str, status: int, seconds: float) -> None:
        endpoint = self._endpoint(path)
        self.requests.labels(endpoint, str(status)).inc()
        self.latency.labels(endpoint).observe(seconds)

    def observe_disconnect(self, path: str) -> None:
        self.disconnects.labels(self._endpoint(path)).inc()

    def _endpoint(self, path: str) -> str:
        return path if path in self.endpoints else OTHER_ENDPOINT

    def observe_violations(self, violations: Iterable[Mapping[str, object]]) -> None:
        for violation in violations:
            name = str(violation["field"])
            field = name if name in self.known_fields else UNKNOWN_FIELD
            self.violations.labels(field, str(violation["rule"])).inc()

    def observe_unknown_fields(self, count: int) -> None:
        if count:
            self.unknown_fields.inc(count)

    def observe_features(self, features: Mapping[str, object]) -> None:
        """Count the values of each ranged feature outside its declared range.

        The range is proven for what the contract accepts, so a count here means a
        feature computed elsewhere (precomputed, or written by hand) broke it.
        """
        for name, (low, high) in self.feature_ranges.items():
            values = np.asarray(features[name], dtype=np.float64)
            if values.size == 1:  # one request: plain floats are ten times faster
                value = values.item()
                outside = int(value < low or value > high)
            else:
                outside = int(np.count_nonzero((values < low) | (values > high)))
            if outside:
                self.out_of_range.labels(name).inc(outside)

    def observe_outputs(self, outputs: np.ndarray, decisions: Iterable | None) -> None:
        if isinstance(self.predictions, Counter):  # classes
            for label, count in Tally(map(str, outputs.tolist())).items():
                self.predictions.labels(label).inc(count)
        elif self.predictions is not None:
            for value in outputs.tolist():
                self.predictions.observe(value)
        if decisions is not None:
            # A tally of the values: a few microseconds for one record, where
            # np.unique costs tens.
            for value, count in Tally(map(str, decisions)).items():
                self.decisions.labels(value).inc(count)

    def observe_drift(self, columns: Iterable) -> None:
        """Set the drift gauges from a drift report's columns."""
        alerts = 0
        for column in columns:
            value = column.ks if column.statistic == "ks" else column.psi
            self.drift.labels(column.group, column.column).set(value)
            alerts += column.status == "alert"
        self.drift_alerts.set(alerts)

    def render(self) -> bytes:
        return generate_latest(self.registry)
