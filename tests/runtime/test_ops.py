"""The operators' commands of a small hand-built service: `ops alerts` and
`sizing --write`, run as the command line runs them."""

from __future__ import annotations

import json

import kubernetes_validate
import pytest
import yaml
from orders import STORE, one_error_line, program, write_sample

from modelplate.runtime import cli
from modelplate.runtime import definition as d
from modelplate.runtime.alerts import alerts_for, rules_text
from modelplate.runtime.sizing import container_mb, need_mb

# Measured in the test process, whose memory depends on the tests run before, on a
# machine busy with other work: a budget only a fault would break.
ROOMY = d.Resources(memory_mb=100_000, latency_p99_ms=100_000)


def test_alerts_go_to_stdout_or_whole_to_a_file(tmp_path, capsys):
    orders = program(tmp_path, namespace="orders")
    assert cli.main(orders, ["ops", "alerts"]) == 0
    printed = capsys.readouterr().out
    expected = alerts_for(
        "orders", "orders", orders.monitoring, orders.resources, orders.precompute
    )
    assert "orders_ready == 0" in printed
    assert printed == rules_text("orders", expected)
    assert [r["alert"] for r in yaml.safe_load(printed)["groups"][0]["rules"]] == [
        a.name for a in expected
    ]
    target = tmp_path / "ops" / "alerts.yml"
    assert cli.main(orders, ["ops", "alerts", "--output", str(target)]) == 0
    assert target.read_text() == printed
    assert "wrote 6 alerting rules" in capsys.readouterr().out
    assert [p.name for p in target.parent.iterdir()] == ["alerts.yml"]  # no temp left


def test_the_metrics_namespace_and_the_feature_store_shape_the_rules(tmp_path, capsys):
    given = program(tmp_path, prog="order-desk", namespace="desk", precompute=STORE)
    assert cli.main(given, ["ops", "alerts"]) == 0
    text = capsys.readouterr().out
    assert "desk_ready == 0" in text and "OrderDeskStaleFeatures" in text


def test_alerts_to_a_path_it_cannot_write_is_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    target = tmp_path / "file" / "alerts.yml"
    assert cli.main(program(tmp_path), ["ops", "alerts", "--output", str(target)]) == 1
    assert one_error_line(capsys).startswith(f"orders: error: cannot write {target}")


@pytest.fixture
def trained(tmp_path, capsys):
    write_sample(tmp_path)
    assert cli.main(program(tmp_path), ["train"]) == 0
    capsys.readouterr()
    return tmp_path


def test_sizing_write_records_the_measurement_and_sizes_the_manifests_by_it(
    trained, capsys
):
    folder = trained / "deploy"
    argv = ["sizing", "--write", str(folder), "--image", "orders:7"]
    roomy = program(trained, resources=ROOMY)
    assert cli.main(roomy, argv) == 0
    out = capsys.readouterr().out
    assert "wrote deployment.yaml, service.yaml, hpa.yaml, sizing.json" in out
    measured = json.loads((folder / "sizing.json").read_text())
    memory = measured["memory_mb"]
    assert set(memory) >= {"model", "features", "request", "batch", "need", "budget"}
    assert memory["need"] == pytest.approx(need_mb(measured["figures"]))
    assert memory["model"] > 0 and memory["batch"] > 0 and memory["budget"] == 100_000
    assert measured["batch_records"] == d.Resources().max_batch_records
    deployment = yaml.safe_load((folder / "deployment.yaml").read_text())
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    limits = container["resources"]["limits"]
    assert limits["memory"] == f"{container_mb(memory['need'])}Mi"
    assert container["image"] == "orders:7" and container["args"][-1] == "8000"
    for name in ("deployment.yaml", "service.yaml", "hpa.yaml"):
        document = yaml.safe_load((folder / name).read_text())
        version = kubernetes_validate.latest_version()
        kubernetes_validate.validate(document, version, strict=True)


def test_sizing_write_over_the_budget_is_one_line_and_writes_nothing(trained, capsys):
    small = program(trained, resources=d.Resources(memory_mb=1))
    folder = trained / "deploy"
    assert cli.main(small, ["sizing", "--write", str(folder)]) == 1
    line = one_error_line(capsys)
    assert line.startswith("orders: error: the measured need of ")
    assert line.endswith(
        "exceeds resources.memory_mb 1 MB in spec.yaml: no manifests written"
    )
    assert not folder.exists()


def test_sizing_without_write_writes_nothing(trained, capsys, monkeypatch):
    monkeypatch.chdir(trained)
    roomy = program(trained, resources=ROOMY)
    assert cli.main(roomy, ["sizing"]) == 0
    assert not (trained / "deploy").exists()
    assert "recommended container" in capsys.readouterr().out
