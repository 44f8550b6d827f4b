"""How long `modelplate new` and `modelplate update` take as processes, next to copier.

Each figure is a whole process started the way a user starts it: the `modelplate`
console script installed beside this interpreter (interpreter start and every import
included). Its baseline is the `copier` console script of the same environment on the
same template with the same answers, timed in alternating blocks in the same run:

- new: `copier copy --data-file ANSWERS --defaults --quiet --skip-tasks TEMPLATE DST`.
  The answers (`ctx`, the render context modelplate computes from the spec, plus
  `spec_name` and `modelplate_version`) go in a data file: `--data ctx=JSON` cannot
  carry them, the reference context is about 190 KB and one argument may hold 128 KB.
  The context is computed before timing, so the baseline is copier's render (and its
  PyYAML read of the data file: 0.08 s for the reference, 1.85 s for 500 columns).
- update: `copier update --data-file NEW_ANSWERS --defaults --conflict inline ...` on a
  project copied from the same template at a tagged commit. copier replays the old
  render from the answers file, so the baseline uses a scratch copy of the template in
  a git repository where `ctx` is recorded (without `when: false`); the template files
  are the bundled ones. copier leaves the merge uncommitted; modelplate commits it.

`new` replaces the same output folder every run (`--force`), with the compiled-template
cache filled by the warm-up run, and once more with an empty cache every run (a user's
first `new` after installing). Untimed: writing the specs and answers, generating the
project each update starts from, and one warm-up run of each command.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import copier

import modelplate
from modelplate import api
from modelplate.render import template_dir

from .processes import Command, alternate, script
from .specs import wide_spec

ROOT = Path(__file__).resolve().parent.parent
CHURN = ROOT / "examples" / "churn.yaml"
NEW_FIELD = "    region: {type: category, values: [eu, us, apac], producer: crm}\n"
RECORDED_CTX = ("ctx:\n  type: json\n  when: false\n", "ctx:\n  type: json\n")
_names = itertools.count()


def with_new_field(text: str) -> str:
    """The spec with one more input field, first in its list."""
    return text.replace("  fields:\n", "  fields:\n" + NEW_FIELD, 1)


def _answers(spec: Path, destination: Path) -> Path:
    context, data = api._render_inputs(modelplate.check(spec))
    destination.write_text(json.dumps({"ctx": context, **data}), encoding="utf-8")
    return destination


def _fresh(scratch: Path, prefix: str) -> Path:
    return scratch / f"{prefix}-{next(_names)}"


def _git(folder: Path, *args: str) -> None:
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run(["git", "-C", str(folder), *identity, *args], check=True)


def copier_template_repo(scratch: Path) -> Path:
    """The bundled template in a git repository tagged v1, with `ctx` recorded."""
    repo = scratch / "template-repo"
    shutil.copytree(template_dir(), repo)
    config = repo / "copier.yml"
    text = config.read_text(encoding="utf-8")
    if RECORDED_CTX[0] not in text:
        raise SystemExit("bench: copier.yml no longer declares ctx as expected")
    config.write_text(text.replace(*RECORDED_CTX), encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "v1")
    _git(repo, "tag", "v1")
    return repo


def modelplate_new(spec: Path, scratch: Path, cold: bool = False) -> Command:
    """`modelplate new SPEC --output DIR --force`, replacing the same DIR every run.

    `cold`: each run with an empty cache of compiled templates (a user's first `new`).
    """
    output = scratch / "new-output"
    command = Command(
        lambda: [
            script("modelplate"),
            "new",
            str(spec),
            "--output",
            str(output),
            "--force",
        ]
    )
    if cold:
        command.env = lambda: {
            **os.environ,
            "XDG_CACHE_HOME": str(_fresh(scratch, "empty-cache")),
        }
    return command


def copier_copy(spec: Path, scratch: Path) -> Command:
    answers = _answers(spec, scratch / f"{spec.stem}-answers.json")
    return Command(
        lambda: [
            script("copier"),
            "copy",
            "--data-file",
            str(answers),
            "--defaults",
            "--quiet",
            "--skip-tasks",
            str(template_dir()),
            str(_fresh(scratch, "copier-copy")),
        ]
    )


def _changed(spec: Path, scratch: Path) -> Path:
    changed = scratch / f"{spec.stem}-plus-one.yaml"
    changed.write_text(with_new_field(spec.read_text()))
    return changed


def modelplate_update(spec: Path, scratch: Path) -> Command:
    changed = _changed(spec, scratch)

    def prepare() -> list[str]:
        project = _fresh(scratch, "update")
        modelplate.generate(spec, project)
        return [
            script("modelplate"),
            "update",
            str(project),
            "--spec",
            str(changed),
            "--accept-breaking",  # a new required field breaks producers
        ]

    return Command(prepare)


def copier_update(spec: Path, scratch: Path, repo: Path) -> Command:
    old = json.loads(_answers(spec, scratch / f"{spec.stem}-old.json").read_text())
    new = _answers(_changed(spec, scratch), scratch / f"{spec.stem}-new.json")

    def prepare() -> list[str]:
        project = _fresh(scratch, "copier-update")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier.run_copy(
                str(repo),
                str(project),
                data=old,
                vcs_ref="v1",
                defaults=True,
                quiet=True,
                skip_tasks=True,
            )
        _git(project, "init", "-q")
        _git(project, "add", "-A")
        _git(project, "commit", "-q", "-m", "copied")
        return [
            script("copier"),
            "update",
            "--data-file",
            str(new),
            "--defaults",
            "--quiet",
            "--skip-tasks",
            "--conflict",
            "inline",
            str(project),
        ]

    return Command(prepare)


def _report(report, name, pair, baseline_name, goal=None, blocks=2, per_block=2):
    """Time the pair in alternating blocks; print wall seconds, then CPU seconds."""
    measured, baseline = pair
    alternate(measured, baseline, blocks, per_block)
    for cpu in (False, True):
        report(
            f"{name}{', CPU' if cpu else ''} (median of {len(measured.times)})",
            measured.median(cpu),
            "s",
            goal=None if cpu else goal,
            baseline=baseline.median(cpu),
            baseline_name=baseline_name,
            spread=measured.spread(cpu),
            baseline_spread=baseline.spread(cpu),
        )


def run(report) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="modelplate-bench-"))
    try:
        wide = scratch / "wide-500.yaml"
        wide.write_text(wide_spec(400, 100, name="wide-500"))
        repo = copier_template_repo(scratch)
        start = (
            Command(lambda: [script("modelplate"), "--version"]),
            Command(lambda: [script("copier"), "--version"]),
        )
        _report(report, "start: modelplate --version", start, "copier --version")
        pair = modelplate_new(CHURN, scratch), copier_copy(CHURN, scratch)
        _report(report, "new: reference", pair, "copier copy", 1.0, 4, 3)
        pair = modelplate_new(CHURN, scratch, cold=True), copier_copy(CHURN, scratch)
        _report(report, "new: reference, empty template cache", pair, "copier copy")
        pair = modelplate_update(CHURN, scratch), copier_update(CHURN, scratch, repo)
        _report(report, "update: reference + 1 field", pair, "copier update", 1.5)
        pair = modelplate_new(wide, scratch), copier_copy(wide, scratch)
        _report(report, "new: 500 columns", pair, "copier copy", 3.0)
        # copier update of the 500-column project takes about 35 s a run here (it
        # reads and writes the recorded 2 MB context with PyYAML): copy is the baseline.
        pair = modelplate_update(wide, scratch), copier_copy(wide, scratch)
        _report(report, "update: 500 columns + 1 field", pair, "copier copy")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
