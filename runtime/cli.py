# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A service's command line: a thin layer over its API, told the service by a
``Program`` (``runtime.program``).

It parses arguments, reads the settings and maps the service's errors to one line
on stderr and exit code 1; each subcommand is one ``_add_<name>`` function whose
handler lives in ``runtime.commands`` (``score`` and ``monitor`` in modules of their
own). ``monitor`` and ``sizing`` exit with 2 (not
1) when they ran but the verdict is bad (an alert, a budget not met), so a
scheduler can tell that from a failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError

from . import commands, monitorcommand, ops, promotion, review, scorecommand
from .errors import ServiceError
from .program import Program
from .references import ALIASES

__all__ = ["COMMANDS", "Program", "build_parser", "main"]

Subparsers = argparse._SubParsersAction


def _add_store_option(parser: argparse.ArgumentParser, program: Program) -> None:
    """``--store``, for a service with a feature store (``serve``, ``sizing``)."""
    if program.precompute is not None:
        parser.add_argument(
            "--store",
            metavar="PATH|URL",
            help="feature store: a SQLite file or a redis:// URL (default: settings)",
        )


def _add_train(subparsers: Subparsers, program: Program) -> None:
    parser = subparsers.add_parser(
        "train", help="train the model and write the artifact"
    )
    parser.add_argument(
        "--data",
        type=Path,
        metavar="PATH",
        help="labelled CSV/Parquet (default: sample)",
    )
    parser.add_argument(
        "--artifact",
        metavar="ROOT",
        help="model registry (folder or fsspec URI) to add the version to",
    )
    parser.set_defaults(handler=commands.train)


def _add_score(subparsers: Subparsers, program: Program) -> None:
    parser = subparsers.add_parser("score", help="score a CSV/Parquet file in batch")
    parser.add_argument("input", type=Path, metavar="INPUT", help="CSV/Parquet records")
    parser.add_argument(
        "output", type=Path, metavar="OUTPUT", help="where to write scored rows"
    )
    parser.add_argument(
        "--rejects",
        type=Path,
        metavar="PATH",
        help="where to write rejected rows as read, with their line and reasons "
        "(default: OUTPUT's stem + .rejects.csv, beside it; .rejects.parquet "
        "with --engine dask or spark); OUTPUT and the rejects are both written "
        "or neither is",
    )
    parser.add_argument(
        "--artifact", metavar="DIR", help="artifact folder or fsspec URI to load"
    )
    parser.add_argument(
        "--as-of",
        metavar="ISO",
        help="time the features are computed at (default: now, UTC)",
    )
    parser.add_argument(
        "--no-log",
        action="store_true",
        help="do not append the predictions to the prediction log (settings)",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "dask", "spark"),
        help="local: this process (default); dask: a Dask cluster (Parquet in, "
        "[distributed] extra); spark: Spark on this machine (CSV or Parquet in, "
        "[spark] extra, Java 17+); both write Parquet datasets",
    )
    cluster = parser.add_mutually_exclusive_group()
    cluster.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="score Parquet on this Dask cluster (e.g. tcp://10.0.0.5:8786); "
        "implies --engine dask",
    )
    cluster.add_argument(
        "--distributed",
        action="store_true",
        help="the same as --engine dask: a Dask cluster started on this machine",
    )
    parser.set_defaults(handler=scorecommand.score)


def _add_serve(subparsers: Subparsers, program: Program) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve predictions over HTTP (loads the model first)"
    )
    parser.add_argument("--host", help="interface to listen on (default: settings)")
    parser.add_argument(
        "--port", type=int, help="port to listen on (default: settings)"
    )
    parser.add_argument(
        "--artifact",
        metavar="REF",
        help="model to serve: ROOT, ROOT@champion, ROOT@challenger, ROOT@VERSION "
        "or a plain artifact folder (default: settings)",
    )
    _add_store_option(parser, program)
    parser.set_defaults(handler=commands.serve)


def _add_precompute(subparsers: Subparsers, program: Program) -> None:
    if program.precompute is None:
        return
    parser = subparsers.add_parser(
        "precompute", help="compute the precomputed features into the feature store"
    )
    parser.add_argument("input", type=Path, metavar="INPUT", help="CSV/Parquet records")
    parser.add_argument(
        "--store",
        metavar="PATH|URL",
        help="a SQLite file or a redis:// URL (default: settings)",
    )
    parser.add_argument(
        "--rejects",
        type=Path,
        metavar="PATH",
        help="where to write rejected rows as read, with their line and reasons "
        "(default: the store's stem + .rejects.csv, beside it; with a Redis "
        "store, INPUT's)",
    )
    parser.add_argument(
        "--artifact", metavar="DIR", help="artifact (imputation values)"
    )
    parser.add_argument(
        "--as-of", metavar="ISO", help="computation time (default: now, UTC)"
    )
    parser.set_defaults(handler=commands.precompute)


