"""Service metrics: closed label sets, one registry per app, outputs by task."""

from __future__ import annotations

import numpy as np

from modelplate.runtime.telemetry import LATENCY_BUCKETS, Telemetry


def telemetry(task: str = "binary_classification", **options) -> Telemetry:
    return Telemetry(
        ("/predict",),
        namespace="svc",
        fields=["age"],
        feature_ranges={"ratio": (0.0, 1.0)},
        task=task,
        output="score" if task == "binary_classification" else "prediction",
        **options,
    )


def test_the_latency_budget_is_a_bucket_boundary():
    """A p99 read from the histogram is then exact at the budget."""
    assert 0.04 not in LATENCY_BUCKETS
    text = telemetry(latency_budget=0.04).render().decode()
    assert 'le="0.04"' not in text  # no series before the first request
    metrics = telemetry(latency_budget=0.04)
    metrics.observe_request("/predict", 200, 0.039)
    text = metrics.render().decode()
    bucket = 'svc_request_latency_seconds_bucket{endpoint="/predict",le="0.04"} 1.0'
    assert bucket in text
    assert 'le="0.025"} 0.0' in text and 'le="0.05"} 1.0' in text


def test_readiness_is_a_gauge_that_starts_at_zero():
    metrics = telemetry()
    assert "svc_ready 0.0" in metrics.render().decode()
    metrics.observe_ready(True)
    assert "svc_ready 1.0" in metrics.render().decode()
    metrics.observe_ready(False)
    assert "svc_ready 0.0" in metrics.render().decode()


def test_label_values_come_from_a_closed_set():
    metrics = telemetry()
    metrics.observe_request("/predict", 200, 0.001)
    metrics.observe_request("/../etc/passwd", 404, 0.001)
    metrics.observe_violations([{"field": "age", "rule": "max"}])
    metrics.observe_violations([{"field": "x" * 1000, "rule": "unknown_field"}])
    text = metrics.render().decode()
    assert 'svc_requests_total{endpoint="(other)",status="404"} 1.0' in text
    assert 'svc_contract_violations_total{field="age",rule="max"} 1.0' in text
    assert 'field="(undeclared)"' in text and "x" * 100 not in text


def test_two_apps_never_share_counters():
    first, second = telemetry(), telemetry()
    first.observe_request("/predict", 200, 0.001)
    assert 'status="200"' not in second.render().decode()


def test_features_outside_their_range_are_counted_at_the_edges():
    metrics = telemetry()
    low, high = 0.0, 1.0
    below, above = np.nextafter(low, -np.inf), np.nextafter(high, np.inf)
    metrics.observe_features({"ratio": np.array([low, high, below, above])})
    metrics.observe_features({"ratio": np.array([2.0])})
    text = metrics.render().decode()
    assert 'svc_features_out_of_range_total{feature="ratio"} 3.0' in text


def test_binary_scores_are_a_histogram_of_probabilities():
    metrics = telemetry()
    metrics.track_predictions()
    metrics.observe_outputs(np.array([0.1, 0.9]), ["call", "none"])
    text = metrics.render().decode()
    assert 'svc_prediction_bucket{le="0.1"} 1.0' in text
    assert 'svc_decisions_total{decision="call"} 1.0' in text


def test_classes_are_counted_by_label():
    metrics = telemetry("multiclass_classification")
    metrics.track_predictions()
    metrics.observe_outputs(np.array(["a", "b", "a"], dtype=object), None)
    assert 'svc_predictions_total{prediction="a"} 2.0' in metrics.render().decode()


def test_regression_buckets_follow_the_training_quantiles():
    metrics = telemetry("regression")
    metrics.track_predictions([10.0, 20.0, 10.0])
    metrics.observe_outputs(np.array([15.0]), None)
    text = metrics.render().decode()
    assert 'svc_prediction_bucket{le="20.0"} 1.0' in text
    assert 'svc_prediction_bucket{le="10.0"} 0.0' in text
