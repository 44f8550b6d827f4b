# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Kubernetes manifests sized by measurement (``<service> sizing --write``).

The memory comes from what ``runtime.sizing`` measured in this process, not from
the spec: one serving process needs its resident memory after loading the model,
plus its largest call, plus the feature store's pages (``sizing.need_mb``); the
container gets that times ``sizing.HEADROOM`` (allocator fragmentation, the web
server, a wider batch than the sample's), in 64 MiB steps. The spec's
``resources.memory_mb`` is the check the measured need must pass, and
``resources.cpus`` the CPU each replica gets. Limits equal requests, so each pod
runs in Kubernetes's Guaranteed class: it is not the first evicted under memory
pressure, it is killed at a known figure, and its CPU quota is the one the
latency check assumed. Pure: figures in, documents out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .definition import Precompute, Resources
from .errors import BudgetError
from .sizing import HEADROOM, container_mb, need_mb

__all__ = ["Deployment", "manifests"]

# Two replicas: one can restart (a new model, a node drained) while one answers.
MIN_REPLICAS = 2
MAX_REPLICAS = 10
# Scale out at 70% of the CPU requested: room for a burst while a new pod starts.
CPU_TARGET_PERCENT = 70
PROBE_SECONDS = 10
# A start-up probe gives the model this many times its measured load to come up,
# then liveness takes over (a stuck process is restarted).
LOAD_MARGIN = 3
FEATURE_STORE_MOUNT = "/data"


@dataclass(frozen=True)
class Deployment:
    """What the manifests say besides the measurement."""

    name: str  # the service's command name: the image's entrypoint
    image: str
    port: int
    resources: Resources
    precompute: Precompute | None = None


def _cpu(cpus: float) -> str:
    """A CPU quantity: whole cores as such ("2"), else millicores ("500m")."""
    millis = round(cpus * 1000)
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def manifests(deployment: Deployment, figures: dict[str, float]) -> dict[str, dict]:
    """File name -> Kubernetes object, from the measured ``figures``; raises
    ``BudgetError`` when the measured need exceeds the spec's budget."""
    budget = deployment.resources.memory_mb
    need = need_mb(figures)
    if need > budget:
        raise BudgetError(
            f"the measured need of {need:.0f} MB exceeds resources.memory_mb "
            f"{budget:g} MB in spec.yaml: no manifests written"
        )
    memory = f"{container_mb(need)}Mi"
    cpu = _cpu(deployment.resources.cpus)
    sizing = (
        f"memory {memory}: measured need {need:.0f} MB x {HEADROOM} headroom "
        f"(budget {budget:g} MB); cpu {cpu}: resources.cpus"
    )
    return {
        "deployment.yaml": _deployment(deployment, figures, memory, cpu, sizing),
        "service.yaml": _service(deployment),
        "hpa.yaml": _autoscaler(deployment),
    }


def _labels(deployment: Deployment) -> dict:
    return {"app.kubernetes.io/name": deployment.name}


def _probe(path: str, **extra: int) -> dict:
    return {
        "httpGet": {"path": path, "port": "http"},
        "periodSeconds": PROBE_SECONDS,
        "timeoutSeconds": 2,
        **extra,
    }


def _deployment(
    deployment: Deployment, figures: dict, memory: str, cpu: str, sizing: str
) -> dict:
    load = figures.get("model_load_s", 0.0) * LOAD_MARGIN
    container = {
        "name": deployment.name,
        "image": deployment.image,
        "args": ["serve", "--host", "0.0.0.0", "--port", str(deployment.port)],
        "ports": [{"name": "http", "containerPort": deployment.port}],
        "resources": {
            "requests": {"cpu": cpu, "memory": memory},
            "limits": {"cpu": cpu, "memory": memory},
        },
        "startupProbe": _probe(
            "/health", failureThreshold=max(3, math.ceil(load / PROBE_SECONDS))
        ),
        # /ready scores the example record (at most once a second): two misses
        # in a row take the pod out of the Service, one slow answer does not.
        "readinessProbe": _probe("/ready", failureThreshold=2),
        "livenessProbe": _probe("/health", failureThreshold=3),
    }
    pod: dict = {
        "securityContext": {"runAsNonRoot": True, "runAsUser": 1000},
        "containers": [container],
    }
    if deployment.precompute is not None:
        # The store is data that `precompute` refreshes, not part of the image.
        container["volumeMounts"] = [
            {
                "name": "feature-store",
                "mountPath": FEATURE_STORE_MOUNT,
                "readOnly": True,
            }
        ]
        claim = {"claimName": f"{deployment.name}-feature-store", "readOnly": True}
        pod["volumes"] = [{"name": "feature-store", "persistentVolumeClaim": claim}]
    scrape = {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(deployment.port),
        "prometheus.io/path": "/metrics",
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": deployment.name,
            "labels": _labels(deployment),
            "annotations": {"modelplate/sizing": sizing},
        },
        "spec": {
            "replicas": MIN_REPLICAS,
            "selector": {"matchLabels": _labels(deployment)},
            "template": {
                "metadata": {"labels": _labels(deployment), "annotations": scrape},
                "spec": pod,
            },
        },
    }


def _service(deployment: Deployment) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": deployment.name, "labels": _labels(deployment)},
        "spec": {
            "selector": _labels(deployment),
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }


def _autoscaler(deployment: Deployment) -> dict:
    target = {"type": "Utilization", "averageUtilization": CPU_TARGET_PERCENT}
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": deployment.name, "labels": _labels(deployment)},
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": deployment.name,
            },
            "minReplicas": MIN_REPLICAS,
            "maxReplicas": MAX_REPLICAS,
            "metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "target": target}}
            ],
        },
    }
