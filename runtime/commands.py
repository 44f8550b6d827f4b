# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""What each command of a service's CLI does, told the service by a ``Program``.

``runtime.cli`` parses the arguments and calls one of these handlers with the
``Program``, the parsed arguments and the settings. They read files, settings and
the clock, call the pure functions and raise ``ServiceError`` for bad input (the
CLI turns it into one line and exit code 1). What only training, Dask, monitoring
or serving needs is imported inside the handler: a serving install has no
scikit-learn, and ``train`` or ``score`` never import FastAPI.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from .contract import REASONS, json_schema, summarize, validate_frame
from .definition import Contract, Features, Model, Monitoring, Precompute, Resources
from .errors import DataError, ServiceError
from .files import Outputs, distinct
from .io import Batch, check_type, read_batch, read_frame, writer
from .odcs import odcs_document
from .pipeline import Scorer
from .promotion import register
from .recording import log_for
from .workers import BatchLog

__all__ = [
    "Program",
    "contract",
    "monitor",
    "precompute",
    "score",
    "serve",
    "sizing",
    "train",
]

# A subcommand: (program, parsed arguments, settings) -> exit code.
Handler = Callable[["Program", argparse.Namespace, Any], int]


@dataclass(frozen=True)
class Program:
    """One service's command line: its name and everything its commands need.

    ``settings`` builds the service's settings (read from the environment; a
    pydantic ``ValidationError`` is reported as invalid settings); ``server``
    imports and returns the service's ``run(settings)``, only when serving;
    ``extra`` adds the owner's own subcommands (each sets ``handler``, a
    ``Handler``), after the runtime's.
    """

    prog: str
    description: str
    title: str  # heads the monitoring report
    contract: Contract
    features: Features
    model: Model
    monitoring: Monitoring
    resources: Resources
    scorer: Scorer
    load_artifact: Callable[[object], Any]
    score_frame: Callable[..., Any]
    settings: Callable[[], Any]
    server: Callable[[], Callable[[Any], None]]
    precompute: Precompute | None = None
    extra: tuple[Callable[[argparse._SubParsersAction], None], ...] = ()
    namespace: str = "service"  # prefixes its metrics, as the service's do


def now() -> pd.Timestamp:
    """The current time as a naive UTC timestamp (how the contract stores times)."""
    return pd.Timestamp(datetime.now(timezone.utc)).tz_convert(None)


def as_of(text: str | None) -> pd.Timestamp:
    """``--as-of`` as a naive UTC timestamp; now when not given."""
    if text is None:
        return now()
    try:
        stamp = pd.Timestamp(text)
    except ValueError as error:
        raise ServiceError(f"--as-of: not an ISO date or datetime: {text!r}") from error
    return stamp.tz_convert(None) if stamp.tzinfo is not None else stamp


def _report_rejects(rejects: pd.DataFrame, total: int) -> None:
    if rejects.empty:
        return
    print(f"rejected {len(rejects)} of {total} rows:")
    for rule, count in summarize(rejects).items():
        print(f"  {count:>7}  {rule}")


def _unlabelled(program: Program, path, artifact) -> Batch:
    # A labelled file (like the sample) can be scored: its label is not an input,
    # so it is set aside rather than rejected as an unknown field (its rejects
    # keep it: they are the rows as read).
    batch = read_batch(path, program.contract)
    target = artifact.metadata.get("target")
    frame = batch.frame.drop(columns=[target] if target else [], errors="ignore")
    return replace(batch, frame=frame)


