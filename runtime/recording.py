# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""What the service keeps of each answer: the prediction log, and the challenger's
answer to the same request.

``Recorder`` is called once per answered request, after the answer is computed and
before it is sent; it only queues (``predictionlog``, ``shadow``), so the answer is
neither changed nor waited on. Every request has an id: the caller's
``X-Request-ID`` when it sends a well-formed one, else a new one; it is returned in
the same header and logged, so outcomes can later be joined with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial

import pandas as pd

from .logrows import Entry, entries_to_table
from .predictionlog import PredictionLog, new_request_id
from .requests import Rejected, body_violation
from .shadow import Shadow

__all__ = [
    "REQUEST_ID_HEADER",
    "Recorder",
    "log_for",
    "request_id_of",
    "utc_now",
    "version_of",
]

# The log's size budget when the settings do not say.
DEFAULT_LOG_MB = 1024

REQUEST_ID_HEADER = "X-Request-ID"
# Ids that are safe to log, to echo in a header and to write in a labels file.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

# (inputs, as_of, looked-up features) -> (the model's features, the answers): one
# request scored again, by the challenger.
Challenge = Callable[[object, pd.Timestamp, object], tuple[object, list[dict]]]


def request_id_of(header: str | None) -> str:
    """The request's id: ``header`` when well formed, a new one when absent; a
    malformed one is refused (422) rather than logged under another id."""
    if header is None:
        return new_request_id()
    if _REQUEST_ID.fullmatch(header) is None:
        message = (
            f"{REQUEST_ID_HEADER} must be 1 to 128 characters of A-Z a-z 0-9 . _ : -"
        )
        violation = body_violation("format", message, f"$header.{REQUEST_ID_HEADER}")
        raise Rejected(422, message, [violation])
    return header


def version_of(artifact: object) -> str:
    """The model version an artifact is logged under: its registry version, or
    the first 12 hex digits of its ONNX file's sha256."""
    version = getattr(artifact, "version", None)
    if version:
        return str(version)
    return str(getattr(artifact, "metadata", {}).get("model_sha256", ""))[:12]


def log_for(
    settings: object, scorer: object, on_drop: Callable[[int], None] | None = None
) -> PredictionLog | None:
    """The service's log as ``settings`` place it (``prediction_log``: a folder;
    empty or absent: none; ``prediction_log_max_mb``: its budget), not opened."""
    folder = getattr(settings, "prediction_log", "")
    if not folder:
        return None
    decisions = getattr(scorer, "decisions", None)
    to_table = partial(
        entries_to_table,
        id_field=scorer.contract.id_field,
        output=scorer.output,
        decision=decisions.output if decisions is not None else None,
    )
    budget = getattr(settings, "prediction_log_max_mb", DEFAULT_LOG_MB) * 2**20
    options = {} if on_drop is None else {"on_drop": on_drop}
    return PredictionLog(folder, to_table, max_bytes=int(budget), **options)


def utc_now() -> pd.Timestamp:
    return pd.Timestamp(datetime.now(timezone.utc)).tz_convert(None)


@dataclass
class Recorder:
    """The log and the shadow of one app; either may be absent."""

    contract_hash: str
    champion: str  # the champion's version
    log: PredictionLog | None = None
    shadow: Shadow | None = None
    challenger: str | None = None  # the challenger's version
    challenge: Challenge | None = None

    def record(
        self,
        request_id: str,
        as_of: pd.Timestamp,
        inputs: object,
        features: object,
        results: list[dict],
        latency_ms: float,
        looked_up: object = None,
    ) -> None:
        """Log the champion's answers and queue the challenger's turn."""
        entry = partial(
            Entry,
            request_id,
            utc_now(),
            as_of,
            contract_hash=self.contract_hash,
            inputs=inputs,
        )
        if self.log is not None:
            self.log.append(
                entry(
                    role="champion",
                    model_version=self.champion,
                    features=features,
                    results=results,
                    latency_ms=latency_ms,
                )
            )
        if self.shadow is None or self.challenge is None:
            return
        log, version = self.log, self.challenger

        def done(answer: object, latency: float, status: str) -> None:
            if log is None:
                return
            challenger_features, challenger_results = answer
            log.append(
                entry(
                    role="challenger",
                    model_version=version,
                    features=challenger_features,
                    results=challenger_results,
                    latency_ms=latency,
                    status=status,
                )
            )

        self.shadow.submit(partial(self.challenge, inputs, as_of, looked_up), done)

    def close(self) -> None:
        if self.shadow is not None:
            self.shadow.close()
        if self.log is not None:
            self.log.close()
