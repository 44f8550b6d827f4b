# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""What each command of a service's CLI does, told the service by a ``Program``.

``runtime.cli`` parses the arguments and calls one of these handlers with the
``Program`` (``runtime.program``), the parsed arguments and the settings; ``score``
and ``monitor`` have modules of their own (``runtime.scorecommand``,
``runtime.monitorcommand``). They read files, settings and
the clock, call the pure functions and raise ``ServiceError`` for bad input (the
CLI turns it into one line and exit code 1). What only training, Dask, monitoring
or serving needs is imported inside the handler: a serving install has no
scikit-learn, and ``train`` or ``score`` never import FastAPI.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .contract import json_schema
from .errors import DataError, ServiceError
from .files import Outputs, distinct
from .io import check_type, read_frame, writer
from .odcs import odcs_document
from .program import (
    Program,
    as_of,
    now,
    readable,
    rejects_beside,
    report_rejects,
    unlabelled,
)
from .promotion import register

# ``Program`` is imported from here by every generated cli.py.
__all__ = ["Program", "contract", "precompute", "serve", "sizing", "train"]


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
    report_rejects(result.rejects, len(data))
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
    rejects_path = rejects_beside(args.rejects, beside, ".csv")
    distinct(files, {"rejects": rejects_path})
    check_type(rejects_path)
    at = as_of(args.as_of)
    artifact = program.load_artifact(args.artifact or settings.artifact)
    batch = unlabelled(program, args.input, artifact)
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
    report_rejects(rejects, len(batch.frame))
    names = ", ".join(spec.features)
    print(f"precomputed {names} for {written} entities -> {store.location}")
    print(f"rejected {len(rejects)} rows -> {rejects_path}")
    return 0


def sizing(program: Program, args: argparse.Namespace, settings) -> int:
    """Exit 2 when the measured service does not fit spec.yaml's resources; with
    ``--write``, the measurement and Kubernetes manifests sized by it (exit 1, none
    written, when the measured memory exceeds the budget)."""
    from .sizing import format_sizing, measure

    data = args.data or settings.sample_data
    records = readable(read_frame(data, program.contract))
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
