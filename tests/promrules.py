"""Prometheus's own checks of a service's alerting rules (`runtime.alerts`).

`unit_tests` builds a `promtool test rules` file from the alerts themselves: for each
alert, synthetic series on the breaking side of its threshold (it must fire, with its
labels and annotations) and on the other side (it must not). The series follow the
alert's signal (a ratio of rates, a rate, a histogram quantile, a level), so the file
cannot go stale when an alert or a threshold changes.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest
import yaml

from modelplate.runtime.alerts import Alert
from modelplate.runtime.promql import Level, Quantile, Rate, Ratio, Selector
from modelplate.runtime.telemetry import latency_buckets

PROMTOOL = shutil.which("promtool")
PROMETHEUS = shutil.which("prometheus")
needs_prometheus = pytest.mark.skipif(
    PROMETHEUS is None,
    reason="prometheus is not installed (apt package prometheus; .ci/run installs it)",
)
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None,
    reason="promtool is not installed (apt package prometheus; .ci/run installs it)",
)
MINUTES = 60  # samples per series, one a minute
EVAL_TIME = "60m"  # after every alert's `for` (30m at most) has passed
PER_MINUTE = 1000.0  # requests a minute in the ratios' denominators


def promtool(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PROMTOOL, *map(str, args)], capture_output=True, text=True, timeout=120
    )


def _value(op: str, value: str) -> str:
    """A label value the matcher accepts (this module's alerts use only these)."""
    if op == "=":
        return value
    if op == "=~":  # the first alternative, its wildcards made digits ("5.." -> 500)
        return value.split("|")[0].replace(".", "0")
    return "synthetic"  # "!~"


def labels_of(selector: Selector) -> dict[str, str]:
    return {label: _value(op, value) for label, op, value in selector.matchers}


def _matches(labels: dict[str, str], selector: Selector) -> bool:
    for label, op, value in selector.matchers:
        found = re.fullmatch(value, labels.get(label, "")) is not None
        if (op == "=" and labels.get(label) != value) or (op == "=~" and not found):
            return False
        if op == "!~" and found:
            return False
    return True


def _series(metric: str, labels: dict[str, str]) -> str:
    inner = ",".join(f'{key}="{value}"' for key, value in labels.items())
    return f"{metric}{{{inner}}}"


def _counter(metric: str, labels: dict, per_minute: float) -> dict:
    return {"series": _series(metric, labels), "values": f"0+{per_minute:g}x{MINUTES}"}


def _gauge(metric: str, labels: dict, value: float) -> dict:
    return {"series": _series(metric, labels), "values": f"{value:g}x{MINUTES}"}


def _ratio(signal: Ratio, fire: bool) -> list[dict]:
    ratio = signal.threshold * 2 if fire else signal.threshold / 2
    top, bottom = labels_of(signal.numerator), labels_of(signal.denominator)
    same = signal.numerator.metric == signal.denominator.metric
    if same and _matches(top, signal.denominator):  # the numerator counts in both
        ratio = ratio / (1 - ratio)
    return [
        _counter(signal.numerator.metric, top, PER_MINUTE * ratio),
        _counter(signal.denominator.metric, bottom, PER_MINUTE),
    ]


def _rate(signal: Rate, fire: bool) -> list[dict]:
    per_minute = max(signal.threshold * 120, 10) if fire else signal.threshold * 30
    return [_counter(signal.counter.metric, labels_of(signal.counter), per_minute)]


def _quantile(signal: Quantile, fire: bool) -> list[dict]:
    """Every observation in the bucket just above the threshold (fire) or in the
    one ending at it (quiet): the service's buckets have a boundary there."""
    bounds = latency_buckets(signal.threshold)
    assert signal.threshold in bounds
    first = min(b for b in bounds if b > signal.threshold) if fire else signal.threshold
    labels = labels_of(signal.buckets)
    return [
        _counter(
            signal.buckets.metric, {**labels, "le": f"{le:g}"}, 100 * (le >= first)
        )
        for le in bounds
    ] + [_counter(signal.buckets.metric, {**labels, "le": "+Inf"}, 100)]


def _level(signal: Level, fire: bool) -> list[dict]:
    t = signal.threshold
    below = t / 2 if t > 0 else t - 1
    above = t * 2 if t > 0 else t + 1
    values = {
        "==": (t, t + 1),
        ">=": (t, below),  # the boundary itself breaks it
        ">": (above, t),
        "<": (below, t),
    }[signal.op]
    labels = labels_of(signal.gauge) or {"instance": "replica-1"}
    return [_gauge(signal.gauge.metric, labels, values[0 if fire else 1])]


def series_for(alert: Alert, fire: bool) -> list[dict]:
    # By name: a generated service's alerts are its vendored runtime's classes.
    build = {"Ratio": _ratio, "Rate": _rate, "Quantile": _quantile, "Level": _level}
    return build[type(alert.signal).__name__](alert.signal, fire)


def _expected(alert: Alert, service: str, series: list[dict]) -> list[dict]:
    rule = alert.rule(service)
    labels = dict(rule["labels"])
    if type(alert.signal).__name__ == "Level":  # it keeps its series' labels
        inner = series[0]["series"].split("{", 1)[1].rstrip("}")
        labels.update(dict(re.findall(r'(\w+)="([^"]*)"', inner)))
    return [{"exp_labels": labels, "exp_annotations": rule["annotations"]}]


def unit_tests(
    rules: Path, service: str, alerts: tuple[Alert, ...], inverted: bool = False
) -> dict:
    """A `promtool test rules` document: each alert fires on its breaking series and
    stays quiet on the others (``inverted`` swaps the two: every test must fail)."""
    tests = []
    for alert in alerts:
        for fire in (True, False):
            series = series_for(alert, fire)
            expected = _expected(alert, service, series) if fire != inverted else []
            check = {"eval_time": EVAL_TIME, "alertname": alert.name}
            tests.append(
                {
                    "interval": "1m",
                    "input_series": series,
                    "alert_rule_test": [{**check, "exp_alerts": expected}],
                }
            )
    return {"rule_files": [str(rules)], "evaluation_interval": "1m", "tests": tests}


def check_rules(
    folder: Path, text: str, service: str, alerts: tuple[Alert, ...]
) -> None:
    """``promtool check rules`` and ``promtool test rules`` pass on ``text``."""
    rules = folder / "alerts.yml"
    rules.write_text(text)
    checked = promtool("check", "rules", rules)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(alerts)} rules found" in checked.stdout
    tests = folder / "alerts.test.yml"
    tests.write_text(yaml.safe_dump(unit_tests(rules, service, alerts)))
    tested = promtool("test", "rules", tests)
    assert tested.returncode == 0, tested.stdout + tested.stderr


