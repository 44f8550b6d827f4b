# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""HTTP serving: contract -> features -> matrix -> model (-> decisions), over FastAPI.

``Http`` builds one service's app around its ``Serving`` (``runtime.serving``) and
settings. The model is loaded and verified once, when the app starts, never per
request, and must score the example record then (with the feature store, if
any). Bodies must be JSON and are read raw, within a byte limit
(``runtime.bodies``: 415, 413), then checked by ``runtime.requests``; a request
that breaks the contract gets 422 with every violation. Endpoints are ``async
def`` and predict inline on the event loop: a single-row predict takes
microseconds, and one thread avoids the contention that threaded predicts show.

A service serving a registry's champion follows it (``runtime.following``): a
promoted version is served without a restart, once loaded and verified.

``/ready`` is 200 only while the service can answer: the model loaded and, probed
again at most every ``READY_PROBE_SECONDS``, scoring the example record with one
entity's features from the store. A lookup the store fails to answer turns it
503 at once until the next probe.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import msgspec
import pandas as pd
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from .bodies import Limits, check_content_type, limits_for, read_body
from .contract import json_schema
from .following import Follower, follow, period
from .middleware import ContractVersion, Observe
from .odcs import odcs_document
from .openapi import NOT_READY
from .recording import REQUEST_ID_HEADER, request_id_of
from .requests import Rejected, decode, records_of
from .rules import clipped
from .serving import ENDPOINTS, Observer, Serving, State, now
from .store import FeatureStore
from .telemetry import CONTENT_TYPE

__all__ = ["ENDPOINTS", "READY_PROBE_SECONDS", "Http"]

# How long a probe's answer stands: /ready costs about one predict at most this
# often, however often it is asked, and a broken store shows within this.
READY_PROBE_SECONDS = 1.0

# Adds the owners' own routes to the app (their custom/routes.py).
Routes = Callable[[FastAPI], None]


def _json(content: object, status: int = 200) -> Response:
    return Response(msgspec.json.encode(content), status, media_type="application/json")


def _answer(content: object, request_id: str) -> Response:
    """A prediction, with the id it is logged under."""
    response = _json(content)
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


