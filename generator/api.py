"""The importable API the CLI is a thin layer over."""

from __future__ import annotations

from pathlib import Path

from ._version import __version__
from .checks import CheckedSpec, check_spec
from .context import build_context
from .errors import SpecError
from .render import RenderResult, render_project
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


def generate(
    spec_path: str | Path,
    output: str | Path | None = None,
    *,
    force: bool = False,
    template: str | Path | None = None,
) -> RenderResult:
    """Check a spec and render its service repository into `output` (atomically).

    The default output is a folder named after the spec's `name` in the current directory.
    An existing non-empty output is refused unless `force` is given.
    """
    checked = check(spec_path)
    context = build_context(checked, __version__)
    target = Path(output) if output is not None else Path.cwd() / checked.spec.name
    data = {"spec_name": checked.spec.name, "modelplate_version": __version__}
    return render_project(
        context,
        data,
        target,
        force=force,
        template=Path(template) if template else None,
    )
