"""The importable API the CLI is a thin layer over.

`render` is imported by the functions that render: every `modelplate` process imports
this module, and with it copier and Jinja cost about 0.3 s, which `check`, `infer` and
`audit` never use. (`audit`, `infer` and `update` stay imported here: a first import of
a submodule rebinds the package's attribute of the same name, the API function.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .audit import AuditReport, audit_repository
from .checks import CheckedSpec, check_spec
from .context import build_context
from .contractdiff import BREAKING, diff_specs
from .diffreport import DiffReport
from .diffsources import deployed_spec_text, trained_from
from .diffsources import replay as replay_records
from .errors import AuditError, SpecError, UpdateConflict, UpdateError
from .gitops import PRISTINE
from .infer import SAMPLE_ROWS, infer_spec, write_inferred_spec
from .spec import Spec, read_spec_file, read_spec_partially, read_spec_text
from .team import TeamDefaults, apply_defaults, find_defaults, load_defaults
from .update import UpdateResult, update_project

if TYPE_CHECKING:
    from .render import RenderResult


def load_spec(path: str | Path) -> Spec:
    """Read a spec file into a typed Spec; raise SpecError with every problem found."""
    return read_spec_file(path)


def check(path: str | Path) -> CheckedSpec:
    """Load a spec and apply every cross-field rule; raise SpecError with all problems.

    The cross-field rules run even when some keys did not read, on what did, so that one
    run reports every problem of the file.
    """
    return check_text(*read_spec_text(path), team_defaults(path))


def check_text(text: str, file: str, team: TeamDefaults) -> CheckedSpec:
    """`check` of a spec's text (`file` names it in messages), with `team`'s defaults."""
    spec, problems = read_spec_partially(text, file)
    if spec is None or spec.model is None:
        raise SpecError(problems)
    apply_defaults(spec, team)
    try:
        checked = check_spec(spec)
    except SpecError as exc:
        problems = problems + exc.problems
    if problems:
        raise SpecError(problems)
    # Kept with the spec so rendering does not look for and read the file again.
    checked.team = team
    return checked


def generate(
    spec_path: str | Path,
    output: str | Path | None = None,
    *,
    force: bool = False,
    template: str | Path | None = None,
    git: bool = True,
    runtime: str | Path | None = None,
) -> RenderResult:
    """Check a spec and render its service repository into `output` (atomically).

    The default output is a folder named after the spec's `name` in the current directory.
    An existing non-empty output is refused unless `force` is given and it holds a
    previous render of the same spec (and not the spec file itself). With `git` (the
    default) the project is a git repository whose first commit is the pristine render,
    which is what `update` merges from later. The installed runtime is vendored into
    `src/<package>/runtime/`, or the runtime folder `runtime` (a fork of it) if given.
    """
    from .render import render_project

    checked = check(spec_path)
    context, data = _render_inputs(checked)
    target = Path(output) if output is not None else Path.cwd() / checked.spec.name
    message = f"modelplate new: {checked.spec.name} (modelplate {__version__})"
    return render_project(
        context,
        data,
        target,
        force=force,
        template=_template(template, checked),
        commit_message=message if git else None,
        runtime=Path(runtime) if runtime is not None else None,
        spec=Path(spec_path),
    )


def team_defaults(spec_path: str | Path) -> TeamDefaults:
    """The team defaults that apply to a spec: the nearest modelplate.toml above it."""
    return load_defaults(find_defaults(Path(spec_path).resolve().parent))


def _template(template: str | Path | None, checked: CheckedSpec) -> Path:
    from .render import template_dir

    chosen = template or checked.team.template
    return Path(chosen) if chosen else template_dir()


def _render_inputs(checked: CheckedSpec) -> tuple[dict, dict]:
    context = build_context(checked, __version__, checked.team)
    data = {"spec_name": checked.spec.name, "modelplate_version": __version__}
    return context, data


def update(
    project: str | Path = ".",
    spec_path: str | Path | None = None,
    *,
    dry_run: bool = False,
    template: str | Path | None = None,
    replace_runtime: bool = False,
    runtime: str | Path | None = None,
    accept_breaking: bool = False,
) -> UpdateResult:
    """Merge the render of the (changed) spec and the installed template into a project.

    The spec is `spec_path` when given (its text becomes the project's `spec.yaml`), else the
    project's own `spec.yaml`. Owners' edits survive through a three-way merge; conflicts
    raise UpdateError listing them, with the markers left in the files. With `dry_run`,
    the result carries the diff and nothing in the project changes.

    The vendored runtime is not merged: it becomes the installed runtime (or the folder
    `runtime`), wholesale. An owner's edit to it raises UpdateError naming each file,
    before anything changes, unless `replace_runtime` is given to discard the edits.

    The spec change is classified first (as `diff` does, against the spec of the last
    render); one that breaks callers or producers raises UpdateError naming each
    change, before anything changes, unless `accept_breaking` is given.
    """
    from .render import render_tree

    root = Path(project).resolve()
    new_spec = Path(spec_path) if spec_path is not None else root / "spec.yaml"
    checked = check(new_spec)
    contract = _contract_changes(root, checked, str(new_spec))
    if contract is not None and contract.verdict == BREAKING and not accept_breaking:
        raise UpdateError(
            "the spec change breaks callers or producers; tell the producers named, "
            "then run again with --accept-breaking",
            [
                UpdateConflict(c.path, f"{c.old} -> {c.new}: {c.why}")
                for c in contract.changes
                if c.kind == BREAKING
            ],
        )
    context, data = _render_inputs(checked)
    source = _template(template, checked)
    vendored = Path(runtime) if runtime is not None else None

    def render(tree: Path) -> None:
        render_tree(source, tree, context, data, vendored)

    message = f"modelplate update: {checked.spec.name} (modelplate {__version__})"
    result = update_project(
        root,
        render,
        message,
        dry_run=dry_run,
        package=context["project"]["package"],
        replace_runtime=replace_runtime,
    )
    result.contract = contract
    return result


def _contract_changes(root: Path, new: CheckedSpec, new_file: str) -> DiffReport | None:
    """The spec change since the last render, classified; None when it cannot be."""
    text = deployed_spec_text(root)
    if text is None:
        return None
    old_file = f"spec.yaml@{PRISTINE}"
    try:
        old = check_text(text, old_file, team_defaults(root / "spec.yaml"))
    except SpecError:
        return None  # a spec an older modelplate accepted: nothing to compare against
    return DiffReport(new.spec.name, old_file, new_file, diff_specs(old, new))


def infer(
    data_path: str | Path,
    target: str,
    output: str | Path | None = None,
    *,
    name: str | None = None,
    force: bool = False,
    sample_rows: int = SAMPLE_ROWS,
) -> str:
    """Infer a spec from a CSV or Parquet sample; return its YAML text.

    With `output` the text is also written there atomically; an existing file is refused
    unless `force` is given. Needs pandas (`pip install 'modelplate[infer]'`).
    """
    if output is None:
        return infer_spec(data_path, target, name, sample_rows=sample_rows)
    written = write_inferred_spec(
        data_path, target, output, name, force=force, sample_rows=sample_rows
    )
    return written.read_text(encoding="utf-8")


def diff(
    old_spec: str | Path,
    new_spec: str | Path,
    *,
    repo: str | Path | None = None,
    replay: str | Path | None = None,
) -> DiffReport:
    """What changing `old_spec` into `new_spec` does to producers, callers and the model.

    With `repo`, what the model saw is read from the repository's trained artifact
    (else the old spec's declared ranges stand in); with `replay`, past records (a CSV
    or Parquet file) are checked against the new contract and the rejections counted.
    """
    old, new = check(old_spec), check(new_spec)
    trained = trained_from(Path(repo), new) if repo is not None else None
    return DiffReport(
        new.spec.name,
        str(old_spec),
        str(new_spec),
        diff_specs(old, new, trained),
        trained,
        replay_records(Path(replay), new) if replay is not None else None,
    )


def audit(project: str | Path = ".") -> AuditReport:
    """Which of the ten lessons a repository covers, its template version and spec drift.

    The lessons required are the team's (`required_lessons` in modelplate.toml), else all.
    """
    root = Path(project).resolve()
    if not root.is_dir():
        raise AuditError(f"{project}: not a folder (expected a repository to audit)")
    required = load_defaults(find_defaults(root)).required_lessons
    return audit_repository(root, required)
