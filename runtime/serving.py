# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Scoring requests: one service's checked records through its scorer, observed.

``Serving`` is told one service's contract, features, scorer and artifact loader,
and holds what its app does with a request between checking it
(``runtime.requests``) and answering it (``runtime.http``). A single record is
scored on numpy arrays (``runtime.record``): a one-row DataFrame would cost
milliseconds in pandas calls around a model that takes microseconds. With
``precompute``, the features it names are looked up in the feature store by
entity (404 for one it does not hold, 409 when older than max_age, 503 when
the store cannot be read or reached).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import cached_property, partial
from typing import Any

import numpy as np
import pandas as pd

from .definition import (
    Contract,
    Decisions,
    Features,
    Field,
    Monitoring,
    Precompute,
    Resources,
)
from .errors import (
    ArtifactError,
    FeatureStoreError,
    NoAliasError,
    ServiceError,
    in_one_line,
)
from .openapi import OpenApi
from .pipeline import Scorer, Scoring
from .predictionlog import new_request_id
from .recent import Part, Recent
from .record import columns_from, result_of, results_of
from .recording import Recorder, log_for, version_of
from .references import CHALLENGER, reference, split_reference
from .refusals import refused
from .requests import Requests
from .rules import clipped
from .shadow import Shadow
from .store import FeatureStore, entity_key, entity_keys
from .telemetry import Telemetry

__all__ = ["ENDPOINTS", "Observer", "Serving", "State", "now"]

ENDPOINTS = ("/predict", "/predict/batch", "/health", "/ready", "/metrics", "/contract")
# Called with (valid inputs, scored rows) after each successful predict.
Observer = Callable[[pd.DataFrame, pd.DataFrame], None]


def now() -> pd.Timestamp:
    """Now, as a naive UTC timestamp (how the contract stores times)."""
    return pd.Timestamp(datetime.now(timezone.utc)).tz_convert(None)


@dataclass
class State:
    settings: Any
    telemetry: Telemetry
    clock: Callable[[], pd.Timestamp]
    observers: tuple[Observer, ...]
    recent: Recent  # the last records scored, for drift on each /metrics scrape
    artifact: Any = None
    preloaded: Any = field(default=None, repr=False)
    store: FeatureStore | None = None
    prestore: FeatureStore | None = field(default=None, repr=False)
    # Why the service cannot answer now (None: it can), as its last probe found,
    # and when (the app's monotonic seconds; -inf: probe again at once).
    unready: str | None = None
    probed_at: float = float("-inf")
    # The prediction log and the challenger's shadow (``runtime.recording``).
    recorder: Recorder | None = None

    def judge_ready(self, unready: str | None) -> None:
        """Record why the service cannot answer (None: it can), and publish it as
        the readiness gauge, which alerting rules watch."""
        self.unready = unready
        self.telemetry.observe_ready(unready is None and self.artifact is not None)


