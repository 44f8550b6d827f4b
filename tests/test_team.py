"""Team defaults (modelplate.toml / [tool.modelplate]) and `modelplate audit`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from runtimes import fork_runtime

import modelplate
from modelplate.audit import format_report
from modelplate.cli import main
from modelplate.team import find_defaults, load_defaults
from modelplate.vendor import shipped_version

ROOT = Path(__file__).resolve().parent.parent
CHURN = ROOT / "examples" / "churn.yaml"
MINIMAL = ROOT / "examples" / "minimal.yaml"


def team_folder(tmp_path: Path, toml: str, spec: Path = MINIMAL) -> Path:
    (tmp_path / "modelplate.toml").write_text(toml)
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(spec, specs / spec.name)
    return specs / spec.name


def test_defaults_fill_what_the_spec_leaves_unsaid(tmp_path):
    spec = team_folder(
        tmp_path,
        'owner = "ml-platform@example.com"\n[monitoring.drift]\nwarn = 0.05\nalert = 0.2\n',
    )
    checked = modelplate.check(spec)
    assert checked.spec.owner == "ml-platform@example.com"
    assert (
        checked.spec.monitoring.drift.warn,
        checked.spec.monitoring.drift.alert,
    ) == (0.05, 0.2)


def test_the_spec_wins_over_a_team_default(tmp_path):
    spec = team_folder(
        tmp_path, 'owner = "team@example.com"\n[monitoring.drift]\nalert = 0.5\n', CHURN
    )
    checked = modelplate.check(spec)
    assert checked.spec.owner == "retention-ml@example.com"
    assert checked.spec.monitoring.drift.alert == 0.25


def test_the_nearest_file_is_found_and_pyproject_tables_count(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.modelplate]\npython = "3.12"\nci = "gitlab"\n'
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    found = find_defaults(nested)
    assert found == tmp_path / "pyproject.toml"
    defaults = load_defaults(found)
    assert (defaults.python, defaults.ci) == ("3.12", "gitlab")


def test_a_bad_defaults_file_names_file_line_and_key(tmp_path, capsys):
    spec = team_folder(tmp_path, 'owner = "x"\npyhton = "3.11"\nci = "jenkins"\n')
    assert main(["check", str(spec)]) == 1
    err = capsys.readouterr().err
    assert "modelplate.toml:2:1: pyhton: unknown key 'pyhton'" in err
    assert "did you mean 'python'?" in err
    assert (
        "modelplate.toml:3:1: ci: expected one of github, gitlab, none, got 'jenkins'"
        in err
    )


def test_the_python_version_reaches_the_render_context(tmp_path):
    spec = team_folder(tmp_path, 'python = "3.12"\n')
    context, _ = modelplate.api._render_inputs(modelplate.check(spec))
    assert context["project"]["python_version"] == "3.12"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("audit") / "churn-predictor"
    modelplate.generate(CHURN, out)
    return out


def test_audit_reports_lessons_version_and_drift(generated, tmp_path):
    report = modelplate.audit(generated)
    covered = {s.number for s in report.lessons if s.status == "covered"}
    assert {0, 1, 2, 3, 4, 5} <= covered
    assert report.template_version == modelplate.__version__
    assert report.spec_drift is None
    copy = tmp_path / "copy"
    shutil.copytree(generated, copy)
    (copy / "spec.yaml").write_text((copy / "spec.yaml").read_text() + "\n# edited\n")
    assert "run `modelplate update`" in modelplate.audit(copy).spec_drift


def test_audit_of_an_unrelated_repository_misses_every_lesson(tmp_path, capsys):
    (tmp_path / "src" / "app").mkdir(parents=True)
    (tmp_path / "src" / "app" / "__init__.py").write_text("")
    assert main(["audit", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "MISS 0 strict contracts" in out
    assert "10 required lesson(s) missing" in out


def test_audit_of_what_is_not_a_folder_is_one_line(tmp_path, capsys):
    for target in (tmp_path / "nope", Path("/dev/null")):
        assert main(["audit", str(target)]) == 1
        err = capsys.readouterr().err
        assert (
            err
            == f"modelplate: {target}: not a folder (expected a repository to audit)\n"
        )


def test_audit_flags_mixed_layers(generated, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(generated, copy)
    model = next(copy.glob("src/*/model.py"))
    model.write_text("from .features import build_features\n" + model.read_text())
    lesson = modelplate.audit(copy).lessons[3]
    assert lesson.status == "missing" and "build_features" in lesson.evidence


def test_required_lessons_come_from_the_team(generated, tmp_path):
    copy = tmp_path / "team" / "churn"
    shutil.copytree(generated, copy)
    (tmp_path / "team" / "modelplate.toml").write_text(
        "required_lessons = [0, 1, 2, 3, 4, 5]\n"
    )
    report = modelplate.audit(copy)
    assert report.missing_required == []


def test_audit_reports_the_vendored_runtime(generated, capsys):
    report = modelplate.audit(generated)
    assert report.runtime.version == shipped_version() == report.runtime.shipped
    assert report.runtime_edits == []
    assert main(["audit", str(generated)]) == 0
    out = capsys.readouterr().out
    assert f"runtime: {shipped_version()}, the version this modelplate ships" in out


def test_audit_flags_an_edited_runtime_by_file(generated, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(generated, copy)
    runtime = copy / "src" / "churn_predictor" / "runtime"
    init = runtime / "__init__.py"
    init.write_text(init.read_text() + "# the owners' tweak\n")
    (runtime / "mine.py").write_text("")

    report = modelplate.audit(copy)

    assert [(e.path, e.kind) for e in report.runtime_edits] == [
        ("src/churn_predictor/runtime/__init__.py", "edited"),
        ("src/churn_predictor/runtime/mine.py", "added"),
    ]
    assert report.missing_required == []
    assert main(["audit", str(copy)]) == 1
    out = capsys.readouterr().out
    assert (
        "  EDIT src/churn_predictor/runtime/__init__.py: edited since modelplate "
        f"vendored it (runtime {shipped_version()})"
    ) in out
    assert "2 vendored runtime file(s) edited" in out


def test_audit_names_an_older_runtime(tmp_path):
    fork = fork_runtime(tmp_path / "runtime", "0.9.0-old")
    project = tmp_path / "house-price"
    modelplate.generate(MINIMAL, project, runtime=fork)
    report = modelplate.audit(project)
    assert report.runtime.version == "0.9.0-old"
    assert report.runtime_edits == []
    assert "this modelplate ships" in format_report(report)


def test_audit_finds_a_lesson_module_in_the_vendored_runtime(generated, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(generated, copy)
    package = copy / "src" / "churn_predictor"
    assert not (package / "sizing.py").exists()
    # The runtime's tests are modelplate's: the repository need not carry them.
    (copy / "tests" / "test_sizing.py").unlink()
    lesson = modelplate.audit(copy).lessons[8]
    assert lesson.status == "covered"
    assert lesson.evidence.startswith("runtime/sizing.py (vendored runtime")
    (package / "runtime" / "sizing.py").unlink()
    assert modelplate.audit(copy).lessons[8].status == "missing"