# ------------------------------------------- a real Prometheus scraping a service


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def query(web: int, expression: str) -> list[dict]:
    url = f"http://127.0.0.1:{web}/api/v1/query?" + urlencode({"query": expression})
    with urlopen(url, timeout=5) as answer:
        return json.load(answer)["data"]["result"]


@contextmanager
def prometheus(folder: Path, target: int, rules: Path) -> Iterator[int]:
    """A real Prometheus on loopback scraping 127.0.0.1:``target`` every second with
    ``rules`` loaded; yields its web port."""
    config = folder / "prometheus.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(rules)],
                "scrape_configs": [
                    {
                        "job_name": "service",
                        "static_configs": [{"targets": [f"127.0.0.1:{target}"]}],
                    }
                ],
            }
        )
    )
    web = free_port()
    command = [
        PROMETHEUS,
        f"--config.file={config}",
        f"--storage.tsdb.path={folder / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{web}",
    ]
    with (folder / "prometheus.log").open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield web
        finally:
            process.terminate()
            process.wait(30)


def until_scraped(web: int, namespace: str, seconds: float = 60.0):
    """(requests series, ready series, loaded rule names) once Prometheus has
    scraped the service's ``<namespace>_requests_total`` and ``<namespace>_ready``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests = query(web, f"{namespace}_requests_total")
            ready = query(web, f"{namespace}_ready")
            with urlopen(f"http://127.0.0.1:{web}/api/v1/rules", timeout=5) as answer:
                groups = json.load(answer)["data"]["groups"]
        except OSError:  # not listening yet
            time.sleep(0.2)
            continue
        if requests and ready:
            return requests, ready, {r["name"] for g in groups for r in g["rules"]}
        time.sleep(0.2)
    raise AssertionError("prometheus never scraped the service")
