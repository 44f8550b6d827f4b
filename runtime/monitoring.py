# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Drift of live data against the training data: per input, feature and prediction.

``drift_report`` judges a batch (``monitor --current``); ``RollingDrift`` keeps a
service's most recent records (``Drift.window`` of them) and judges those. Both
look at the same three groups the reference statistics describe: the validated
inputs before imputation (a rising null rate is visible), the model's input
features and the model's output. Pure: the caller reads the files and the clock,
and passes the service's scoring (``pipeline.Scorer``) and drift settings in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from .contract import validate_frame
from .definition import Contract, Drift
from .drift import STATUSES, ColumnDrift, column_drift
from .errors import MonitoringError
from .estimation import estimate
from .features import build_features
from .pipeline import Scorer, Trained
from .serialization import to_matrix

__all__ = [
    "GROUPS",
    "DriftReport",
    "Reference",
    "RollingDrift",
    "drift_report",
    "estimated_performance",
    "judge",
    "monitored",
    "observed",
]

GROUPS = ("inputs", "features", "output")


class Reference(Trained, Protocol):
    """A loaded artifact: what scoring reads, and the reference statistics stored in
    its ``metadata["statistics"]`` at training."""

    metadata: Mapping[str, object]


@dataclass(frozen=True)
class DriftReport:
    """Every column's drift, worst first, with the rows it was measured on."""

    columns: list[ColumnDrift]
    rows: int
    rejected: int = 0
    method: str = "psi"
    warn: float = 0.1
    alert: float = 0.25
    # Thresholds calibrated per column and window at this rate (None: fixed).
    false_alarm_rate: float | None = None

    @property
    def status(self) -> str:
        """The worst column's status: "ok", "warn" or "alert"."""
        worst = max((STATUSES.index(c.status) for c in self.columns), default=0)
        return STATUSES[worst]

    def drifted(self) -> list[ColumnDrift]:
        return [column for column in self.columns if column.status != "ok"]

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "rows": self.rows,
            "rejected": self.rejected,
            "method": self.method,
            "warn": self.warn,
            "alert": self.alert,
            "false_alarm_rate": self.false_alarm_rate,
            "columns": [column.to_json() for column in self.columns],
        }


