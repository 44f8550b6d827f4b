"""The `modelplate` command: parses arguments, calls the API, maps our errors to exit 1.

Only errors of our own (ModelplateError) are turned into messages; anything else is a bug
and keeps its traceback so that it gets reported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __version__, api
from .audit import format_report
from .diffreport import FORMATS, as_text
from .errors import ModelplateError, SpecError, UpdateError
from .summary import summarize
from .update import UpdateResult


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="modelplate",
        description="Turn one YAML spec into a tested ML service repository.",
    )
    parser.add_argument(
        "--version", action="version", version=f"modelplate {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate a spec and summarize it")
    check.add_argument("spec", help="path to the spec YAML")

    new = commands.add_parser("new", help="generate a service repository from a spec")
    new.add_argument("spec", help="path to the spec YAML")
    new.add_argument(
        "--output", "-o", help="folder to create (default: the spec's name)"
    )
    new.add_argument(
        "--force",
        action="store_true",
        help="replace an existing non-empty output folder",
    )
    new.add_argument(
        "--no-git",
        action="store_true",
        help="do not make the project a git repository (it then cannot be updated)",
    )
    new.add_argument(
        "--template", help="a team's own template folder (default: the bundled one)"
    )

    update = commands.add_parser(
        "update", help="merge a changed spec and the installed template into a project"
    )
    update.add_argument(
        "project", nargs="?", default=".", help="the project (default: .)"
    )
    update.add_argument(
        "--spec", help="the new spec (default: the project's spec.yaml)"
    )
    update.add_argument(
        "--dry-run", action="store_true", help="show the diff the update would make"
    )
    update.add_argument("--template", help="a team's own template folder")
    update.add_argument(
        "--replace-runtime",
        action="store_true",
        help="replace the vendored runtime even where its files were edited "
        "(the edits are lost; without this flag update refuses and names them)",
    )

    update.add_argument(
        "--accept-breaking",
        action="store_true",
        help="merge a spec change that breaks callers or producers (without this "
        "flag update refuses and lists the breaking changes)",
    )

    audit = commands.add_parser(
        "audit", help="report which of the ten lessons a repository covers"
    )
    audit.add_argument(
        "project", nargs="?", default=".", help="the repository (default: .)"
    )

    diff = commands.add_parser(
        "diff",
        help="classify what a spec change breaks: callers and producers, or the model",
    )
    diff.add_argument("old", help="the spec as it is deployed")
    diff.add_argument("new", help="the changed spec")
    diff.add_argument(
        "--repo", help="the service repository: read what its trained model saw"
    )
    diff.add_argument(
        "--replay", help="past records (CSV/Parquet): count what the new spec rejects"
    )
    diff.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="default: text"
    )

    infer = commands.add_parser(
        "infer", help="write a first spec from a CSV or Parquet sample of the data"
    )
    infer.add_argument("data", help="a .csv (also compressed) or .parquet file")
    infer.add_argument("--target", required=True, help="the column to predict")
    infer.add_argument("--name", help="the service name (default: from the file name)")
    infer.add_argument(
        "--output", "-o", help="the spec file to write (default: print the spec)"
    )
    infer.add_argument(
        "--force", action="store_true", help="replace an existing output file"
    )
    infer.add_argument(
        "--sample-rows",
        type=int,
        default=None,
        help="read at most this many rows (default: the first 100,000)",
    )
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        print(summarize(api.check(args.spec)))
        return 0
    if args.command == "new":
        result = api.generate(
            args.spec,
            args.output,
            force=args.force,
            template=args.template,
            git=not args.no_git,
        )
        # stdout carries only the path, so scripts can use it: cd "$(modelplate new s.yaml)"
        print(result.output)
        if sys.stderr.isatty():
            print(
                f"created {len(result.files)} files; next: cd {result.output} && "
                "pip install -e '.[test]' && pytest",
                file=sys.stderr,
            )
        return 0
    if args.command == "update":
        return _update(args)
    if args.command == "audit":
        report = api.audit(args.project)
        print(format_report(report))
        return 1 if report.failed else 0
    if args.command == "diff":
        report = api.diff(args.old, args.new, repo=args.repo, replay=args.replay)
        print(FORMATS[args.format](report))
        return report.exit_code
    if args.command == "infer":
        return _infer(args)
    raise AssertionError(
        args.command
    )  # pragma: no cover - argparse enforces the choices


def _infer(args: argparse.Namespace) -> int:
    rows = {} if args.sample_rows is None else {"sample_rows": args.sample_rows}
    text = api.infer(
        args.data, args.target, args.output, name=args.name, force=args.force, **rows
    )
    if args.output is None:
        sys.stdout.write(text)
    else:
        print(f"wrote {args.output}; review it, then: modelplate check {args.output}")
    return 0


def _update(args: argparse.Namespace) -> int:
    result = api.update(
        args.project,
        args.spec,
        dry_run=args.dry_run,
        template=args.template,
        replace_runtime=args.replace_runtime,
        accept_breaking=args.accept_breaking,
    )
    if result.contract is not None and result.contract.changes:
        print(as_text(result.contract), file=sys.stderr)
    if result.up_to_date:
        print(f"{result.repo}: already up to date")
        return 0
    if args.dry_run:
        sys.stdout.write(result.diff)
        print(
            f"dry run: the update would change {len(result.changed)} file(s)",
            file=sys.stderr,
        )
        _report_runtime(result, "would replace", sys.stderr)
        for path in result.conflicts:
            print(f"  would conflict: {path}", file=sys.stderr)
        return 1 if result.conflicts else 0
    print(
        f"{result.repo}: updated {len(result.changed)} file(s) and committed the merge"
    )
    _report_runtime(result, "replaced", sys.stdout)
    return 0


def _report_runtime(result: UpdateResult, verb: str, stream: TextIO) -> None:
    if result.runtime_before != result.runtime_after:
        before = result.runtime_before or "none"
        print(f"  runtime: {before} -> {result.runtime_after}", file=stream)
    for edit in result.runtime_replaced:
        print(f"  {verb} {edit.path} ({edit.reason})", file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except SpecError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return 1
    except UpdateError as exc:
        print(f"modelplate: {exc}", file=sys.stderr)
        for conflict in exc.conflicts:
            print(f"  {conflict.path}: {conflict.reason}", file=sys.stderr)
        return 1
    except ModelplateError as exc:
        print(f"modelplate: {exc}", file=sys.stderr)
        return 1


__all__ = ["main"]