def _add_monitor(subparsers: Subparsers, program: Program) -> None:
    parser = subparsers.add_parser(
        "monitor",
        help="drift against the training data and performance once labels arrive "
        "(exit 2 on an alert)",
    )
    parser.add_argument(
        "--current", type=Path, metavar="PATH", help="recent records (CSV/Parquet)"
    )
    parser.add_argument(
        "--labels", type=Path, metavar="PATH", help="outcomes: id, target and a time"
    )
    parser.add_argument(
        "--predictions",
        type=Path,
        metavar="PATH",
        help="predictions to judge (a `score` output; default: the prediction log)",
    )
    _add_log_option(parser)
    parser.add_argument(
        "--time-column",
        default="timestamp",
        metavar="NAME",
        help="time of each outcome, in --labels or --predictions (default: timestamp)",
    )
    parser.add_argument("--artifact", metavar="DIR", help="artifact to compare with")
    parser.add_argument(
        "--as-of", metavar="ISO", help="time features are computed at (default: now)"
    )
    parser.add_argument(
        "--output", type=Path, metavar="DIR", help="report folder (default: settings)"
    )
    parser.set_defaults(handler=monitorcommand.monitor)


def _add_sizing(subparsers: Subparsers, program: Program) -> None:
    parser = subparsers.add_parser(
        "sizing",
        help="measure memory and latency against spec.yaml's resources (exit 2 "
        "when over budget)",
    )
    parser.add_argument(
        "--data", type=Path, metavar="PATH", help="records to time (default: sample)"
    )
    parser.add_argument("--artifact", metavar="DIR", help="artifact to load")
    _add_store_option(parser, program)
    parser.add_argument(
        "--write",
        type=Path,
        nargs="?",
        const=ops.DEPLOY_FOLDER,
        metavar="DIR",
        help="also write the measurement and Kubernetes manifests sized by it "
        f"(default DIR: {ops.DEPLOY_FOLDER})",
    )
    parser.add_argument(
        "--image", help="container image of the manifests (default: PROG:latest)"
    )
    parser.set_defaults(handler=commands.sizing)


def _add_log_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log", metavar="DIR", help="prediction log folder (default: settings)"
    )


def _add_compare(subparsers: Subparsers, program: Program) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="the shadow challenger against the champion on logged traffic",
    )
    _add_log_option(parser)
    parser.add_argument(
        "--labels",
        type=Path,
        metavar="PATH",
        help="outcomes (request_id, or the id field and a time) for the metric",
    )
    parser.add_argument(
        "--time-column",
        default="timestamp",
        metavar="NAME",
        help="time of each outcome in --labels (default: timestamp)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=review.compare)


def _add_ops(subparsers: Subparsers, program: Program) -> None:
    parser = subparsers.add_parser("ops", help="files for operating the service")
    kinds = parser.add_subparsers(dest="ops", required=True, metavar="WHAT")
    alerts = kinds.add_parser(
        "alerts", help="Prometheus alerting rules derived from spec.yaml"
    )
    alerts.add_argument(
        "--output", type=Path, metavar="PATH", help="file to write (default: stdout)"
    )
    alerts.set_defaults(handler=ops.alerts)


def _add_promote(subparsers: Subparsers, program: Program) -> None:
    parser = subparsers.add_parser(
        "promote",
        help="point an alias at a version once it verifies and meets the bar",
    )
    parser.add_argument("version", metavar="VERSION", help="version id (or alias)")
    parser.add_argument("--alias", choices=ALIASES, required=True)
    parser.add_argument("--artifact", metavar="ROOT", help="model registry")
    parser.set_defaults(handler=promotion.promote)


def _add_models(subparsers: Subparsers, program: Program) -> None:
    parser = subparsers.add_parser(
        "models", help="list the registered versions, their metrics and aliases"
    )
    parser.add_argument("--artifact", metavar="ROOT", help="model registry")
    parser.set_defaults(handler=promotion.models)


def _add_contract(subparsers: Subparsers, program: Program) -> None:
    parser = subparsers.add_parser(
        "contract", help="print or write the input contract for the producers"
    )
    parser.add_argument(
        "--format",
        choices=("json-schema", "odcs"),
        default="json-schema",
        help="JSON Schema (default) or an Open Data Contract Standard v3.1.0 document",
    )
    parser.add_argument(
        "--output", type=Path, metavar="PATH", help="file to write (default: stdout)"
    )
    parser.set_defaults(handler=commands.contract)


# The runtime's subcommands, in help order (``precompute`` only with a feature
# store); a ``Program``'s ``extra`` ones follow.
COMMANDS: tuple[Callable[[Subparsers, Program], None], ...] = (
    _add_train,
    _add_score,
    _add_serve,
    _add_precompute,
    _add_monitor,
    _add_sizing,
    _add_compare,
    _add_promote,
    _add_models,
    _add_contract,
    _add_ops,
)


def build_parser(program: Program) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program.prog,
        description=program.description,
        epilog="Generated by modelplate from spec.yaml.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(subparsers, program)
    for add_extra in program.extra:
        add_extra(subparsers)
    return parser


def main(program: Program, argv: Sequence[str] | None = None) -> int:
    """Run one command; the service's errors (and the system's: a disk full, a
    permission denied) become one line and exit code 1."""
    args = build_parser(program).parse_args(argv)
    try:
        settings = program.settings()
    except ValidationError as error:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in error.errors())
        print(f"{program.prog}: error: invalid settings: {problems}", file=sys.stderr)
        return 1
    try:
        return args.handler(program, args, settings)
    except (ServiceError, OSError) as error:  # OSError: e.g. a disk full
        # One line, even when a library's message quoted in it has several.
        message = " ".join(part.strip() for part in str(error).splitlines())
        print(f"{program.prog}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{program.prog}: interrupted", file=sys.stderr)
        return 130
