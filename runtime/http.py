# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""HTTP serving: contract -> features -> matrix -> model (-> decisions), over FastAPI.

``Http`` is told one service's contract, features, scorer, artifact loader and
settings, and builds its app. The model is loaded and verified once, when the app
starts (``/ready`` answers 503 until then), never per request. Bodies are read raw
and checked by ``runtime.requests``. A single record is scored on numpy arrays
(``runtime.record``): a one-row DataFrame would cost milliseconds in pandas calls
around a model that takes microseconds. Endpoints are ``async def`` and predict
inline on the event loop: a single-row predict takes microseconds, and one thread
avoids the contention that threaded predicts show. With ``precompute``, the
features it names are looked up in the feature store by entity (404 for one it
does not hold, 409 when older than max_age), opened and checked at start.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import Any

import msgspec
import numpy as np
import pandas as pd
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from .contract import json_schema
from .definition import Contract, Decisions, Features, Field, Monitoring, Precompute
from .errors import MissingEntityError, StaleFeatureError
from .middleware import Observe
from .openapi import NOT_READY, OpenApi
from .pipeline import Scorer, Scoring
from .recent import Part, Recent
from .record import api_result, columns_from, result_of
from .requests import Rejected, Requests, decode, records_of, refused
from .store import FeatureStore, entity_key, entity_keys
from .telemetry import CONTENT_TYPE, Telemetry

__all__ = ["ENDPOINTS", "Http", "Observer", "now"]

ENDPOINTS = ("/predict", "/predict/batch", "/health", "/ready", "/metrics", "/contract")
# Called with (valid inputs, scored rows) after each successful predict.
Observer = Callable[[pd.DataFrame, pd.DataFrame], None]
# Adds the owners' own routes to the app (their custom/routes.py).
Routes = Callable[[FastAPI], None]


def now() -> pd.Timestamp:
    """Now, as a naive UTC timestamp (how the contract stores times)."""
    return pd.Timestamp(datetime.now(timezone.utc)).tz_convert(None)


def _json(content: object, status: int = 200) -> Response:
    return Response(msgspec.json.encode(content), status, media_type="application/json")


