"""The importable API the CLI is a thin layer over."""

from __future__ import annotations

from pathlib import Path

from .checks import CheckedSpec, check_spec
from .errors import SpecError
from .spec import Spec, read_spec_file, read_spec_partially, read_spec_text


def load_spec(path: str | Path) -> Spec:
    """Read a spec file into a typed Spec; raise SpecError with every problem found."""
    return read_spec_file(path)


def check(path: str | Path) -> CheckedSpec:
    """Load a spec and apply every cross-field rule; raise SpecError with all problems.

    The cross-field rules run even when some keys did not read, on what did, so that one
    run reports every problem of the file.
    """
    spec, problems = read_spec_partially(*read_spec_text(path))
    if spec is None or spec.model is None:
        raise SpecError(problems)
    try:
        checked = check_spec(spec)
    except SpecError as exc:
        problems = problems + exc.problems
    if problems:
        raise SpecError(problems)
    return checked