def _rejects_path(given: Path | None, beside: Path, suffix: str) -> Path:
    """``--rejects``, or ``beside``'s stem + ``.rejects`` + ``suffix`` next to it."""
    return given or beside.with_name(beside.stem + ".rejects" + suffix)


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows the reader could split and decode (see ``runtime.io``)."""
    if REASONS not in frame.columns:
        return frame
    return frame[frame[REASONS].isna()].drop(columns=[REASONS])


def train(program: Program, args: argparse.Namespace, settings) -> int:
    # Imported here: training needs scikit-learn, which a serving install lacks.
    try:
        from .model import save_artifact
        from .training import train as train_model
        from .training import training_fields
    except ModuleNotFoundError as error:
        raise ServiceError(
            f"`train` needs {error.name}, a training dependency: "
            f"pip install '{program.prog}[train]'"
        ) from error
    contract, model = program.contract, program.model
    data_path = args.data or settings.sample_data
    artifact_path = args.artifact or settings.artifact
    data = read_frame(data_path, contract, training_fields(contract, model))
    at = now()
    result = train_model(
        data,
        contract,
        program.features,
        model,
        as_of=at,
        trained_at=at.isoformat(),
        bins=program.monitoring.drift.bins,
        seed=settings.seed,
    )
    _report_rejects(result.rejects, len(data))
    for candidate in result.candidates:
        print(
            f"cross-validated {model.metric} of {candidate.algorithm}: "
            f"{candidate.mean:.4f} +- {candidate.std:.4f} ({candidate.folds} folds)"
        )
    if result.candidates:
        print(f"chosen: {result.algorithm}")
    print(f"held-out {model.metric}: {result.score:.4f}")
    register(
        program,
        artifact_path,
        lambda folder: save_artifact(
            folder, model, result.model, result.metadata, result.matrix
        ),
        at=result.metadata["trained_at"],
    )
    return 0


def score(program: Program, args: argparse.Namespace, settings) -> int:
    """Every input row ends in OUTPUT or in the rejects file (as it was read, with
    its line and reasons); both are written, or neither is touched."""
    engine = _engine_of(args)
    if engine != "local":
        return _score_on(engine, program, args, settings)
    rejects_path = _rejects_path(args.rejects, args.output, ".csv")
    distinct({"INPUT": args.input}, {"OUTPUT": args.output, "rejects": rejects_path})
    check_type(args.output, rejects_path)
    at = as_of(args.as_of)
    artifact = program.load_artifact(args.artifact or settings.artifact)
    log = _batch_log(program, args, settings, lambda: artifact)
    batch = _unlabelled(program, args.input, artifact)
    valid, rejects = validate_frame(batch.frame, program.contract)
    scoring = program.scorer.score_steps(valid, artifact, at)
    scored = scoring.scored
    with Outputs().commit() as outputs:
        outputs.write(args.output, writer(scored, args.output))
        outputs.write(rejects_path, writer(batch.rejected(rejects), rejects_path))
    _report_rejects(rejects, len(batch.frame))
    print(f"scored {len(scored)} rows -> {args.output}")
    print(f"rejected {len(rejects)} rows -> {rejects_path}")
    if log is not None:
        log.write(valid, scoring.features, scored, at)
        log.commit()
        print(f"logged as {log.run} -> {log.folder}")
    return 0


def _batch_log(
    program: Program, args: argparse.Namespace, settings, artifact: Callable[[], Any]
) -> BatchLog | None:
    """This run's rows for the prediction log, or None with ``--no-log`` or no log
    in the settings; the log's folder is checked now, before any work, so an
    unwritable one is found at once. ``artifact()`` gives the model scored with."""
    log = None if args.no_log else log_for(settings, program.scorer)
    return None if log is None else BatchLog.start(log, program.scorer, artifact())


def contract(program: Program, args: argparse.Namespace, settings) -> int:
    """The input contract for producers: JSON Schema or ODCS v3.1.0, to stdout or
    (written whole, then moved into place) to ``--output``."""
    if args.format == "odcs":
        document = odcs_document(program.contract, program.description)
    else:
        document = json_schema(program.contract)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return 0
    with Outputs().commit() as outputs:
        outputs.write(args.output, lambda file: file.write(text.encode("utf-8")))
    print(f"wrote the contract ({args.format}) -> {args.output}")
    return 0


def _engine_of(args: argparse.Namespace) -> str:
    """``score``'s engine: ``--engine``, else dask for ``--distributed`` or
    ``--scheduler`` (its older spellings), else local."""
    implied = "dask" if args.distributed or args.scheduler else None
    engine = args.engine
    if engine and implied and engine != implied:
        raise ServiceError(
            f"--engine {engine} cannot run on a Dask cluster: drop --scheduler "
            "and --distributed, or use --engine dask"
        )
    return engine or implied or "local"


def _score_on(engine: str, program: Program, args: argparse.Namespace, settings):
    # Imported here: each engine is an extra of its own.
    extra = {"dask": "distributed", "spark": "spark"}[engine]
    try:
        if engine == "dask":
            from .distributed import score_parquet as run
        else:
            from .spark import score_spark as run
    except ModuleNotFoundError as error:
        raise ServiceError(
            f"--engine {engine} needs {error.name}: "
            f"pip install '{program.prog}[{extra}]'"
        ) from error
    rejects_path = _rejects_path(args.rejects, args.output, ".parquet")
    targets = {"OUTPUT": args.output, "rejects": rejects_path}
    distinct({"INPUT": args.input}, targets, datasets=True)
    options = {"scheduler": args.scheduler} if engine == "dask" else {}
    reference = args.artifact or settings.artifact
    # The workers stage the rows; the artifact is loaded here too, only with a
    # log, for the version the log names.
    load = partial(program.load_artifact, reference)
    log = _batch_log(program, args, settings, load)
    # Both datasets are written into folders beside their targets and moved into
    # place together when the engine is done, as ``score`` does with its files;
    # the log's rows are moved into it after them.
    try:
        with Outputs().commit() as outputs:
            counts = run(
                str(args.input),
                str(outputs.folder(args.output)),
                str(outputs.folder(rejects_path)),
                scorer=program.scorer,
                load=program.load_artifact,
                artifact=reference,
                as_of=as_of(args.as_of),
                log=log,
                **options,
            )
    except BaseException:
        if log is not None:
            log.discard()
        raise
    print(f"scored {counts.scored} rows -> {args.output}")
    print(f"rejected {counts.rejected} rows -> {rejects_path}")
    if log is not None:
        log.commit()
        print(f"logged as {log.run} -> {log.folder}")
    return 0


def serve(program: Program, args: argparse.Namespace, settings) -> int:
    try:
        run = program.server()
    except ModuleNotFoundError as error:
        raise ServiceError(
            f"`serve` needs {error.name}: pip install '{program.prog}'"
        ) from error
    updates = {"host": args.host, "port": args.port, "artifact": args.artifact}
    if program.precompute is not None:
        updates["feature_store"] = args.store
    run(settings.model_copy(update={k: v for k, v in updates.items() if v}))
    return 0


def precompute(program: Program, args: argparse.Namespace, settings) -> int:
    """Rows the contract rejects go to the rejects file, as ``score``'s do."""
    from .precomputing import compute_features
    from .store import FeatureStore, is_shared

    spec = program.precompute
    if spec is None:  # the parser only offers the command when there is one
        raise ServiceError("this service precomputes no features")
    location = str(args.store or settings.feature_store)
    files = {"INPUT": args.input}
    if is_shared(location):  # a Redis store has no folder: rejects go beside INPUT
        beside = args.input
    else:
        beside = files["store"] = Path(location)
    rejects_path = _rejects_path(args.rejects, beside, ".csv")
    distinct(files, {"rejects": rejects_path})
    check_type(rejects_path)
    at = as_of(args.as_of)
    artifact = program.load_artifact(args.artifact or settings.artifact)
    batch = _unlabelled(program, args.input, artifact)
    table, rejects = compute_features(
        batch.frame,
        artifact.imputation,
        at,
        contract=program.contract,
        features=program.features,
        precompute=spec,
    )
    command = f"{program.prog} precompute"
    store = FeatureStore(location, spec, program.contract, command=command)
    with Outputs().commit() as outputs:
        # Complete before the store changes; moved into place once it has.
        outputs.write(rejects_path, writer(batch.rejected(rejects), rejects_path))
        written = store.write(table, at)
    _report_rejects(rejects, len(batch.frame))
    names = ", ".join(spec.features)
    print(f"precomputed {names} for {written} entities -> {store.location}")
    print(f"rejected {len(rejects)} rows -> {rejects_path}")
    return 0


