# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The ``monitor`` command: drift of a batch, performance against late labels.

``--current`` judges a batch against the training data (per window too) and
estimates the metric before labels; ``--labels`` joins outcomes with what was
served (the prediction log, or ``--predictions``, a ``score`` output). Both write
the JSON and HTML report, and realized performance as a Prometheus file; exit 2 on
an alert, so a scheduler can act on it. What only monitoring needs is imported
inside: ``score`` and ``serve`` never load it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .errors import ServiceError
from .files import Outputs
from .io import read_frame
from .program import Program, as_of, now, readable, unlabelled

__all__ = ["monitor"]


def monitor(program: Program, args: argparse.Namespace, settings) -> int:
    """Drift and/or performance; exit 2 on an alert, so a scheduler can act on it."""
    from .monitoring import drift_report, estimated_performance
    from .monitorrun import batch_over_time, without_time
    from .report import (
        format_drift,
        format_estimate,
        format_performance,
        render_html,
        to_json,
    )
    from .review import PROM_FILE, realized_metrics

    if args.current is None and args.labels is None:
        raise ServiceError("monitor needs --current PATH, --labels PATH or both")
    drift = performance = estimated = over_time = what_became = None
    if args.current is not None:
        artifact = program.load_artifact(args.artifact or settings.artifact)
        if "statistics" not in artifact.metadata:
            raise ServiceError(
                f"{artifact.location}: no training statistics to compare with; "
                f"retrain with `{program.prog} train`"
            )
        timed = unlabelled(program, args.current, artifact).frame
        frame = without_time(program, timed, args.time_column)
        settings_of_drift = program.monitoring.drift
        at = as_of(args.as_of)
        drift = drift_report(program.scorer, frame, artifact, at, settings_of_drift)
        print(format_drift(drift))
        metric = program.monitoring.performance.metric
        estimated = estimated_performance(program.scorer, frame, artifact, at, metric)
        print(format_estimate(estimated))
        over_time, what_became = batch_over_time(program, args, timed, artifact, at)
    if args.labels is not None:
        performance = _performance(program, args, settings)
        print(format_performance(performance))
    statuses = [r.status for r in (drift, performance) if r is not None]
    status = next((s for s in ("alert", "warn") if s in statuses), "ok")
    output = Path(args.output or settings.reports)
    document = to_json(drift, performance, status, estimated, over_time, what_became)
    report = json.dumps(document, indent=2) + "\n"
    page = render_html(
        program.title,
        drift,
        performance,
        now().isoformat(),
        over_time=over_time,
        outcome=what_became,
        estimated=estimated,
    )
    with Outputs().commit() as outputs:
        outputs.write(output / "monitoring.json", lambda f: f.write(report.encode()))
        outputs.write(output / "monitoring.html", lambda f: f.write(page.encode()))
        if performance is not None:
            gauge = realized_metrics(program.namespace, performance)
            outputs.write(output / PROM_FILE, lambda f: f.write(gauge.encode()))
    print(f"{status}: report written to {output / 'monitoring.html'} (and .json)")
    return 2 if status == "alert" else 0


def _performance(program: Program, args: argparse.Namespace, settings):
    if args.predictions is None:  # the service's own log
        from .review import logged_performance

        return logged_performance(program, args, settings)
    try:
        from .monitorrun import estimated_windows
        from .performance import measure_performance
        from .training import split_target
    except ModuleNotFoundError as error:
        raise ServiceError(
            f"--labels needs {error.name}: pip install '{program.prog}[train]'"
        ) from error
    contract, model = program.contract, program.model
    # Ids stay as written in both files (typing one as a number would not match).
    predictions = readable(read_frame(args.predictions, contract, ()))
    outcomes = readable(read_frame(args.labels, contract, (model.target,)))
    report = measure_performance(
        predictions,
        outcomes,
        args.time_column,
        contract=contract,
        target=model.target,
        split=lambda valid: split_target(valid, model),
        task=model.task,
        settings=program.monitoring.performance,
    )
    return estimated_windows(
        program, args, settings, report, predictions, args.time_column
    )
