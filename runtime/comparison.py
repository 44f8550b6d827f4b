# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The challenger against the champion, on the same requests.

Both answered every request the shadow took (``runtime.shadow``), so every
difference below is the models', not the traffic's. Agreement is on what a caller
acts on: the class for a classifier (a binary score above ``THRESHOLD``), the value
for a regressor (how far apart); decision flips are counted after the business
rules, by (champion's, challenger's) pair. Where outcomes are known, the metric
difference comes with a paired bootstrap interval: the same resampled requests
score both models, so the interval is that of the difference itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .errors import MonitoringError
from .performance import LABEL, THRESHOLD, greater_is_better, score

__all__ = ["Comparison", "bootstrap_difference", "compare", "latest_pair", "paired"]

RESAMPLES = 1000
CONFIDENCE = 0.95


@dataclass(frozen=True)
class MetricDifference:
    metric: str
    rows: int
    champion: float
    challenger: float
    difference: float  # challenger - champion
    low: float
    high: float
    better: str  # "challenger", "champion" or "undecided" (the interval holds 0)


@dataclass(frozen=True)
class Comparison:
    champion: str  # versions
    challenger: str
    requests: int  # records the champion answered
    compared: int  # of those, answered by the challenger in time
    timed_out: int
    missing: int  # dropped or failed: no challenger answer logged
    agreement: float | None  # share of compared records with the same class
    mean_abs_difference: float | None  # of the model outputs
    decision_flips: dict[str, int] = field(default_factory=dict)
    latency_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    metric: MetricDifference | None = None
    # Champion records served by earlier versions (before a promotion): another
    # pair of models, left out rather than pooled with this one.
    left_out: int = 0

    def to_json(self) -> dict:
        return asdict(self)


