"""The monitoring report: terminal text, JSON, and one self-contained HTML file."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from modelplate.runtime.drift import ColumnDrift
from modelplate.runtime.monitoring import DriftReport
from modelplate.runtime.performance import PerformanceReport, WindowScore
from modelplate.runtime.report import (
    format_drift,
    format_estimate,
    format_performance,
    render_html,
    to_json,
)


def _column(name: str, status: str, psi: float, ks: float | None) -> ColumnDrift:
    return ColumnDrift(
        group="inputs",
        column=name,
        kind="numeric" if ks is not None else "discrete",
        rows=100,
        psi=psi,
        ks=ks,
        statistic="psi",
        status=status,
        labels=["low", "high"],
        reference=[0.5, 0.5],
        current=[0.9, 0.1],
    )


DRIFT = DriftReport(
    [_column("tenure", "alert", 0.4, 0.3), _column("plan <b>", "ok", 0.01, None)],
    rows=100,
    rejected=3,
)
PERFORMANCE = PerformanceReport(
    metric="roc_auc",
    window="1d",
    alert_below=0.7,
    alert_above=None,
    windows=[
        WindowScore("2024-06-01T00:00:00", "2024-06-02T00:00:00", 50, 0.8, "ok"),
        WindowScore("2024-06-02T00:00:00", "2024-06-03T00:00:00", 40, 0.6, "alert"),
        WindowScore(
            "2024-06-03T00:00:00", "2024-06-04T00:00:00", 1, float("nan"), "n/a"
        ),
    ],
    joined=91,
)


def test_the_text_has_a_line_per_column_and_the_verdict():
    text = format_drift(DRIFT)
    assert "100 rows (3 rejected by the contract)" in text
    # Each statistic, the threshold it is held to and the rows it was measured on.
    assert re.search(r"tenure +0\.400 +0\.300 +0\.250 +100  alert", text)
    assert re.search(r"plan <b> +0\.010 +- +0\.250 +100  ok", text)
    assert "psi, warn >= 0.1, alert >= 0.25" in text
    calibrated = format_drift(replace(DRIFT, false_alarm_rate=0.01))
    assert "calibrated per column for this window (false alarm rate 0.01" in calibrated
    assert text.endswith("drift: alert")


def test_the_performance_text_states_the_bar_and_each_window():
    text = format_performance(PERFORMANCE)
    assert "alert when < 0.7" in text
    assert re.search(r"2024-06-02T00:00:00 +40 +0\.600 +- +-  alert", text)
    assert re.search(r"2024-06-03T00:00:00 +1 +- +- +-  n/a", text)
    assert text.endswith("performance: alert")


def test_the_json_is_json():
    data = json.loads(json.dumps(to_json(DRIFT, PERFORMANCE, "alert")))
    assert data["status"] == "alert"
    assert data["drift"]["columns"][0]["value"] == 0.4
    assert data["performance"]["windows"][2]["value"] is None
    assert to_json(None, None, "ok") == {
        "status": "ok",
        "drift": None,
        "performance": None,
        "estimated_performance": None,
        "drift_over_time": None,
        "outcome": None,
    }


def test_the_html_is_one_file_with_a_plot_per_drifted_column_and_the_title():
    html = render_html("Churn <predictor>", DRIFT, PERFORMANCE, "2026-01-01T00:00:00")
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Churn &lt;predictor&gt;: monitoring report</title>" in html
    # One histogram for the drifted column, one line plot for performance.
    assert html.count("<svg") == len(DRIFT.drifted()) + 1
    assert "plan &lt;b&gt;" in html and "plan <b>" not in html
    # Self-contained: nothing to fetch from anywhere.
    assert not re.search(r"<script|<link|src=|https?://(?!www\.w3\.org/2000/svg)", html)


def test_each_section_is_optional():
    drift_only = render_html("t", DRIFT, None, "now")
    assert "Drift: alert" in drift_only and "Performance" not in drift_only
    performance_only = render_html("t", None, PERFORMANCE, "now")
    assert "Performance: alert" in performance_only and "Drift" not in performance_only


def test_an_estimate_is_one_line_beside_the_held_out_metric_or_says_why_not():
    estimated = {
        "metric": "roc_auc",
        "value": 0.81234,
        "reason": "confidence-based " "estimate",
        "rows": 500,
        "held_out": 0.8,
    }
    assert format_estimate(estimated) == (
        "estimated roc_auc: 0.812 on 500 rows (confidence-based estimate, before "
        "labels; held-out 0.800)"
    )
    none = {**estimated, "value": None, "reason": "no estimate for a regressor"}
    assert (
        format_estimate(none) == "estimated roc_auc: none (no estimate for a regressor)"
    )
