# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The ``score`` command: a file of records scored, here or by a cluster engine.

Every input row ends in OUTPUT or in the rejects file (as it was read, with its line
and reasons); both are written, or neither is touched. The local engine scores in
this process; ``--engine dask|spark`` hands partitions to ``runtime.distributed`` or
``runtime.spark``, imported only then (each is an extra of its own). With a
prediction log, the run's rows are staged and committed once the outputs are.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from typing import Any

from .contract import validate_frame
from .errors import ServiceError
from .files import Outputs, distinct
from .io import check_type, writer
from .program import Program, as_of, rejects_beside, report_rejects, unlabelled
from .recording import log_for
from .workers import BatchLog

__all__ = ["score"]


def score(program: Program, args: argparse.Namespace, settings) -> int:
    """Every input row ends in OUTPUT or in the rejects file (as it was read, with
    its line and reasons); both are written, or neither is touched."""
    engine = _engine_of(args)
    if engine != "local":
        return _score_on(engine, program, args, settings)
    rejects_path = rejects_beside(args.rejects, args.output, ".csv")
    distinct({"INPUT": args.input}, {"OUTPUT": args.output, "rejects": rejects_path})
    check_type(args.output, rejects_path)
    at = as_of(args.as_of)
    artifact = program.load_artifact(args.artifact or settings.artifact)
    log = _batch_log(program, args, settings, lambda: artifact)
    batch = unlabelled(program, args.input, artifact)
    valid, rejects = validate_frame(batch.frame, program.contract)
    scoring = program.scorer.score_steps(valid, artifact, at)
    scored = scoring.scored
    with Outputs().commit() as outputs:
        outputs.write(args.output, writer(scored, args.output))
        outputs.write(rejects_path, writer(batch.rejected(rejects), rejects_path))
    report_rejects(rejects, len(batch.frame))
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
    rejects_path = rejects_beside(args.rejects, args.output, ".parquet")
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
