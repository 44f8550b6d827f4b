"""Alerting rules from a service's definitions, checked and unit-tested by promtool."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.request import Request, urlopen

import orders
import pytest
import uvicorn
import yaml
from promrules import (
    check_rules,
    needs_prometheus,
    needs_promtool,
    prometheus,
    promtool,
    unit_tests,
    until_scraped,
)

from modelplate.runtime import cli
from modelplate.runtime import definition as d
from modelplate.runtime.alerts import alerts_for, rules_document, rules_text
from modelplate.runtime.http import Http
from modelplate.runtime.serving import Serving

JSON = {"content-type": "application/json"}

STORE = d.Precompute(
    entity="order_id",
    features=("items",),
    max_age="24h",
    max_age_seconds=86400.0,
    store="store.db",
)
RESOURCES = d.Resources(latency_p99_ms=40)


def _monitoring(below=None, above=None, alert=0.3, rate=None) -> d.Monitoring:
    performance = d.Performance(metric="roc_auc", alert_below=below, alert_above=above)
    return d.Monitoring(d.Drift(alert=alert, false_alarm_rate=rate), performance)


# (monitoring, precompute) -> the alerts each service gets beyond the five common ones.
CASES = {
    "everything": (_monitoring(below=0.7, above=0.99), STORE),
    "calibrated drift": (_monitoring(rate=0.01), None),
    "no store, no performance bound": (_monitoring(), None),
    "regression error bound": (_monitoring(above=12.5), None),
}


def _alerts(case: str):
    monitoring, precompute = CASES[case]
    return alerts_for("order-desk", "order_desk", monitoring, RESOURCES, precompute)


def test_each_threshold_comes_from_the_definitions():
    rules = {a.name: a.rule("order-desk") for a in _alerts("everything")}
    assert rules["OrderDeskLatencyP99"]["expr"].endswith("> 0.04")
    assert "le" in rules["OrderDeskLatencyP99"]["expr"]
    assert rules["OrderDeskDrift"]["expr"] == "order_desk_drift >= 0.3"
    calibrated = {a.name: a.rule("order-desk") for a in _alerts("calibrated drift")}
    # Each column has its own calibrated threshold: the service counts those over it.
    assert calibrated["OrderDeskDrift"]["expr"] == "order_desk_drift_alerts > 0"
    assert (
        "false alarm rate 0.01"
        in calibrated["OrderDeskDrift"]["annotations"]["summary"]
    )
    low, high = rules["OrderDeskPerformanceLow"], rules["OrderDeskPerformanceHigh"]
    assert low["expr"] == 'order_desk_realized_performance{metric="roc_auc"} < 0.7'
    assert high["expr"].endswith("> 0.99")
    assert "24h" in rules["OrderDeskStaleFeatures"]["annotations"]["summary"]
    for rule in rules.values():
        assert rule["labels"]["service"] == "order-desk"
        assert rule["annotations"]["summary"].startswith("order-desk: ")
        assert rule["labels"]["severity"] in ("critical", "warning")


def test_a_section_the_spec_leaves_out_gets_no_rule():
    names = [a.name for a in _alerts("no store, no performance bound")]
    assert names == [
        "OrderDeskNotReady",
        "OrderDeskServerErrors",
        "OrderDeskLatencyP99",
        "OrderDeskContractViolations",
        "OrderDeskDrift",
        "OrderDeskPromotionNotServed",
    ]
    assert [a.name for a in _alerts("regression error bound")][-1] == (
        "OrderDeskPerformanceHigh"
    )


def test_the_text_is_the_document_as_yaml():
    alerts = _alerts("everything")
    text = rules_text("order-desk", alerts)
    assert text.startswith("# Prometheus alerting rules of order-desk")
    assert yaml.safe_load(text) == rules_document("order-desk", alerts)


@needs_promtool
@pytest.mark.parametrize("case", CASES)
def test_promtool_checks_the_rules_and_each_alert_fires_only_past_its_threshold(
    tmp_path, case
):
    alerts = _alerts(case)
    check_rules(tmp_path, rules_text("order-desk", alerts), "order-desk", alerts)


@needs_promtool
def test_the_unit_tests_fail_when_the_expectations_are_swapped(tmp_path):
    """The generated promtool tests can fail: each alert fails both of its tests."""
    alerts = _alerts("everything")
    rules = tmp_path / "alerts.yml"
    rules.write_text(rules_text("order-desk", alerts))
    tests = tmp_path / "alerts.test.yml"
    swapped = unit_tests(rules, "order-desk", alerts, inverted=True)
    tests.write_text(yaml.safe_dump(swapped))
    tested = promtool("test", "rules", tests)
    assert tested.returncode != 0
    output = tested.stdout + tested.stderr
    for alert in alerts:
        assert output.count(f"alertname: {alert.name},") == 2, alert.name


# ------------------------------------------- a real Prometheus scraping a service


@dataclass
class Settings:
    artifact: str
    host: str = "127.0.0.1"
    port: int = 8000
    max_batch_records: int = 10


@contextmanager
def _serving(artifact: Path):
    """The orders service, trained, under uvicorn on a free port, in a thread."""
    serving = Serving(
        contract=orders.CONTRACT,
        request_fields=orders.CONTRACT.fields,
        features=orders.FEATURES,
        scorer=orders.SCORER,
        load_artifact=orders.program(artifact.parent).load_artifact,
        example={"order_id": "O1", "items": 3},
        monitoring=_monitoring(),
        namespace="orders",
        resources=RESOURCES,
    )
    app = Http(serving, Settings, title="Orders", description="").create_app(
        Settings(str(artifact))
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.mark.slow
@needs_prometheus
def test_a_real_prometheus_scrapes_the_service_and_loads_its_rules(tmp_path):
    orders.write_sample(tmp_path)
    assert cli.main(orders.program(tmp_path), ["train"]) == 0
    alerts = alerts_for("orders", "orders", _monitoring(below=0.7), RESOURCES)
    rules = tmp_path / "alerts.yml"
    rules.write_text(rules_text("orders", alerts))
    with _serving(tmp_path / "model") as port:
        body = json.dumps({"order_id": "O7", "items": 12}).encode()
        request = Request(f"http://127.0.0.1:{port}/predict", body, JSON)
        with urlopen(request, timeout=5) as answer:
            assert answer.status == 200
        with prometheus(tmp_path, port, rules) as web:
            found = until_scraped(web, "orders")
    requests, ready, loaded = found
    labels = {(r["metric"]["endpoint"], r["metric"]["status"]) for r in requests}
    assert ("/predict", "200") in labels
    assert [r["value"][1] for r in ready] == ["1"]
    assert loaded == {a.name for a in alerts}