@dataclass(frozen=True)
class Http:
    """One service over HTTP: its ``serving``; ``settings``, its settings class
    (``artifact``, ``host``, ``port``, ``max_batch_records``, optionally
    ``max_record_bytes`` and ``max_batch_bytes`` and, with precompute,
    ``feature_store``); the ``title`` and ``description`` of its OpenAPI document."""

    serving: Serving
    settings: type
    title: str
    description: str

    def create_app(
        self,
        config: Any = None,
        *,
        artifact: Any = None,
        store: FeatureStore | None = None,
        clock: Callable[[], pd.Timestamp] = now,
        observers: Iterable[Observer] = (),
        routes: Routes | None = None,
    ) -> FastAPI:
        """The service as an ASGI app.

        ``config`` is the settings or just the artifact's location (default: the
        settings class's defaults). The artifact is loaded and verified when the
        app starts (its lifespan), unless an already loaded ``artifact`` is given
        (and likewise the feature ``store``), as ``run`` does after checking them.
        ``clock`` gives the scoring time; ``observers`` are called with (valid
        inputs, scored rows) after each predict; ``routes`` adds the owners' own
        routes, last.
        """
        if config is None:
            settings = self.settings()
        elif isinstance(config, self.settings):
            settings = config
        else:
            settings = self.settings(artifact=str(config))
        state = self.serving.new_state(settings, clock, observers, artifact, store)

        @asynccontextmanager
        async def lifespan(app: FastAPI):
            self.serving.load(state)
            following, seconds = None, period(settings)
            if seconds:
                follower = Follower(self.serving, state)
                following = asyncio.create_task(follow(follower, seconds))
            try:
                yield
            finally:
                if following is not None:
                    following.cancel()
                    # Whatever the task ended with, the app unloads (the log
                    # writes what it holds).
                    await asyncio.gather(following, return_exceptions=True)
                self.serving.unload(state)

        app = FastAPI(
            title=self.title,
            version="0.1.0",
            description=self.description,
            lifespan=lifespan,
        )
        app.state.service = state
        app.add_middleware(ContractVersion, version=self.serving.contract.hash[:12])
        app.add_middleware(Observe, telemetry=state.telemetry)
        self._add_endpoints(app, state)
        if routes is not None:
            routes(app)
        return app

    def limits(self, settings: Any) -> Limits:
        """The body limits of the two predict endpoints under ``settings``."""
        serving = self.serving
        return limits_for(
            len(serving.request_fields),
            settings.max_batch_records,
            serving.resources.memory_mb,
            record=getattr(settings, "max_record_bytes", None),
            batch=getattr(settings, "max_batch_bytes", None),
        )

    def _add_endpoints(self, app: FastAPI, state: State) -> None:
        serving = self.serving
        requests, openapi = serving.requests, serving.openapi
        records_limit = state.settings.max_batch_records
        limits = self.limits(state.settings)

        @app.exception_handler(Rejected)
        async def rejected(request: Request, error: Rejected) -> Response:
            if error.status == 503 and state.artifact is not None:
                # The store failed a lookup: not ready until a probe says so.
                state.judge_ready(error.detail)
                state.probed_at = time.monotonic()
            state.telemetry.observe_violations(error.violations)
            content = {"detail": error.detail, "violations": error.violations}
            return _json(content, error.status)

        async def body(request: Request, limit: int) -> bytearray:
            if state.artifact is None:
                raise Rejected(503, "the model is not loaded yet", [])
            check_content_type(request.headers.get("content-type"))
            return await read_body(request, limit)

        @app.post(
            "/predict",
            summary="Score one record",
            openapi_extra={"requestBody": openapi.record_body()},
            responses=openapi.predict_responses(),
        )
        async def predict(request: Request) -> Response:
            request_id = request_id_of(request.headers.get(REQUEST_ID_HEADER))
            record, _ = decode(await body(request, limits.record))
            record, values = requests.checked(record)
            state.telemetry.observe_unknown_fields(requests.undeclared(record))
            return _answer(serving.predict_one(state, values, request_id), request_id)

        @app.post(
            "/predict/batch",
            summary="Score a batch of records, in order",
            openapi_extra={"requestBody": openapi.batch_body(records_limit)},
            responses=openapi.batch_responses(),
        )
        async def predict_batch(request: Request) -> Response:
            request_id = request_id_of(request.headers.get(REQUEST_ID_HEADER))
            decoded, strict = decode(await body(request, limits.batch))
            records = records_of(decoded, records_limit)
            if not records:
                return _answer({"results": []}, request_id)
            valid = requests.check_batch(records, strict)
            undeclared = sum(map(requests.undeclared, records))
            state.telemetry.observe_unknown_fields(undeclared)
            results = serving.predict(state, valid, request_id)
            return _answer({"results": results}, request_id)

        @app.get("/health", summary="Liveness: 200 while the process runs")
        async def health() -> dict:
            return {"status": "alive"}

        @app.get(
            "/ready",
            summary="Readiness: 200 while the model (and the feature store) answer",
            responses={"503": NOT_READY},
        )
        async def readiness() -> Response:
            if state.artifact is None:
                return JSONResponse({"status": "loading"}, 503)
            if time.monotonic() - state.probed_at >= READY_PROBE_SECONDS:
                serving.probe(state)
                state.probed_at = time.monotonic()
            if state.unready is not None:
                return _json({"status": "unavailable", "reason": state.unready}, 503)
            metadata = state.artifact.metadata
            return _json(
                {
                    "status": "ready",
                    "model_sha256": metadata.get("model_sha256"),
                    "trained_at": metadata.get("trained_at"),
                }
            )

        @app.get("/metrics", summary="Prometheus metrics", response_class=Response)
        async def metrics() -> Response:
            if state.recent.rows and state.artifact is not None:
                state.telemetry.observe_drift(state.recent.drift(state.artifact))
            return Response(state.telemetry.render(), media_type=CONTENT_TYPE)

        @app.get(
            "/contract",
            summary="The input contract: JSON Schema, or ODCS v3 with ?format=odcs",
        )
        async def contract(format: str = "json-schema") -> Response:
            if format == "odcs":
                document = odcs_document(serving.contract, self.description)
            elif format == "json-schema":
                document = json_schema(serving.contract, serving.request_fields)
            else:
                expected = "expected json-schema or odcs"
                return _json(
                    {"detail": f"format: got {clipped(format)!r}, {expected}"}, 422
                )
            return _json(document)

    def run(self, settings: Any, create_app: Callable[..., FastAPI]) -> None:
        """Check the artifact (and feature store), then serve until stopped.

        Loading first means that a missing, tampered or incompatible artifact, one
        that cannot score the example record, or a missing, unreadable or empty
        feature store stops the command with one line before any port is opened.
        ``create_app`` is the service's own (it adds the owners' routes).
        """
        serving = self.serving
        artifact = serving.load_artifact(settings.artifact)
        store = None
        if serving.precompute is not None:
            store = serving.feature_store(settings.feature_store).open()
        serving.verify(settings, artifact, store)
        app = create_app(settings, artifact=artifact, store=store)
        # One process, one event loop: scale with replicas. The access log is off
        # because /metrics counts every request at a fraction of its cost.
        uvicorn.run(app, host=settings.host, port=settings.port, access_log=False)
