# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A model's performance once outcomes are known, per time window.

Outcomes (labels) arrive later than predictions, from another system. They are
joined by the id field with the predictions that were actually served (the
output of ``score``, or the service's log), not with a re-scoring by today's
model, so a model swapped in between cannot hide a degradation. The metric is
computed per window of ``Performance.window`` and judged against its thresholds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd
from sklearn import metrics

from .contract import validate_frame
from .definition import Contract, Field, Performance
from .errors import MonitoringError

__all__ = [
    "LABEL",
    "TIME",
    "PerformanceReport",
    "WindowScore",
    "THRESHOLD",
    "greater_is_better",
    "join_outcomes",
    "measure_performance",
    "output_of",
    "performance_over_time",
    "score",
    "window_length",
    "with_estimates",
]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
LABEL = "_label"  # the outcome, as the model learns it, in a joined frame
TIME = "_time"
# A binary model predicts the positive class when its score is above this.
THRESHOLD = 0.5
# The outcomes of checked rows, as the model learns them: (inputs, labels).
Split = Callable[[pd.DataFrame], tuple[pd.DataFrame, np.ndarray]]


def greater_is_better(metric: str) -> bool:
    """False for error metrics: lower is better, so they alert above a threshold."""
    return metric not in ("log_loss", "rmse", "mae")


def output_of(task: str) -> str:
    """The model's output column (as ``pipeline.Scorer.output``)."""
    return "score" if task == "binary_classification" else "prediction"


def _binary(labels: np.ndarray, frame: pd.DataFrame, metric: str) -> float:
    score = frame["score"].to_numpy(dtype=np.float64)
    labels = labels.astype(bool)
    if metric in ("roc_auc", "average_precision") and len(np.unique(labels)) < 2:
        return float("nan")  # undefined on a window with a single class
    if metric == "roc_auc":
        return float(metrics.roc_auc_score(labels, score))
    if metric == "average_precision":
        return float(metrics.average_precision_score(labels, score))
    if metric == "log_loss":
        return float(metrics.log_loss(labels, score, labels=[False, True]))
    predicted = score > THRESHOLD
    if metric == "f1":
        return float(metrics.f1_score(labels, predicted, zero_division=0.0))
    return float(metrics.accuracy_score(labels, predicted))


def _multiclass(labels: np.ndarray, frame: pd.DataFrame, metric: str) -> float:
    truth = labels.astype(str)
    if metric == "log_loss":
        columns = [c for c in frame.columns if str(c).startswith("probability[")]
        classes = [str(c)[len("probability[") : -1] for c in columns]
        probabilities = frame[columns].to_numpy(dtype=np.float64)
        return float(metrics.log_loss(truth, probabilities, labels=classes))
    predicted = frame["prediction"].astype(str).to_numpy()
    if metric == "f1_macro":
        return float(metrics.f1_score(truth, predicted, average="macro"))
    return float(metrics.accuracy_score(truth, predicted))


def _regression(labels: np.ndarray, frame: pd.DataFrame, metric: str) -> float:
    predicted = frame["prediction"].to_numpy(dtype=np.float64)
    truth = labels.astype(np.float64)
    if metric == "rmse":
        return float(np.sqrt(np.mean((truth - predicted) ** 2)))
    if metric == "mae":
        return float(np.mean(np.abs(truth - predicted)))
    if len(truth) < 2:
        return float("nan")  # r2 is undefined on one row
    return float(metrics.r2_score(truth, predicted))


_SCORES = {
    "binary_classification": _binary,
    "multiclass_classification": _multiclass,
    "regression": _regression,
}


def score(task: str, labels: np.ndarray, frame: pd.DataFrame, metric: str) -> float:
    """``metric`` of the served outputs in ``frame`` against the true ``labels``."""
    return _SCORES[task](labels, frame, metric)


@dataclass(frozen=True)
class WindowScore:
    start: str
    end: str
    rows: int
    value: float  # NaN when the metric is undefined on the window
    status: str  # "ok", "alert" or "n/a"
    # A classifier's metric estimated from its calibrated outputs on every row
    # served in the window, labelled or not (None: no estimate), and those rows.
    estimated: float | None = None
    served: int | None = None


@dataclass(frozen=True)
class PerformanceReport:
    metric: str
    window: str
    alert_below: float | None
    alert_above: float | None
    windows: list[WindowScore]
    joined: int
    unmatched_predictions: int = 0
    unmatched_labels: int = 0
    # Why no window has an estimate (a regressor's outputs carry no confidence).
    no_estimate: str | None = None

    @property
    def status(self) -> str:
        return "alert" if any(w.status == "alert" for w in self.windows) else "ok"

    def to_json(self) -> dict:
        data = asdict(self)
        for window in data["windows"]:  # JSON has no NaN
            window["value"] = None if np.isnan(window["value"]) else window["value"]
            estimated = window["estimated"]
            window["estimated"] = None if estimated != estimated else estimated
        return {**data, "status": self.status}


def with_estimates(
    report: PerformanceReport, estimates: dict[str, tuple[int, float | None]]
) -> PerformanceReport:
    """``report`` with each window's estimate beside its realized value, and a
    window (no labels yet, so no value) for every estimated start it lacks."""
    length = window_length(report.window)
    windows = {
        w.start: replace(w, served=estimates.get(w.start, (None, None))[0])
        for w in report.windows
    }
    for start, (served, value) in estimates.items():
        window = windows.get(start)
        if window is None:
            end = (pd.Timestamp(start) + length).isoformat()
            window = WindowScore(start, end, 0, float("nan"), "n/a")
        windows[start] = replace(window, estimated=value, served=served)
    return replace(report, windows=[windows[start] for start in sorted(windows)])


def join_outcomes(
    predictions: pd.DataFrame,
    outcomes: pd.DataFrame,
    labels: np.ndarray,
    time: str,
    id_field: str | None,
    output: str,
) -> tuple[pd.DataFrame, int, int]:
    """(predictions with ``LABEL`` and ``TIME``, unmatched predictions and labels).

    ``outcomes`` holds ``id_field`` and ``time`` (or ``predictions`` holds the
    time); ``labels`` are its outcomes as the model learns them. An id seen twice
    in either file keeps its last row: a corrected outcome replaces the first.
    """
    if id_field is None:
        raise MonitoringError(
            "this spec declares no id field (an input with role: id), so outcomes "
            "cannot be joined to predictions; add one to spec.yaml"
        )
    for name, frame in (("predictions", predictions), ("labels", outcomes)):
        if id_field not in frame.columns:
            raise MonitoringError(f"the {name} have no id column {id_field!r}")
    if time not in outcomes.columns and time not in predictions.columns:
        raise MonitoringError(
            f"neither the labels nor the predictions have a time column {time!r} "
            "(choose it with --time-column)"
        )
    if output not in predictions.columns:
        raise MonitoringError(f"the predictions have no output column {output!r}")
    right = outcomes[[id_field]].assign(**{LABEL: labels})
    left = predictions
    if time in outcomes.columns:  # the labels' time wins over the predictions'
        right[TIME] = outcomes[time]
        left = left.drop(columns=[time], errors="ignore")
    left = left.rename(columns={time: TIME})
    left = left.astype({id_field: str}).drop_duplicates(id_field, keep="last")
    right = right.astype({id_field: str}).drop_duplicates(id_field, keep="last")
    joined = left.merge(right, on=id_field, how="inner")
    try:
        joined[TIME] = pd.to_datetime(
            joined[TIME], format="ISO8601", utc=True
        ).dt.tz_convert(None)
    except (ValueError, TypeError) as error:
        first = str(error).splitlines()[0]  # pandas goes on with advice
        raise MonitoringError(
            f"column {time!r}: not ISO dates or datetimes ({first})"
        ) from error
    return joined, len(left) - len(joined), len(right) - len(joined)


def window_length(window: str) -> pd.Timedelta:
    """A spec duration ("30m", "24h", "7d", "1w") as a Timedelta.

    Parsed here rather than by pandas, which is deprecating lower-case units.
    """
    match = re.fullmatch(r"([1-9][0-9]*)([smhdw])", window)
    if match is None:
        raise MonitoringError(f"not a duration like 30m, 24h or 7d: {window!r}")
    return pd.Timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def _status(value: float, below: float | None, above: float | None) -> str:
    if np.isnan(value):
        return "n/a"
    bad = (below is not None and value < below) or (above is not None and value > above)
    return "alert" if bad else "ok"


def performance_over_time(
    joined: pd.DataFrame, task: str, settings: Performance
) -> PerformanceReport:
    """``settings.metric`` per ``settings.window`` of ``TIME`` over a frame from
    ``join_outcomes``, judged against ``settings``' thresholds."""
    if joined.empty:
        raise MonitoringError("no prediction has an outcome yet: nothing to measure")
    length = window_length(settings.window)
    starts = joined[TIME].dt.floor(length)
    below, above = settings.alert_below, settings.alert_above
    scores = []
    for start, rows in joined.groupby(starts, sort=True):
        value = score(task, rows[LABEL].to_numpy(), rows, settings.metric)
        scores.append(
            WindowScore(
                start=start.isoformat(),
                end=(start + length).isoformat(),
                rows=len(rows),
                value=value,
                status=_status(value, below, above),
            )
        )
    return PerformanceReport(
        settings.metric, settings.window, below, above, scores, len(joined)
    )


def measure_performance(
    predictions: pd.DataFrame,
    outcomes: pd.DataFrame,
    time: str,
    *,
    contract: Contract,
    target: Field,
    split: Split,
    task: str,
    settings: Performance,
    join: Callable[..., tuple[pd.DataFrame, int, int]] | None = None,
) -> PerformanceReport:
    """Check the outcomes against the target's contract, join them, and measure.

    ``split`` turns checked rows into (inputs, labels as the model learns them);
    outcomes whose label breaks the contract are left out (and counted as
    unmatched labels). ``join`` matches outcomes with predictions (default:
    ``join_outcomes``, by the id field; ``outcomes.join_logged`` for the log).
    """
    if target.name not in outcomes.columns:
        raise MonitoringError(f"the labels have no target column {target.name!r}")
    # Only the label is checked: ids are matched as written in both files.
    valid, rejects = validate_frame(outcomes[[target.name]], contract, (target,))
    _, labels = split(valid)
    outcomes = outcomes.loc[valid.index]
    output = output_of(task)
    if task != "multiclass_classification":
        try:
            predictions = predictions.assign(
                **{output: pd.to_numeric(predictions[output], errors="raise")}
            )
        except (KeyError, ValueError, TypeError) as error:
            raise MonitoringError(
                f"the predictions' {output!r} column is missing or not numeric "
                f"({error})"
            ) from error
    joined, unmatched_predictions, unmatched_labels = (join or join_outcomes)(
        predictions, outcomes, labels, time, contract.id_field, output
    )
    report = performance_over_time(joined, task, settings)
    return replace(
        report,
        unmatched_predictions=unmatched_predictions,
        unmatched_labels=unmatched_labels + len(rejects),
    )
