"""Kubernetes manifests sized by measurement, checked against the Kubernetes API's
schemas (kubernetes-validate ships them: no cluster, no network)."""

from __future__ import annotations

import copy

import kubernetes_validate
import pytest
import yaml

from modelplate.runtime import definition as d
from modelplate.runtime.errors import BudgetError
from modelplate.runtime.manifests import Deployment, manifests
from modelplate.runtime.sizing import HEADROOM, container_mb, need_mb
from modelplate.runtime.yamltext import dump

FIGURES = {
    "rss_after_load_mb": 120.0,
    "single_peak_mb": 1.0,
    "batch_peak_mb": 30.0,
    "store_mb": 6.0,
    "model_load_s": 45.0,
}
STORE = d.Precompute(
    entity="customer_id",
    features=("spend",),
    max_age="24h",
    max_age_seconds=86400.0,
    store="data/features.sqlite",
)
KUBERNETES = kubernetes_validate.latest_version()
DEPLOY = "deployment.yaml"


def _deployment(**changes) -> Deployment:
    options = {"name": "churn-predictor", "image": "churn:1", "port": 8000}
    return Deployment(
        resources=d.Resources(memory_mb=512, cpus=0.5), **options | changes
    )


def _container(documents: dict) -> dict:
    return documents["deployment.yaml"]["spec"]["template"]["spec"]["containers"][0]


def test_requests_and_limits_come_from_the_measurement_with_headroom():
    container = _container(manifests(_deployment(), FIGURES))
    need = need_mb(FIGURES)  # after load + the largest call + the store's file
    assert need == 120.0 + 30.0 + 6.0
    memory = f"{container_mb(need)}Mi"
    assert container_mb(need) >= need * HEADROOM
    assert container["resources"] == {
        "requests": {"cpu": "500m", "memory": memory},
        "limits": {"cpu": "500m", "memory": memory},
    }
    bigger = manifests(_deployment(), {**FIGURES, "batch_peak_mb": 200.0})
    assert _container(bigger)["resources"]["requests"]["memory"] != memory


def test_probes_watch_ready_and_health_on_the_service_port():
    documents = manifests(_deployment(port=9100), FIGURES)
    container = _container(documents)
    assert container["ports"] == [{"name": "http", "containerPort": 9100}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    # 45 s measured load x 3, in 10 s probes: the model has 140 s to come up.
    assert container["startupProbe"]["failureThreshold"] == 14
    assert documents["service.yaml"]["spec"]["ports"][0]["targetPort"] == "http"
    hpa = documents["hpa.yaml"]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def test_a_feature_store_is_mounted_read_only_where_the_image_reads_it():
    documents = manifests(_deployment(precompute=STORE), FIGURES)
    assert _container(documents)["volumeMounts"][0]["mountPath"] == "/data"
    pod = documents["deployment.yaml"]["spec"]["template"]["spec"]
    claim = pod["volumes"][0]["persistentVolumeClaim"]
    assert claim == {"claimName": "churn-predictor-feature-store", "readOnly": True}
    assert "volumes" not in manifests(_deployment(), FIGURES)["deployment.yaml"]


def test_a_measured_need_over_the_budget_is_refused():
    over = {**FIGURES, "batch_peak_mb": 400.0}
    with pytest.raises(
        BudgetError, match=r"need of 526 MB exceeds resources.memory_mb"
    ):
        manifests(_deployment(), over)


@pytest.mark.parametrize("precompute", [None, STORE])
def test_every_manifest_is_valid_for_the_kubernetes_api(precompute):
    for name, document in manifests(
        _deployment(precompute=precompute), FIGURES
    ).items():
        as_read = yaml.safe_load(dump(document))
        assert as_read == document, name
        kubernetes_validate.validate(as_read, KUBERNETES, strict=True)


def _broken(path: tuple, value: object, name: str = "deployment.yaml") -> dict:
    document = copy.deepcopy(manifests(_deployment(), FIGURES)[name])
    *parents, last = path
    part = document
    for key in parents:
        part = part[key]
    part[last] = value
    return document


@pytest.mark.parametrize(
    "path, value, name, message",
    [
        (("spec", "replicas"), "two", "deployment.yaml", "is not of type"),
        (("spec", "minReplicas"), 1.5, "hpa.yaml", "is not of type"),
        (
            ("spec", "template", "spec", "containers", 0, "readyProbe"),
            {},
            DEPLOY,
            "ready",
        ),
        (("spec", "ports", 0, "portt"), 80, "service.yaml", "was unexpected"),
    ],
)
def test_a_broken_manifest_fails_the_check(path, value, name, message):
    whole = manifests(_deployment(), FIGURES)[name]
    document = _broken(path, value, name)
    with pytest.raises(kubernetes_validate.ValidationError, match=message):
        kubernetes_validate.validate(document, KUBERNETES, strict=True)
    kubernetes_validate.validate(whole, KUBERNETES, strict=True)
