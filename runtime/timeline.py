# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A monitored batch over time, and what became of its rows.

``monitor --current`` judges the whole batch (its exit code) and, for the report,
each window of it: by a time column when the data has one (windows of
``Performance.window``), else consecutive chunks of ``Drift.window`` rows, whose
thresholds are calibrated for that many rows. It also tallies the batch's
contract violations by field and rule and its decisions by action, and
estimates a classifier's metric per window of served rows, labelled or not.
Pure: the caller reads the files and the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .contract import summarize, validate_frame
from .errors import MonitoringError
from .estimation import chances, from_chances
from .monitoring import DriftReport, Reference, drift_report
from .outcomes import iso_times
from .pipeline import Scorer

__all__ = [
    "Calibrated",
    "Outcome",
    "WindowDrift",
    "decisions_by_action",
    "drift_over_time",
    "estimate_per_window",
    "outcome",
    "split_windows",
    "violations_by_field",
]


@dataclass(frozen=True)
class WindowDrift:
    """One window of a batch: its label (a start time or a row range), its rows,
    and its drift (None when no row of it passed the contract)."""

    label: str
    rows: int
    report: DriftReport | None

    def to_json(self) -> dict:
        return {
            "window": self.label,
            "rows": self.rows,
            "drift": self.report.to_json() if self.report else None,
        }


def split_windows(
    frame: pd.DataFrame, time: str | None, length: pd.Timedelta, rows: int
) -> list[tuple[str, pd.DataFrame]]:
    """(label, rows) per window, in order: by ``time`` floored to ``length`` when
    the frame has that column (rows without a time are left out), else chunks of
    ``rows`` rows labelled by their 1-based range."""
    if time is not None and time in frame.columns:
        starts = iso_times(frame[time], time).dt.floor(length)
        return [
            (start.isoformat(), part)
            for start, part in frame.groupby(starts, sort=True)
        ]
    size = max(int(rows), 1)
    return [
        (f"rows {i + 1}-{min(i + size, len(frame))}", frame.iloc[i : i + size])
        for i in range(0, len(frame), size)
    ]


def drift_over_time(
    scorer: Scorer,
    windows: list[tuple[str, pd.DataFrame]],
    artifact: Reference,
    as_of: pd.Timestamp,
    settings,
) -> list[WindowDrift]:
    """Each window's drift, judged against thresholds for its own size."""
    judged = []
    for label, part in windows:
        try:
            report = drift_report(scorer, part, artifact, as_of, settings)
        except MonitoringError:  # no row of the window passed the contract
            report = None
        judged.append(WindowDrift(label, len(part), report))
    return judged


def violations_by_field(rejects: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Rejected rows per field and rule, from the runtime's own reasons."""
    tally: dict[str, dict[str, int]] = {}
    for reason, count in summarize(rejects).items():
        field, _, rule = reason.rpartition(": ")
        if not field:  # a reason naming no field: a row that could not be read
            field, rule = "(row)", reason.split(":")[0]
        rules = tally.setdefault(field, {})
        rules[rule] = rules.get(rule, 0) + count
    return tally


def decisions_by_action(scored: pd.DataFrame, column: str | None) -> dict[str, int]:
    """How many scored rows got each action, most frequent first."""
    if column is None or column not in scored.columns:
        return {}
    counts = scored[column].astype(str).value_counts()
    return {str(action): int(count) for action, count in counts.items()}


@dataclass(frozen=True)
class Outcome:
    """What became of a batch's rows: broken rules, and actions taken."""

    rows: int
    violations: dict[str, dict[str, int]]
    decisions: dict[str, int]

    def to_json(self) -> dict:
        return {
            "rows": self.rows,
            "violations": self.violations,
            "decisions": self.decisions,
        }


def outcome(
    scorer: Scorer, frame: pd.DataFrame, artifact: Reference, as_of: pd.Timestamp
) -> Outcome:
    """Check and score a batch; tally its violations and decisions."""
    valid, rejects = validate_frame(frame, scorer.contract)
    column = scorer.decisions.output if scorer.decisions else None
    decided = {}
    if column is not None and len(valid):
        decided = decisions_by_action(
            scorer.score_valid(valid, artifact, as_of), column
        )
    return Outcome(len(frame), violations_by_field(rejects), decided)


@dataclass(frozen=True)
class Calibrated:
    """What estimates one model version's outputs: its calibration, and the one
    given the features (``runtime.estimation``), from its artifact."""

    calibration: Mapping
    feature_calibration: Mapping | None = None


def estimate_per_window(
    served: pd.DataFrame,
    times: pd.Series,
    length: pd.Timedelta,
    task: str,
    metric: str,
    calibrated: Mapping[object, Calibrated],
    versions: Sequence[object] | None = None,
    matrix: np.ndarray | None = None,
) -> dict[str, tuple[int, float | None]]:
    """{window start: (served rows, estimated metric or None)} over every served
    row, labelled or not: most of a model's life has no labels yet.

    Each row is estimated with the calibration of the version that scored it
    (``versions``, a key of ``calibrated`` per row; without it, every row is
    ``calibrated[None]``'s), so a log that spans a promotion is estimated right;
    rows of a version ``calibrated`` lacks are left out. ``matrix``, when given,
    holds the served rows' model columns in order: the estimate is then
    calibrated given the features too."""
    served = served.reset_index(drop=True)
    keys = np.full(len(served), None, dtype=object)
    if versions is not None:
        keys[:] = list(versions)
    classes = next((list(c.calibration) for c in calibrated.values()), [])
    starts = pd.Series(times.dt.floor(length).to_numpy())
    estimates = {}
    for start, rows in served.groupby(starts, sort=True):
        positions = rows.index.to_numpy()
        frames, parts = [], []
        for key in pd.unique(keys[positions]):
            model = calibrated.get(key)
            if model is None:
                continue
            mine = positions[keys[positions] == key]
            chance, _ = chances(
                task,
                served.iloc[mine],
                model.calibration,
                None if matrix is None else matrix[mine],
                model.feature_calibration,
            )
            frames.append(served.iloc[mine])
            parts.append(chance)
        value = None
        if frames:
            value = from_chances(
                task, metric, pd.concat(frames), np.concatenate(parts), classes
            )
        estimates[pd.Timestamp(start).isoformat()] = (len(rows), value)
    return estimates