@dataclass(frozen=True)
class Serving:
    """One service's scoring of requests. ``load_artifact(location)`` loads and
    verifies its artifact; ``namespace`` prefixes its metrics; ``command`` fills its
    feature store."""

    contract: Contract
    request_fields: tuple[Field, ...]
    features: Features
    scorer: Scorer
    load_artifact: Callable[[object], Any]
    example: Mapping[str, object]
    monitoring: Monitoring
    namespace: str
    decisions: Decisions | None = None
    precompute: Precompute | None = None
    command: str = "precompute"
    # What one replica has: its memory bounds the size of a request body.
    resources: Resources = Resources()

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

    def feature_store(self, location: str | os.PathLike) -> FeatureStore:
        """This service's feature store at ``location``, a SQLite file or a
        ``redis://`` URL (``precompute`` fills it)."""
        return FeatureStore(
            location, self.precompute, self.contract, command=self.command
        )

    def score_records(
        self,
        valid: pd.DataFrame,
        artifact: Any,
        as_of: pd.Timestamp,
        store: FeatureStore | None = None,
    ) -> Scoring:
        """Score contract-checked rows, with their precomputed features from
        ``store`` when the service has one."""
        looked_up = self._lookup(valid, as_of, store)
        return self.scorer.score_steps(valid, artifact, as_of, looked_up)

    def _lookup(
        self, valid: pd.DataFrame, as_of: pd.Timestamp, store: FeatureStore | None
    ) -> pd.DataFrame | None:
        if store is None:
            return None
        entities = valid[self.precompute.entity]
        try:
            return store.lookup(entities, as_of)
        except FeatureStoreError as error:
            keys = entity_keys(entities)
            raise refused(error, keys, self.precompute, valid.index) from None

    def to_results(self, scored: pd.DataFrame) -> list[dict]:
        """Scored rows as JSON-ready dicts, in order."""
        return results_of(scored, self.scorer.task)

    def new_telemetry(self) -> Telemetry:
        """The metrics of one app of this service, in a registry of their own."""
        return Telemetry(
            ENDPOINTS,
            namespace=self.namespace,
            fields=[field.name for field in self.contract.fields],
            feature_ranges=self.features.ranges,
            task=self.scorer.task,
            output=self.scorer.output,
            latency_budget=self.resources.latency_p99_ms / 1000.0,
        )

    # ------------------------------------------------------------ in an app

    def new_state(
        self,
        settings: Any,
        clock: Callable[[], pd.Timestamp],
        observers: Iterable[Observer],
        artifact: Any = None,
        store: FeatureStore | None = None,
    ) -> State:
        """What one app holds: its settings, metrics, clock and recent records, and
        (given, or loaded when it starts) the artifact and feature store."""
        recent = self._new_recent()
        state = State(settings, self.new_telemetry(), clock, tuple(observers), recent)
        state.preloaded, state.prestore = artifact, store
        return state

    def _new_recent(self) -> Recent:
        """No records yet, kept for drift as the monitoring settings say."""
        return Recent(self.requests.dtypes, self.contract, self.monitoring.drift)

    def load(self, state: State) -> None:
        artifact = state.preloaded or self.load_artifact(state.settings.artifact)
        if self.precompute is not None:
            # The store is checked at start too: a missing or foreign file stops it.
            path = state.settings.feature_store
            state.store = state.prestore or self.feature_store(path).open()
        statistics = artifact.metadata.get("statistics", {}).get("output", {})
        quantiles = statistics.get(self.scorer.output, {}).get("quantiles", {})
        state.telemetry.track_predictions(list(quantiles.values()))
        state.artifact = artifact
        # A service that cannot score its example stops at start, with one line.
        self._probe(state)
        state.judge_ready(None)
        state.recorder = self._recorder(state)
        state.telemetry.observe_served(version_of(artifact))

    def serve_instead(
        self,
        state: State,
        artifact: Any,
        challenger: tuple[Any | None, bool] | None = None,
    ) -> None:
        """Serve ``artifact`` (loaded and verified: ``verify``) from the next
        request on, and shadow ``challenger`` (``challenger_of``, read for it)
        as ``load`` would have. Called on the event loop, between two requests, so
        that no request is scored by one model and logged under the other's
        version. The records kept for drift go: they were the previous model's
        outputs."""
        state.artifact = artifact
        state.recent = self._new_recent()
        if state.recorder is not None:
            state.recorder.champion = version_of(artifact)
            if challenger is not None:
                self.shadow(state, state.recorder, *challenger)
        state.telemetry.observe_served(version_of(artifact))
        state.judge_ready(None)

    def _recorder(self, state: State) -> Recorder | None:
        """The log (``settings.prediction_log``; empty: none, and no recorder, so
        a request pays nothing for it) and, when a challenger loads and scores the
        example, its shadow (none without a log: a shadow nobody can compare is
        CPU spent for nothing)."""
        log = log_for(state.settings, self.scorer, state.telemetry.log_dropped.inc)
        if log is None:
            return None
        recorder = Recorder(self.contract.hash, version_of(state.artifact), log.open())
        self.shadow(state, recorder, *self.challenger_of(state))
        return recorder

    def challenger_of(self, state: State) -> tuple[Any | None, bool]:
        """(the challenger, loaded and scoring the example, or None; whether it is
        the registry's alias rather than one the settings name). Blocking. One
        that does not load is reported on stderr and left out: it must never stop
        the champion."""
        settings = state.settings
        # Named in the settings, or else the registry's challenger alias, if set;
        # a setting that names the alias itself is the alias too.
        location = getattr(settings, "challenger", "")
        implicit = not location or split_reference(location)[1] == CHALLENGER
        if not location:
            location = reference(settings.artifact, CHALLENGER)
        try:
            challenger = self.load_artifact(location)
            self._probe(replace(state, artifact=challenger))
        except NoAliasError as error:
            if getattr(settings, "challenger", ""):
                print(f"challenger not loaded: {error}", file=sys.stderr)
            return None, implicit
        # Whatever a registry's client or the model raises (a storage library's
        # own errors): the champion serves on without a shadow.
        except Exception as error:
            print(
                f"challenger not loaded, serving without it: {in_one_line(error)}",
                file=sys.stderr,
            )
            return None, implicit
        return challenger, implicit

    def shadow(
        self, state: State, recorder: Recorder, challenger: Any | None, implicit: bool
    ) -> None:
        """Score ``challenger`` in the champion's shadow from the next request on,
        or stop shadowing: without one, or when the registry's two aliases name
        the champion's version (nothing to compare)."""
        if challenger is None or (
            implicit and version_of(challenger) == recorder.champion
        ):
            recorder.challenger = recorder.challenge = None
            return
        if recorder.shadow is None:
            count = state.telemetry.shadow.labels
            timeout = self.resources.latency_p99_ms / 1000
            recorder.shadow = Shadow(timeout, lambda outcome: count(outcome).inc())
        recorder.challenger = version_of(challenger)
        recorder.challenge = partial(self._challenge, challenger)

    def _challenge(
        self, challenger: Any, inputs: Any, as_of: pd.Timestamp, looked_up: Any
    ) -> tuple[Any, list[dict]]:
        """The challenger's features and answers for a request the champion took."""
        if isinstance(inputs, pd.DataFrame):
            scoring = self.scorer.score_steps(inputs, challenger, as_of, looked_up)
            return scoring.features, self.to_results(scoring.scored)
        scoring = self.scorer.score_record(inputs, challenger, as_of, looked_up)
        return scoring.features, [result_of(scoring.scored)]

    def verify(self, settings: Any, artifact: Any, store: FeatureStore | None) -> None:
        """What an app's start checks, for ``artifact`` and ``store`` already
        loaded: raises (one line) unless they score the example record."""
        state = self.new_state(settings, now, ())
        state.artifact, state.store = artifact, store
        self._probe(state)

    def probe(self, state: State) -> str | None:
        """Why the service cannot answer a request now, or None when it can.

        The model scores the example record (with any one entity's features from
        the store, whatever their age) on the path ``/predict`` takes, outside the
        metrics and the observers: about as cheap as one request. ``load`` runs it
        at start, ``/ready`` again now and then.
        """
        try:
            self._probe(state)
        except ServiceError as error:
            state.judge_ready(str(error))
        else:
            state.judge_ready(None)
        return state.unready

    def _probe(self, state: State) -> None:
        """``probe``, raising ``FeatureStoreError`` for a store that does not answer
        and ``ArtifactError`` for a model that does not."""
        looked_up = state.store.sample() if state.store is not None else None
        as_of = state.clock()
        try:
            values = self.requests.checked(self.example)[1]
            columns = columns_from(values, self.features, self.request_fields)
            if columns is not None:
                self.scorer.score_record(columns, state.artifact, as_of, looked_up)
            else:
                row = self.requests.parsed_row(values)
                found = None if looked_up is None else pd.DataFrame(looked_up)
                self.scorer.score_steps(row, state.artifact, as_of, found)
        except Exception as error:  # whatever the model raises, it did not answer
            # One line: onnxruntime's messages span several.
            detail = clipped(in_one_line(error, named=True), 300)
            raise ArtifactError(
                f"the model cannot score the example record: {detail}"
            ) from None

    def unload(self, state: State) -> None:
        if state.recorder is not None:
            state.recorder.close()
            state.recorder = None
        state.artifact = None
        state.judge_ready("unloaded")
        if state.store is not None and state.store is not state.prestore:
            state.store.close()
        state.store = None

    def _observe(self, state: State, inputs: Part, scoring: Scoring) -> None:
        """Monitoring of one scoring: counters now, drift at the next scrape."""
        scored, output = scoring.scored, self.scorer.output
        outputs = np.asarray(scored[output])
        state.recent.add(inputs, scoring.features, {output: outputs})
        state.telemetry.observe_features(scoring.derived)
        decisions = np.asarray(scored[self.decision]) if self.decision else None
        state.telemetry.observe_outputs(outputs, decisions)

    def predict(
        self, state: State, valid: pd.DataFrame, request_id: str | None = None
    ) -> list[dict]:
        started, as_of = time.perf_counter(), state.clock()
        looked_up = self._lookup(valid, as_of, state.store)
        scoring = self.scorer.score_steps(valid, state.artifact, as_of, looked_up)
        self._observe(state, valid, scoring)
        for observe in state.observers:
            observe(valid, scoring.scored)
        results = self.to_results(scoring.scored)
        if state.recorder is not None:
            latency = (time.perf_counter() - started) * 1000
            request_id = request_id or new_request_id()
            state.recorder.record(
                request_id, as_of, valid, scoring.features, results, latency, looked_up
            )
        return results

    def predict_one(
        self, state: State, values: Mapping, request_id: str | None = None
    ) -> dict:
        """One checked record's parsed ``values`` through the one-record path
        (``runtime.record``), when it can take it; observers see frames, so with
        observers it takes the frame path."""
        columns = None
        if not state.observers:
            columns = columns_from(values, self.features, self.request_fields)
        if columns is None:
            row = self.requests.parsed_row(values)
            return self.predict(state, row, request_id)[0]
        started, as_of, looked_up = time.perf_counter(), state.clock(), None
        if state.store is not None:
            entity = columns[self.precompute.entity][0]
            try:
                looked_up = state.store.lookup_one(entity, as_of)
            except FeatureStoreError as error:
                keys = [entity_key(entity)]
                raise refused(error, keys, self.precompute) from None
        scoring = self.scorer.score_record(columns, state.artifact, as_of, looked_up)
        self._observe(state, columns, scoring)
        result = result_of(scoring.scored)
        if state.recorder is not None:
            latency = (time.perf_counter() - started) * 1000
            state.recorder.record(
                request_id or new_request_id(),
                as_of,
                columns,
                scoring.features,
                [result],
                latency,
                looked_up,
            )
        return result
