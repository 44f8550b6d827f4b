# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Commands over the prediction log: ``compare``, and ``monitor --labels`` when the
predictions are the log's rather than a ``score`` output.

Realized performance is also written as a Prometheus text file beside the report
(``realized_performance.prom``): point node_exporter's textfile collector at the
report folder and the alert rules see it like any other series.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .contract import REASONS, validate_frame
from .errors import ServiceError
from .files import Outputs
from .io import read_frame
from .predictionlog import read_log
from .program import Program
from .telemetry import REALIZED_PERFORMANCE

if TYPE_CHECKING:
    from .performance import PerformanceReport

__all__ = [
    "PROM_FILE",
    "compare",
    "format_comparison",
    "logged_performance",
    "realized_metrics",
]

PROM_FILE = "realized_performance.prom"


def _needs_training(program: Program, error: ModuleNotFoundError) -> ServiceError:
    return ServiceError(
        f"this command needs {error.name}: pip install '{program.prog}[train]'"
    )


def served(folder: object) -> pd.DataFrame:
    """The log at ``folder`` as scored rows (``outcomes.scored_rows``)."""
    from .outcomes import LOGGED, scored_rows

    log = read_log(folder, (*LOGGED, "result"))
    if log.empty:
        raise ServiceError(f"prediction log {folder}: no prediction logged yet")
    return scored_rows(log)


def _outcomes(program: Program, path: Path) -> pd.DataFrame:
    # Ids stay as written (typing one as a number would not match the log's).
    frame = read_frame(path, program.contract, (program.model.target,))
    if REASONS in frame.columns:
        frame = frame[frame[REASONS].isna()].drop(columns=[REASONS])
    return frame


def logged_performance(
    program: Program, args: argparse.Namespace, settings: Any
) -> PerformanceReport:
    """Realized performance of the champion's logged predictions, per window."""
    try:
        from .outcomes import join_logged
        from .performance import measure_performance
        from .training import split_target
    except ModuleNotFoundError as error:
        raise _needs_training(program, error) from error
    from .monitorrun import estimated_windows

    rows = served(args.log or settings.prediction_log)
    rows = rows[rows["_role"] != "challenger"]
    model = program.model
    report = measure_performance(
        rows,
        _outcomes(program, args.labels),
        args.time_column,
        contract=program.contract,
        target=model.target,
        split=lambda valid: split_target(valid, model),
        task=model.task,
        settings=program.monitoring.performance,
        join=join_logged,
    )
    return estimated_windows(program, args, settings, report, rows, "_logged_at")


def realized_metrics(namespace: str, report: PerformanceReport) -> str:
    """The latest window's realized performance in Prometheus' text format."""
    measured = [w for w in report.windows if not np.isnan(w.value)]
    name = f"{namespace}_{REALIZED_PERFORMANCE}"
    lines = [
        f"# HELP {name} Realized performance of the served model on the latest "
        "window with outcomes (monitor --labels).",
        f"# TYPE {name} gauge",
    ]
    if measured:
        latest = measured[-1]
        labels = f'metric="{report.metric}",window="{report.window}"'
        lines.append(f"{name}{{{labels}}} {latest.value!r}")
        lines.append(f"# window {latest.start} to {latest.end}, {latest.rows} rows")
    return "\n".join(lines) + "\n"


def write_realized(folder: Path, namespace: str, report: PerformanceReport) -> None:
    text = realized_metrics(namespace, report)
    with Outputs().commit() as outputs:
        outputs.write(folder / PROM_FILE, lambda file: file.write(text.encode()))


def format_comparison(result) -> str:
    """What ``compare`` prints: one fact per line."""
    lines = [
        f"champion {result.champion} vs challenger {result.challenger}: "
        f"{result.requests} records, {result.compared} compared, "
        f"{result.timed_out} timed out, {result.missing} not scored by the challenger",
    ]
    if result.left_out:
        lines.append(
            f"{result.left_out} earlier records served by other versions (before a "
            "promotion) left out"
        )
    if result.agreement is not None:
        lines.append(f"agreement (same class): {result.agreement:.1%}")
    if result.mean_abs_difference is not None:
        lines.append(f"mean absolute difference: {result.mean_abs_difference:.4g}")
    flips = sum(result.decision_flips.values())
    if result.compared and result.decision_flips is not None:
        lines.append(f"decision flips: {flips} ({flips / result.compared:.1%})")
        for change, count in sorted(
            result.decision_flips.items(), key=lambda item: -item[1]
        ):
            lines.append(f"  {change}: {count}")
    for role, figures in result.latency_ms.items():
        if figures:
            lines.append(
                f"latency {role}: p50 {figures['p50']:.2f} ms, p99 {figures['p99']:.2f} ms"
            )
    if result.metric is not None:
        m = result.metric
        lines.append(
            f"{m.metric} on {m.rows} labelled records: champion {m.champion:.4f}, "
            f"challenger {m.challenger:.4f}, difference {m.difference:+.4f} "
            f"(95% interval {m.low:+.4f} to {m.high:+.4f}): better: {m.better}"
        )
    return "\n".join(lines)


def compare(program: Program, args: argparse.Namespace, settings: Any) -> int:
    """Champion against challenger on the logged shadow traffic."""
    try:  # here: they need scikit-learn, which a serving install lacks
        from .comparison import compare as compare_pairs
        from .comparison import latest_pair, paired
        from .outcomes import join_logged
        from .performance import LABEL
        from .training import split_target
    except ModuleNotFoundError as error:
        raise _needs_training(program, error) from error

    rows, left_out = latest_pair(served(args.log or settings.prediction_log))
    pairs = paired(rows)
    decision = program.scorer.decisions.output if program.scorer.decisions else None
    labelled = None
    if args.labels is not None:
        outcomes = _outcomes(program, args.labels)
        target = program.model.target
        if target.name not in outcomes.columns:
            raise ServiceError(f"{args.labels}: no target column {target.name!r}")
        valid, _ = validate_frame(outcomes[[target.name]], program.contract, (target,))
        _, labels = split_target(valid, program.model)
        joined, _, _ = join_logged(
            rows[rows["_role"] == "champion"],
            outcomes.loc[valid.index],
            labels,
            args.time_column,
            program.contract.id_field,
        )
        keys = joined[["_request_id", "_index", LABEL]]
        labelled = pairs.merge(keys, on=["_request_id", "_index"], how="inner")
    result = compare_pairs(
        pairs,
        program.model.task,
        program.scorer.output,
        decision,
        program.monitoring.performance.metric,
        labelled,
    )
    result = replace(result, left_out=left_out)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2, default=float))
    else:
        print(format_comparison(result))
    return 0