@dataclass
class _State:
    settings: Any
    telemetry: Telemetry
    clock: Callable[[], pd.Timestamp]
    observers: tuple[Observer, ...]
    recent: Recent  # the last records scored, for drift on each /metrics scrape
    artifact: Any = None
    preloaded: Any = field(default=None, repr=False)
    store: FeatureStore | None = None
    prestore: FeatureStore | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Http:
    """One service over HTTP. ``load_artifact(location)`` loads and verifies its
    artifact, ``settings`` is its settings class (``artifact``, ``host``, ``port``,
    ``max_batch_records`` and, with ``precompute``, ``feature_store``);
    ``namespace`` prefixes its metrics; ``command`` fills its feature store."""

    contract: Contract
    request_fields: tuple[Field, ...]
    features: Features
    scorer: Scorer
    load_artifact: Callable[[object], Any]
    settings: type
    example: Mapping[str, object]
    monitoring: Monitoring
    title: str
    description: str
    namespace: str
    decisions: Decisions | None = None
    precompute: Precompute | None = None
    command: str = "precompute"

    @cached_property
    def requests(self) -> Requests:
        return Requests(self.contract, self.request_fields, self.example)

    @cached_property
    def openapi(self) -> OpenApi:
        """The request bodies and responses in the OpenAPI document."""
        return OpenApi(
            self.contract,
            self.request_fields,
            self.example,
            task=self.scorer.task,
            decisions=self.decisions,
            precompute=self.precompute,
        )

    @property
    def decision(self) -> str | None:
        """The decision column, when the service has rules."""
        return self.decisions.output if self.decisions else None

    def feature_store(self, path: str | os.PathLike) -> FeatureStore:
        """This service's feature store at ``path`` (``precompute`` fills it)."""
        return FeatureStore(path, self.precompute, self.contract, command=self.command)

    def score_records(
        self,
        valid: pd.DataFrame,
        artifact: Any,
        as_of: pd.Timestamp,
        store: FeatureStore | None = None,
    ) -> Scoring:
        """Score contract-checked rows, with their precomputed features from
        ``store`` when the service has one."""
        looked_up = None
        if store is not None:
            entities = valid[self.precompute.entity]
            try:
                looked_up = store.lookup(entities, as_of)
            except (MissingEntityError, StaleFeatureError) as error:
                keys = entity_keys(entities)
                raise refused(error, keys, self.precompute, valid.index) from None
        return self.scorer.score_steps(valid, artifact, as_of, looked_up)

    def to_results(self, scored: pd.DataFrame) -> list[dict]:
        """Scored rows as JSON-ready dicts, in order."""
        rows = scored.to_dict(orient="records")
        if self.scorer.task == "multiclass_classification":
            return [api_result(row) for row in rows]
        return rows

    def new_telemetry(self) -> Telemetry:
        """The metrics of one app of this service, in a registry of their own."""
        return Telemetry(
            ENDPOINTS,
            namespace=self.namespace,
            fields=[field.name for field in self.contract.fields],
            feature_ranges=self.features.ranges,
            task=self.scorer.task,
            output=self.scorer.output,
        )

    # ------------------------------------------------------------ scoring in the app

    def _load(self, state: _State) -> None:
        artifact = state.preloaded or self.load_artifact(state.settings.artifact)
        if self.precompute is not None:
            # The store is checked at start too: a missing or foreign file stops it.
            path = state.settings.feature_store
            state.store = state.prestore or self.feature_store(path).open()
        statistics = artifact.metadata.get("statistics", {}).get("output", {})
        quantiles = statistics.get(self.scorer.output, {}).get("quantiles", {})
        state.telemetry.track_predictions(list(quantiles.values()))
        state.artifact = artifact

    def _unload(self, state: _State) -> None:
        state.artifact = None
        if state.store is not None and state.store is not state.prestore:
            state.store.close()
        state.store = None

    def _observe(self, state: _State, inputs: Part, scoring: Scoring) -> None:
        """Monitoring of one scoring: counters now, drift at the next scrape."""
        scored, output = scoring.scored, self.scorer.output
        outputs = np.asarray(scored[output])
        state.recent.add(inputs, scoring.features, {output: outputs})
        state.telemetry.observe_features(scoring.derived)
        decisions = np.asarray(scored[self.decision]) if self.decision else None
        state.telemetry.observe_outputs(outputs, decisions)

    def _predict(self, state: _State, valid: pd.DataFrame) -> list[dict]:
        scoring = self.score_records(valid, state.artifact, state.clock(), state.store)
        self._observe(state, valid, scoring)
        for observe in state.observers:
            observe(valid, scoring.scored)
        return self.to_results(scoring.scored)

    def _predict_one(self, state: _State, values: Mapping) -> dict:
        """One checked record's parsed ``values`` through the one-record path
        (``runtime.record``), when it can take it; observers see frames, so with
        observers it takes the frame path."""
        columns = None
        if not state.observers:
            columns = columns_from(values, self.features, self.request_fields)
        if columns is None:
            return self._predict(state, self.requests.parsed_row(values))[0]
        as_of, looked_up = state.clock(), None
        if state.store is not None:
            entity = columns[self.precompute.entity][0]
            try:
                looked_up = state.store.lookup_one(entity, as_of)
            except (MissingEntityError, StaleFeatureError) as error:
                keys = [entity_key(entity)]
                raise refused(error, keys, self.precompute) from None
        scoring = self.scorer.score_record(columns, state.artifact, as_of, looked_up)
        self._observe(state, columns, scoring)
        return result_of(scoring.scored)

    # ------------------------------------------------------------ the app

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
        recent = Recent(self.requests.dtypes, self.contract, self.monitoring.drift)
        telemetry = self.new_telemetry()
        state = _State(settings, telemetry, clock, tuple(observers), recent)
        state.preloaded, state.prestore = artifact, store

        @asynccontextmanager
        async def lifespan(app: FastAPI):
            self._load(state)
            yield
            self._unload(state)

        app = FastAPI(
            title=self.title,
            version="0.1.0",
            description=self.description,
            lifespan=lifespan,
        )
        app.state.service = state
        app.add_middleware(Observe, telemetry=state.telemetry)
        self._add_endpoints(app, state)
        if routes is not None:
            routes(app)
        return app

    def _add_endpoints(self, app: FastAPI, state: _State) -> None:
        requests, openapi = self.requests, self.openapi
        limit = state.settings.max_batch_records

        @app.exception_handler(Rejected)
        async def rejected(request: Request, error: Rejected) -> Response:
            state.telemetry.observe_violations(error.violations)
            content = {"detail": error.detail, "violations": error.violations}
            return _json(content, error.status)

        def ready() -> None:
            if state.artifact is None:
                raise Rejected(503, "the model is not loaded yet", [])

        @app.post(
            "/predict",
            summary="Score one record",
            openapi_extra={"requestBody": openapi.record_body()},
            responses=openapi.predict_responses(),
        )
        async def predict(request: Request) -> Response:
            ready()
            record, _ = decode(await request.body())
            record, values = requests.checked(record)
            state.telemetry.observe_unknown_fields(requests.undeclared(record))
            return _json(self._predict_one(state, values))

        @app.post(
            "/predict/batch",
            summary="Score a batch of records, in order",
            openapi_extra={"requestBody": openapi.batch_body(limit)},
            responses=openapi.batch_responses(),
        )
        async def predict_batch(request: Request) -> Response:
            ready()
            body, strict = decode(await request.body())
            records = records_of(body, limit)
            if not records:
                return _json({"results": []})
            valid = requests.check_batch(records, strict)
            undeclared = sum(map(requests.undeclared, records))
            state.telemetry.observe_unknown_fields(undeclared)
            return _json({"results": self._predict(state, valid)})

        @app.get("/health", summary="Liveness: 200 while the process runs")
        async def health() -> dict:
            return {"status": "alive"}

        @app.get(
            "/ready",
            summary="Readiness: 200 once the model is loaded and verified, else 503",
            responses={"503": NOT_READY},
        )
        async def readiness() -> Response:
            if state.artifact is None:
                return JSONResponse({"status": "loading"}, 503)
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

        @app.get("/contract", summary="The input contract as JSON Schema")
        async def contract() -> dict:
            return json_schema(self.contract, self.request_fields)

    def run(self, settings: Any, create_app: Callable[..., FastAPI]) -> None:
        """Check the artifact (and feature store), then serve until stopped.

        Loading first means that a missing, tampered or incompatible artifact (or
        feature store) stops the command with one line before any port is opened.
        ``create_app`` is the service's own (it adds the owners' routes).
        """
        artifact = self.load_artifact(settings.artifact)
        store = None
        if self.precompute is not None:
            store = self.feature_store(settings.feature_store).open()
        app = create_app(settings, artifact=artifact, store=store)
        # One process, one event loop: scale with replicas. The access log is off
        # because /metrics counts every request at a fraction of its cost.
        uvicorn.run(app, host=settings.host, port=settings.port, access_log=False)
