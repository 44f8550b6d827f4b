"""Each reference spec's alerting rules, as its generated service's `ops alerts`
writes them: Prometheus's own `promtool check rules` and `promtool test rules` (the
unit tests built from the service's alerts, in its own subprocess), and the
thresholds are the spec's.

The generated package runs in a subprocess importing it from its src/ folder, so the
tool's interpreter never imports a generated package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
import yaml
from paths import EXAMPLES
from promrules import (
    free_port,
    needs_prometheus,
    needs_promtool,
    prometheus,
    promtool,
    until_scraped,
)

import modelplate

TESTS = Path(__file__).resolve().parent
UNIT_TESTS = """
import sys
from pathlib import Path

import yaml
from promrules import unit_tests

from {package}.cli import PROGRAM as p
from {package}.runtime.alerts import alerts_for

rules, out = Path(sys.argv[1]), Path(sys.argv[2])
alerts = alerts_for(p.prog, p.namespace, p.monitoring, p.resources, p.precompute)
out.write_text(yaml.safe_dump(unit_tests(rules.resolve(), p.prog, alerts)))
"""


def _env(project: Path) -> dict[str, str]:
    path = os.pathsep.join([str(project / "src"), str(TESTS)])
    return {**os.environ, "PYTHONPATH": path}


def _run(project: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=project,
        env=_env(project),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@needs_promtool
@pytest.mark.parametrize("spec", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_rules_of_each_reference_spec_pass_promtool(tmp_path, spec):
    loaded = modelplate.load_spec(spec)
    project = tmp_path / loaded.name
    modelplate.generate(spec, project)
    _run(project, "-m", loaded.package, "ops", "alerts", "--output", "ops/alerts.yml")
    rules = project / "ops" / "alerts.yml"
    checked = promtool("check", "rules", rules)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    document = yaml.safe_load(rules.read_text())
    by_name = {
        r["alert"].removeprefix(_camel(loaded.name)): r for r in _rules(document)
    }
    budget = loaded.resources.latency_p99_ms / 1000
    assert _threshold(by_name["LatencyP99"]) == budget
    drift = loaded.monitoring.drift
    if drift.false_alarm_rate is None:
        assert _threshold(by_name["Drift"]) == drift.alert
    else:  # per-column calibrated thresholds: the service counts the columns over
        assert by_name["Drift"]["expr"].endswith("_drift_alerts > 0")
    assert ("StaleFeatures" in by_name) == (loaded.precompute is not None)
    below = loaded.monitoring.performance.alert_below
    assert ("PerformanceLow" in by_name) == (below is not None)
    tests = project / "ops" / "alerts.test.yml"
    _run(
        project, "-c", UNIT_TESTS.format(package=loaded.package), str(rules), str(tests)
    )
    assert len(yaml.safe_load(tests.read_text())["tests"]) == 2 * len(by_name)
    tested = promtool("test", "rules", tests)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def _threshold(rule: dict) -> float:
    return float(rule["expr"].split()[-1])


def _rules(document: dict) -> list[dict]:
    return [rule for group in document["groups"] for rule in group["rules"]]


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


@pytest.mark.slow
@needs_prometheus
def test_a_real_prometheus_scrapes_a_running_generated_service(tmp_path):
    """The minimal spec's service, generated, trained and served as its README says,
    scraped by a real Prometheus with its own `ops alerts` rules loaded."""
    loaded = modelplate.load_spec(EXAMPLES / "minimal.yaml")
    project, package = tmp_path / "project", loaded.package
    modelplate.generate(EXAMPLES / "minimal.yaml", project)
    _run(project, "-m", package, "train")
    _run(project, "-m", package, "ops", "alerts", "--output", "alerts.yml")
    port = free_port()
    command = [sys.executable, "-m", package, "serve", "--port", str(port)]
    env = {**_env(project), f"{package.upper()}_PREDICTION_LOG": str(tmp_path / "log")}
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_ready(port, server, tmp_path / "serve.log")
        example = json.loads((project / "tests" / "cases.json").read_text())
        body = json.dumps(example["bases"]["example"]).encode()
        headers = {"content-type": "application/json"}
        request = Request(f"http://127.0.0.1:{port}/predict", body, headers)
        with urlopen(request, timeout=10) as answer:
            assert answer.status == 200
        with prometheus(tmp_path, port, project / "alerts.yml") as web:
            requests, ready, loaded_rules = until_scraped(web, package)
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    labels = {(r["metric"]["endpoint"], r["metric"]["status"]) for r in requests}
    assert ("/predict", "200") in labels
    assert [r["value"][1] for r in ready] == ["1"]
    rules = _rules(yaml.safe_load((project / "alerts.yml").read_text()))
    assert loaded_rules == {rule["alert"] for rule in rules}


def _wait_ready(
    port: int, server: subprocess.Popen, log: Path, seconds: float = 120.0
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"serve stopped: {log.read_text()}")
        try:
            with urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the service never became ready")
