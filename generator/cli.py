"""The `modelplate` command: parses arguments, calls the API, maps our errors to exit 1.

Only errors of our own (ModelplateError) are turned into messages; anything else is a bug
and keeps its traceback so that it gets reported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__, api
from .errors import ModelplateError, SpecError, UpdateError
from .summary import summarize


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
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        print(summarize(api.check(args.spec)))
        return 0
    if args.command == "new":
        result = api.generate(args.spec, args.output, force=args.force)
        print(f"created {result.output} ({len(result.files)} files)")
        print(f"next: cd {result.output} && pip install -e '.[test]' && pytest")
        return 0
    raise AssertionError(
        args.command
    )  # pragma: no cover - argparse enforces the choices


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