def latest_pair(served: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """(the logged rows of the pair of versions that served last: the last
    champion's rows and the last challenger's; how many champion rows of other
    versions that leaves out). A log that spans a promotion holds several pairs,
    and pooling them would compare no pair at all."""
    role, version = served["_role"], served["_model_version"]
    champion, challenger = role == "champion", role == "challenger"
    if not champion.any() or not challenger.any():
        return served, 0  # ``paired`` says what is missing
    last = version[champion].iloc[-1], version[challenger].iloc[-1]
    keep = (champion & (version == last[0])) | (challenger & (version == last[1]))
    return served[keep], int((champion & (version != last[0])).sum())


def paired(served: pd.DataFrame) -> pd.DataFrame:
    """Each champion row with the challenger's row for the same record (suffixes
    ``_champion`` and ``_challenger``); rows from ``outcomes.scored_rows``."""
    keys = ["_request_id", "_index"]
    champion = served[served["_role"] == "champion"]
    challenger = served[served["_role"] == "challenger"]
    if champion.empty:
        raise MonitoringError("the log holds no champion predictions to compare")
    if challenger.empty:
        raise MonitoringError(
            "the log holds no challenger predictions: serve with settings.challenger "
            "set for a while first"
        )
    return champion.merge(
        challenger, on=keys, how="left", suffixes=("_champion", "_challenger")
    )


def bootstrap_difference(
    task: str,
    metric: str,
    labels: np.ndarray,
    champion: pd.DataFrame,
    challenger: pd.DataFrame,
    *,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> MetricDifference:
    """``metric`` of both on the same rows, and a percentile interval of the
    difference over ``resamples`` paired resamples."""
    first = score(task, labels, champion, metric)
    second = score(task, labels, challenger, metric)
    generator = np.random.default_rng(seed)
    differences = []
    for _ in range(resamples):
        rows = generator.integers(0, len(labels), len(labels))
        a = score(task, labels[rows], champion.iloc[rows], metric)
        b = score(task, labels[rows], challenger.iloc[rows], metric)
        if np.isfinite(a) and np.isfinite(b):
            differences.append(b - a)
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = (
        np.percentile(differences, [tail, 100 - tail]) if differences else (np.nan,) * 2
    )
    if not low <= 0 <= high and np.isfinite(low):
        upward = low > 0
        better = "challenger" if upward == greater_is_better(metric) else "champion"
    else:
        better = "undecided"
    return MetricDifference(
        metric,
        len(labels),
        first,
        second,
        second - first,
        float(low),
        float(high),
        better,
    )


def _side(rows: pd.DataFrame, suffix: str, columns: list[str]) -> pd.DataFrame:
    """One model's answers under their plain names (as ``performance.score`` reads)."""
    return pd.DataFrame(
        {name: rows[f"{name}{suffix}"].to_numpy() for name in columns}, index=rows.index
    )


def _percentiles(values: pd.Series) -> dict[str, float]:
    values = values.dropna()
    if values.empty:
        return {}
    p50, p99 = np.percentile(values.to_numpy(dtype=float), [50, 99])
    return {"p50": float(p50), "p99": float(p99)}


def compare(
    pairs: pd.DataFrame,
    task: str,
    output: str,
    decision: str | None,
    metric: str | None = None,
    labelled: pd.DataFrame | None = None,
) -> Comparison:
    """Agreement, flips and latency over ``pairs`` (from ``paired``); with
    ``labelled`` (pairs with ``LABEL``), the metric difference too."""
    answered = pairs["_status_challenger"].notna()
    in_time = pairs[pairs["_status_challenger"] == "ok"]
    champion_out = in_time[f"{output}_champion"]
    challenger_out = in_time[f"{output}_challenger"]
    agreement = mean_abs = None
    if len(in_time) and task == "binary_classification":
        same = (champion_out.astype(float) > THRESHOLD) == (
            challenger_out.astype(float) > THRESHOLD
        )
        agreement = float(same.mean())
    elif len(in_time) and task == "multiclass_classification":
        agreement = float(
            (champion_out.astype(str) == challenger_out.astype(str)).mean()
        )
    if len(in_time) and task != "multiclass_classification":
        gap = (champion_out.astype(float) - challenger_out.astype(float)).abs()
        mean_abs = float(gap.mean())
    flips: dict[str, int] = {}
    if decision is not None and len(in_time):
        before, after = (
            in_time[f"{decision}_champion"],
            in_time[f"{decision}_challenger"],
        )
        changed = in_time[before.astype(str) != after.astype(str)]
        for (old, new), count in (
            changed.groupby([f"{decision}_champion", f"{decision}_challenger"])
            .size()
            .items()
        ):
            flips[f"{old} -> {new}"] = int(count)
    latency = {
        "champion": _percentiles(pairs["_latency_ms_champion"]),
        "challenger": _percentiles(pairs.loc[answered, "_latency_ms_challenger"]),
    }
    difference = None
    if labelled is not None and metric is not None:
        rows = labelled[labelled["_status_challenger"] == "ok"]
        if rows.empty:
            raise MonitoringError(
                "no outcome matches a request both models answered in time"
            )
        columns = [
            name[: -len("_champion")]
            for name in rows.columns
            if name.endswith("_champion") and not name.startswith("_")
        ]
        difference = bootstrap_difference(
            task,
            metric,
            rows[LABEL].to_numpy(),
            _side(rows, "_champion", columns),
            _side(rows, "_challenger", columns),
        )
    versions = (
        pairs["_model_version_champion"].iloc[-1],
        (
            pairs.loc[answered, "_model_version_challenger"].iloc[-1]
            if answered.any()
            else ""
        ),
    )
    return Comparison(
        champion=str(versions[0]),
        challenger=str(versions[1]),
        requests=len(pairs),
        compared=len(in_time),
        timed_out=int((pairs["_status_challenger"] == "timeout").sum()),
        missing=int((~answered).sum()),
        agreement=agreement,
        mean_abs_difference=mean_abs,
        decision_flips=flips,
        latency_ms=latency,
        metric=difference,
    )
