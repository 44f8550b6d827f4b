# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""What ``monitor`` adds to its overall verdict for the report: the batch's drift
per window, its violations and decisions, and a classifier's estimated metric
per window of served rows beside the realized one."""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import MonitoringError, ServiceError
from .estimation import estimate, unestimable
from .outcomes import LOGGED_FEATURES, LOGGED_VERSION
from .program import Program
from .recording import version_of
from .references import reference
from .timeline import (
    Calibrated,
    Outcome,
    WindowDrift,
    drift_over_time,
    estimate_per_window,
    outcome,
    split_windows,
)

if TYPE_CHECKING:
    from .performance import PerformanceReport

__all__ = ["batch_over_time", "estimated_windows", "logged_matrix", "without_time"]


def _length(window: str) -> pd.Timedelta:
    from .performance import window_length  # needs scikit-learn: imported late

    return window_length(window)


def batch_over_time(
    program: Program,
    args: argparse.Namespace,
    frame: pd.DataFrame,
    artifact: Any,
    at: pd.Timestamp,
) -> tuple[list[WindowDrift], Outcome]:
    """The batch's drift per window, and what became of its rows."""
    monitoring = program.monitoring
    time = args.time_column
    windows = split_windows(
        frame, time, _length(monitoring.performance.window), monitoring.drift.window
    )
    windows = [(label, without_time(program, part, time)) for label, part in windows]
    judged = drift_over_time(program.scorer, windows, artifact, at, monitoring.drift)
    whole = without_time(program, frame, time)
    return judged, outcome(program.scorer, whole, artifact, at)


def without_time(program: Program, frame: pd.DataFrame, time: str) -> pd.DataFrame:
    """``frame`` without the column that places its rows in time, unless that is
    an input: the contract would reject every row for an undeclared field."""
    if time in frame.columns and time not in {f.name for f in program.contract.fields}:
        return frame.drop(columns=[time])
    return frame


def _numbers_row(text: object, columns: list[str]) -> list[float] | None:
    """One logged row's model columns: a flat JSON object of finite numbers (no
    booleans) holding each column, else None."""
    try:
        row = json.loads(text)
    except (TypeError, ValueError, RecursionError):  # not text, not JSON, too deep
        return None
    if not isinstance(row, dict):
        return None
    values = [row.get(name) for name in columns]
    if not all(type(v) in (int, float) for v in values):
        return None
    try:
        numbers = [float(v) for v in values]
    except OverflowError:  # an integer of hundreds of digits
        return None
    return numbers if all(map(math.isfinite, numbers)) else None


def logged_matrix(features: pd.Series, columns: list[str]) -> np.ndarray | None:
    """The model columns of logged rows (their ``features`` JSON), or None when
    a row lacks one or holds a value the model could not have been given (a log
    written by another version of the service, or edited): the estimate then
    rests on the outputs alone."""
    rows = []
    for text in features:
        row = _numbers_row(text, columns)
        if row is None:
            return None
        rows.append(row)
    return np.array(rows, dtype=float).reshape(len(rows), len(columns))


def _calibrated(
    program: Program, root: object, artifact: Any, served: pd.DataFrame
) -> tuple[dict, list | None]:
    """(the calibrations of the versions that scored ``served``, by version; each
    row's version), or ({None: ``artifact``'s}, None) for rows that name none (a
    ``score`` output). A log that spans a promotion holds rows of versions other
    than ``artifact``; each is loaded from the registry (``root@version``), and the
    rows of one that does not load, or predicts other classes, are left out of
    the estimates, and said so."""

    def of(loaded: Any) -> Calibrated:
        metadata = loaded.metadata
        return Calibrated(metadata["calibration"], metadata.get("feature_calibration"))

    current = of(artifact)
    if LOGGED_VERSION not in served.columns:
        return {None: current}, None
    calibrated: dict = {}
    left_out = {"do not load here": 0, "predict other classes": 0}
    for version, rows in served[LOGGED_VERSION].value_counts(sort=False).items():
        if version == version_of(artifact):
            calibrated[version] = current
            continue
        try:
            other = of(program.load_artifact(reference(root, str(version))))
        except (ServiceError, KeyError):  # gone, broken, or without a calibration
            left_out["do not load here"] += int(rows)
            continue
        if list(other.calibration) != list(current.calibration):
            left_out["predict other classes"] += int(rows)
            continue
        calibrated[version] = other
    for why, rows in left_out.items():
        if rows:
            print(
                f"estimates leave out {rows} served rows of model versions that {why}",
                file=sys.stderr,
            )
    return calibrated, served[LOGGED_VERSION].tolist()


def estimated_windows(
    program: Program,
    args: argparse.Namespace,
    settings: Any,
    report: PerformanceReport,
    served: pd.DataFrame,
    time: str,
) -> PerformanceReport:
    """``report`` with each window's served rows (the ``time`` column places
    them) and a classifier's estimate on them; a regressor's says why none."""
    from .performance import with_estimates

    task = program.model.task
    if time not in served.columns:
        return replace(report, no_estimate=f"the predictions have no {time!r} column")
    output = program.scorer.output
    if output in served.columns:  # a request that failed has no output
        served = served[served[output].notna()]
    calibrated: dict = {}
    versions = matrix = None
    if task != "regression":
        root = args.artifact or settings.artifact
        artifact = program.load_artifact(root)
        reason = unestimable(task, report.metric, artifact.metadata.get("calibration"))
        if reason is None:
            calibrated, versions = _calibrated(program, root, artifact, served)
        else:
            report = replace(report, no_estimate=reason)
        given = any(c.feature_calibration for c in calibrated.values())
        if given and LOGGED_FEATURES in served.columns:  # parsed only to be used
            matrix = logged_matrix(served[LOGGED_FEATURES], artifact.columns)
    try:
        times = pd.to_datetime(served[time], format="ISO8601", utc=True)
    except (ValueError, TypeError) as error:
        first = str(error).splitlines()[0]
        raise MonitoringError(f"column {time!r}: not ISO datetimes ({first})") from None
    estimates = estimate_per_window(
        served,
        times.dt.tz_convert(None),
        _length(report.window),
        task,
        report.metric,
        calibrated,
        versions,
        matrix,
    )
    report = with_estimates(report, estimates)
    if task == "regression":
        _, reason = estimate(task, report.metric, served, None)
        report = replace(report, no_estimate=reason)
    return report