def monitored(
    contract: Contract,
    valid: pd.DataFrame,
    features: pd.DataFrame,
    output: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """The three monitored groups of scored rows, from what scoring computed.

    Inputs that identify a record are unique per row (their "drift" means nothing)
    and are left out, as are inputs an online request does not carry (read only by
    precomputed features): their drift is the batch's to measure.
    """
    names = [f.name for f in contract.fields if f.role != "id"]
    inputs = valid[[name for name in names if name in valid.columns]]
    return {"inputs": inputs, "features": features, "output": output}


def observed(
    scorer: Scorer, valid: pd.DataFrame, artifact: Trained, as_of: pd.Timestamp
) -> dict[str, pd.DataFrame]:
    """The three monitored groups of checked rows, as training described them."""
    contract = scorer.contract
    features = build_features(
        valid, as_of, artifact.imputation, scorer.features, contract.fields
    )
    if len(valid):
        matrix = to_matrix(features, artifact.columns)
        # For multiclass the label, as training described the output.
        output = scorer.model_outputs(artifact, matrix)[scorer.output]
    else:  # scikit-learn refuses an empty matrix
        output = []
    frame = pd.DataFrame({scorer.output: output}, index=valid.index)
    return monitored(contract, valid, features, frame)


def judge(
    groups: Mapping[str, pd.DataFrame],
    reference: Mapping[str, dict],
    drift: Drift,
) -> list[ColumnDrift]:
    """Each described column's drift, worst first."""
    judged = []
    for group in GROUPS:
        described = reference.get(group)
        if described is None:
            raise MonitoringError(
                f"the artifact has no reference statistics for {group}; retrain "
                "the model with this version of the code"
            )
        current = groups[group]
        # Batch data always has every column (the contract rejects a row without
        # one); online requests lack the inputs that are looked up.
        judged += [
            (group, name, stats["histogram"], current[name])
            for name, stats in described.items()
            if name in current.columns
        ]
    # The model's outputs on the rows it was fitted on differ from those on unseen
    # rows (its overfitting, measured at training): no larger a difference can
    # tell drift from data like the training data.
    gaps = reference.get("output_gap", {})
    settings = {
        "method": drift.method,
        "warn": drift.warn,
        "alert": drift.alert,
        "false_alarm_rate": drift.false_alarm_rate,
        "columns": len(judged),
    }
    results = [
        column_drift(*column, **settings, allowance=_allowance(column, gaps, drift))
        for column in judged
    ]
    return sorted(results, key=lambda c: (-STATUSES.index(c.status), -c.value))


def _allowance(column: tuple, gaps: Mapping[str, dict], drift: Drift) -> float:
    group, name = column[0], column[1]
    if group != "output" or name not in gaps:
        return 0.0
    gap = gaps[name]
    return float(
        gap["ks"] if drift.method == "ks" and gap["ks"] is not None else gap["psi"]
    )


def _report(columns: list[ColumnDrift], rows: int, rejected: int, drift: Drift):
    return DriftReport(
        columns,
        rows,
        rejected,
        drift.method,
        drift.warn,
        drift.alert,
        drift.false_alarm_rate,
    )


def drift_report(
    scorer: Scorer,
    frame: pd.DataFrame,
    artifact: Reference,
    as_of: pd.Timestamp,
    drift: Drift,
) -> DriftReport:
    """Drift of a batch of raw records (rows the contract rejects are only counted)."""
    valid, rejects = validate_frame(frame, scorer.contract)
    if valid.empty:
        raise MonitoringError(
            f"none of the {len(frame)} rows pass the contract: there is nothing to "
            "compare with the training data"
        )
    groups = observed(scorer, valid, artifact, as_of)
    columns = judge(groups, artifact.metadata["statistics"], drift)
    return _report(columns, len(valid), len(rejects), drift)


def estimated_performance(
    scorer: Scorer,
    frame: pd.DataFrame,
    artifact: Reference,
    as_of: pd.Timestamp,
    metric: str,
) -> dict:
    """The ``metric`` a classifier can be expected to reach on a batch of raw
    records, from its own calibrated outputs (``runtime.estimation``): ``value``
    (None, with the ``reason``, when there is no estimate), ``rows`` and, for
    comparison, the metric it reached on its held-out rows."""
    valid, _ = validate_frame(frame, scorer.contract)
    outputs, matrix = valid, None
    if len(valid):
        steps = scorer.score_steps(valid, artifact, as_of)
        outputs, matrix = steps.scored, steps.matrix
    value, reason = estimate(
        scorer.task,
        metric,
        outputs,
        artifact.metadata.get("calibration"),
        matrix,
        artifact.metadata.get("feature_calibration"),
    )
    held_out = artifact.metadata.get("metrics", {}).get(metric)
    return {
        "metric": metric,
        "value": value,
        "reason": reason,
        "rows": len(valid),
        "held_out": held_out,
    }


class RollingDrift:
    """The last ``window`` records (default ``drift.window``), judged against the
    training data.

    ``add`` is cheap (it keeps references to the frames it is given); the work is
    done in ``report``, which a service calls when it is asked (a metrics
    scrape), not on every request.
    """

    def __init__(
        self, artifact: Reference, drift: Drift, window: int | None = None
    ) -> None:
        self.artifact = artifact
        self.drift = drift
        self.window = drift.window if window is None else window
        self._chunks: deque[dict[str, pd.DataFrame]] = deque()
        self.rows = 0

    def add(self, groups: Mapping[str, pd.DataFrame]) -> None:
        """Remember the groups of ``observed`` for some records; forget the oldest."""
        self._chunks.append({group: groups[group] for group in GROUPS})
        self.rows += len(groups["inputs"])
        while self.rows - len(self._chunks[0]["inputs"]) >= self.window:
            self.rows -= len(self._chunks.popleft()["inputs"])

    @property
    def full(self) -> bool:
        """Whether the window holds ``window`` records (earlier reports are noisier)."""
        return self.rows >= self.window

    def report(self) -> DriftReport:
        if not self.rows:
            raise MonitoringError("no records in the drift window yet")
        groups = {
            group: pd.concat([chunk[group] for chunk in self._chunks]).tail(self.window)
            for group in GROUPS
        }
        columns = judge(groups, self.artifact.metadata["statistics"], self.drift)
        return _report(columns, len(groups["inputs"]), 0, self.drift)
