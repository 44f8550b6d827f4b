"""Render the template into a project: copier into a temporary folder, format, verify, move.

Nothing is written to the output folder until the whole project has rendered, formatted
and passed verification; a failure leaves the output folder as it was. The formatting
happens here, before the files are anyone's, so that a later update never mistakes our own
formatting for an owner's edit.
"""

from __future__ import annotations

import ast
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .copying import copy_template
from .errors import GenerationError
from .gitops import init_repository
from .output import move_into_place, prepare_output, remove_abandoned, scratch_folder
from .vendor import vendor_runtime

_LEFTOVERS = ("{{", "}}", "{%", "%}", "[[ ", " ]]")
_LINE_LENGTH = 88


def template_dir() -> Path:
    """The bundled template: inside the installed package, or beside `generator/`."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "template", here.parent / "template"):
        if (candidate / "copier.yml").is_file():
            return candidate
    raise GenerationError(
        f"the bundled template is missing (looked in {here} and {here.parent})"
    )


@dataclass(frozen=True)
class RenderResult:
    output: Path
    files: list[str]


def render_tree(
    template: Path,
    destination: Path,
    context: dict,
    data: dict,
    runtime: Path | None = None,
) -> list[str]:
    """Render with copier into `destination` (which must not exist), format it, and
    vendor the runtime (the installed one, or the folder `runtime`) beside it."""
    copy_template(template, destination, {"ctx": context, **data})
    _write_custom_features(template, destination, context)
    files = sorted(
        str(p.relative_to(destination)).replace(os.sep, "/")
        for p in destination.rglob("*")
        if p.is_file()
    )
    for name in files:
        if name.endswith(".py"):
            _format(destination / name)
    _verify(destination, files)
    # Copied byte for byte after formatting and verifying: the runtime is not rendered
    # (its f-strings may well contain `{{`) and its hashes must match its source.
    package = context["project"]["package"]
    return sorted(files + vendor_runtime(destination, package, runtime))


def _write_custom_features(template: Path, destination: Path, context: dict) -> None:
    """The owners' files: extra routes, and one stub module per custom feature.

    Copier renders one file per template file; a feature list of any length needs one
    file each, so these are rendered here from `custom_feature.py.jinja`, in the same
    sandbox copier uses. They are owned files: `update` never changes them.
    """
    custom = [f for f in context["features"] if f["kind"] == "custom"]
    folder = destination / "src" / context["project"]["package"] / "custom"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "__init__.py").write_text(
        '"""Code the owners write by hand; modelplate creates each file once."""\n',
        encoding="utf-8",
    )
    routes = template / "custom_routes.py"
    if routes.is_file():
        (folder / "routes.py").write_bytes(routes.read_bytes())
    stub = template / "custom_feature.py.jinja"
    if not custom or not stub.is_file():
        return
    # The same whitespace rules as copier's environment (_envops in copier.yml).
    environment = SandboxedEnvironment(
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    source = environment.from_string(stub.read_text(encoding="utf-8"))
    for feature in custom:
        text = source.render(ctx=context, feature=feature)
        (folder / f"{feature['name']}.py").write_text(text, encoding="utf-8")


def _format(path: Path) -> None:
    """Format a rendered file with black only when it needs it.

    The template and `literals.py` emit black's style already; what they cannot foresee is
    a line made too long by the spec's own names and values, so only files with such a line
    go through black (the tool's tests run `black --check` on generated projects).
    """
    source = path.read_text(encoding="utf-8")
    if all(len(line) <= _LINE_LENGTH for line in source.splitlines()):
        return
    # Imported here: black takes 0.15 s to import and most renders never need it.
    import black

    mode = black.Mode(
        line_length=_LINE_LENGTH, target_versions={black.TargetVersion.PY310}
    )
    try:
        formatted = black.format_file_contents(source, fast=True, mode=mode)
    except black.NothingChanged:
        return
    except black.InvalidInput as exc:
        raise GenerationError(
            f"the template produced invalid Python in {path.name}: {exc}"
        ) from None
    path.write_text(formatted, encoding="utf-8")


def _verify(root: Path, files: list[str]) -> None:
    for name in files:
        if name.endswith((".csv", ".parquet")):
            continue
        text = (root / name).read_text(encoding="utf-8", errors="replace")
        for marker in ("{{", "{%"):
            if marker in text and not name.endswith(
                ("spec.yaml", "README.md", ".yml", ".yaml")
            ):
                line = text[: text.index(marker)].count("\n") + 1
                raise GenerationError(
                    f"template syntax left in {name}:{line} ({marker!r})"
                )
        if name.endswith(".py"):
            try:
                ast.parse(text, filename=name)
            except SyntaxError as exc:
                raise GenerationError(
                    f"the template produced invalid Python in {name}:{exc.lineno}: {exc.msg}"
                ) from None


def render_project(
    context: dict,
    data: dict,
    output: Path,
    force: bool = False,
    template: Path | None = None,
    commit_message: str | None = None,
    runtime: Path | None = None,
    spec: Path | None = None,
) -> RenderResult:
    """Render a whole project to `output`, atomically.

    With `commit_message`, the project becomes a git repository whose first commit is the
    pristine render, also kept on the branch that `modelplate update` merges from. `spec`,
    the file rendered from, is never inside what `force` replaces.
    """
    output = output.resolve()
    prepare_output(output, force, data["spec_name"], spec)
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(output.parent)
    # The scratch folder sits beside the output so the final move is a rename on the
    # same file system; it is removed whatever happens, or by the next render if this
    # process is killed.
    scratch = scratch_folder(output.parent, "new")
    try:
        built = scratch / "project"
        try:
            files = render_tree(
                template or template_dir(), built, context, data, runtime
            )
        except GenerationError:
            raise
        except Exception as exc:  # copier/jinja failures: report, never half-write
            raise GenerationError(
                f"rendering failed: {type(exc).__name__}: {exc}"
            ) from exc
        if commit_message is not None:
            init_repository(built, commit_message)
        move_into_place(built, output)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return RenderResult(output, files)


__all__ = ["RenderResult", "render_project", "render_tree", "template_dir"]