def monitor(program: Program, args: argparse.Namespace, settings) -> int:
    """Drift and/or performance; exit 2 on an alert, so a scheduler can act on it."""
    import json

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
        timed = _unlabelled(program, args.current, artifact).frame
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
    predictions = _readable(read_frame(args.predictions, contract, ()))
    outcomes = _readable(read_frame(args.labels, contract, (model.target,)))
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


def sizing(program: Program, args: argparse.Namespace, settings) -> int:
    """Exit 2 when the measured service does not fit spec.yaml's resources; with
    ``--write``, the measurement and Kubernetes manifests sized by it (exit 1, none
    written, when the measured memory exceeds the budget)."""
    from .sizing import format_sizing, measure

    data = args.data or settings.sample_data
    records = _readable(read_frame(data, program.contract))
    if records.empty:
        raise DataError(f"{data}: no records to time (no row under the header)")
    location = args.artifact or settings.artifact
    target = program.load_artifact(location).metadata.get("target")
    records = records.drop(columns=[target] if target else [], errors="ignore")
    store = None
    if program.precompute is not None:
        store = str(args.store or settings.feature_store)
    result = measure(
        location,
        records,
        now(),
        load=program.load_artifact,
        score=program.score_frame,
        resources=program.resources,
        store=store,
    )
    print(format_sizing(result))
    if args.write is not None:
        from .ops import write_manifests

        image = args.image or f"{program.prog}:latest"
        at = now().isoformat()
        write_manifests(
            program, result, args.write, image=image, port=settings.port, measured_at=at
        )
    return 0 if result.ok else 2
