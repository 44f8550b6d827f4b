"""`modelplate new` through the public API: the file set, determinism and atomicity."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from generated import project_files, run_generated

import modelplate
from modelplate.cli import main
from modelplate.render import template_dir

ROOT = Path(__file__).resolve().parent.parent
CHURN = ROOT / "examples" / "churn.yaml"
MINIMAL = ROOT / "examples" / "minimal.yaml"
# Its min_metric is one the synthetic sample never reaches.
LOAN_DEFAULT = ROOT / "examples" / "loan-default.yaml"


@pytest.fixture(scope="module")
def churn_project(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "churn-predictor"
    modelplate.generate(CHURN, out)
    return out


def test_the_churn_project_has_the_expected_files(churn_project):
    files = set(project_files(churn_project))
    package = "src/churn_predictor/"
    for module in (
        "contracts",
        "features",
        "model",
        "decisions",
        "pipeline",
        "cli",
        "settings",
        "runtime/contract",
        "runtime/serialization",
        "runtime/functions",
        "runtime/errors",
        "runtime/features",
        "runtime/record",
        "runtime/decisions",
        "runtime/pipeline",
        "monitoring",
        "runtime/monitoring",
        "runtime/performance",
        "runtime/report",
        "runtime/recent",
        "runtime/sizing",
        "runtime/artifact",
        "runtime/model",
        "runtime/training",
    ):
        assert package + module + ".py" in files
    # Moved to the runtime: the owner's package keeps only their settings.
    for module in ("performance", "report", "recent", "sizing", "artifact", "training"):
        assert package + module + ".py" not in files
    for name in (
        "pyproject.toml",
        "README.md",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".github/workflows/ci.yml",
        "Dockerfile",
        "spec.yaml",
        ".copier-answers.yml",
        "data/sample.csv",
    ):
        assert name in files
    assert any(name.startswith("tests/test_") for name in files)


def test_the_file_set_follows_the_spec(tmp_path, churn_project):
    minimal = tmp_path / "house-price"
    modelplate.generate(MINIMAL, minimal)
    churn_files = {
        f.replace("churn_predictor", "PKG") for f in project_files(churn_project)
    }
    minimal_files = {f.replace("house_price", "PKG") for f in project_files(minimal)}
    # The minimal spec has no decisions and no precompute: neither module, nor
    # their tests.
    assert churn_files - minimal_files == {
        "src/PKG/decisions.py",
        "src/PKG/precompute.py",
        "tests/test_decisions.py",
        "tests/test_precompute.py",
    }
    assert minimal_files <= churn_files


def test_training_installs_the_extra_learners_the_spec_names(tmp_path, churn_project):
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        MINIMAL.read_text()
        + "  algorithm: [ridge, lightgbm]\n  params: {lightgbm: {num_leaves: 15}}\n"
    )
    modelplate.generate(spec, tmp_path / "house-price")
    train = _extra((tmp_path / "house-price" / "pyproject.toml").read_text(), "train")
    assert '"house-price[lightgbm]",' in train
    assert "xgboost" not in train
    model = (tmp_path / "house-price" / "src" / "house_price" / "model.py").read_text()
    assert 'algorithm=("ridge", "lightgbm"),' in model
    assert 'params={"lightgbm": {"num_leaves": 15}},' in model
    assert "[lightgbm]" not in _extra(
        (churn_project / "pyproject.toml").read_text(), "train"
    )


def _extra(pyproject: str, name: str) -> str:
    """The text of one extra's list in a pyproject.toml."""
    start = pyproject.index(f"\n{name} = [")
    return pyproject[start : pyproject.index("\n]", start)]


def test_the_sample_holds_the_documented_example_entity(churn_project):
    # `precompute data/sample.csv && serve`, as the README says, must answer the
    # OpenAPI example with a score rather than 404 for an unknown customer_id.
    example = json.loads((churn_project / "tests/cases.json").read_text())
    entity = example["bases"]["example"]["customer_id"]
    with (churn_project / "data/sample.csv").open(newline="") as handle:
        ids = [row["customer_id"] for row in csv.DictReader(handle)]
    assert ids[0] == entity
    assert len(set(ids)) == len(ids)


def test_no_template_syntax_is_left(churn_project):
    for name, content in project_files(churn_project).items():
        if name.endswith(".csv"):
            continue
        text = content.decode("utf-8")
        # Jinja tags as the template writes them; f-strings such as "{share:.1%}" are fine.
        left = re.search(r"\{\{ |\{%[ -]|[ -]%\}| \}\}", text)
        assert left is None, f"{left.group()!r} left in {name}"


def test_the_spec_is_copied_byte_for_byte(churn_project):
    assert (churn_project / "spec.yaml").read_bytes() == CHURN.read_bytes()


def test_generation_is_byte_identical(tmp_path, churn_project):
    again = tmp_path / "again"
    modelplate.generate(CHURN, again)
    assert project_files(again) == project_files(churn_project)


def test_git_history_starts_with_the_pristine_render(churn_project):
    def git(*args):
        return subprocess.run(
            ["git", "-C", str(churn_project), *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert git("rev-parse", "HEAD") == git("rev-parse", "modelplate/pristine")
    assert git("status", "--porcelain") == ""


def test_a_non_empty_output_is_refused_without_force(tmp_path, capsys):
    out = tmp_path / "previous"
    modelplate.generate(MINIMAL, out, git=False)
    (out / "keep.txt").write_text("mine")
    assert main(["new", str(MINIMAL), "--output", str(out)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine"
    assert main(["new", str(MINIMAL), "--output", str(out), "--force"]) == 0
    assert not (out / "keep.txt").exists()
    assert (out / "src" / "house_price" / "model.py").is_file()


def test_a_failed_generation_leaves_nothing_behind(tmp_path):
    broken = tmp_path / "template"
    shutil.copytree(template_dir(), broken)
    (broken / "project" / "broken.txt.jinja").write_text(
        "{{ ctx.no_such_key.deeper }}\n"
    )
    out = tmp_path / "out" / "project"
    with pytest.raises(modelplate.GenerationError, match="rendering failed"):
        modelplate.generate(CHURN, out, template=broken)
    assert not out.exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_a_failed_forced_generation_keeps_the_old_content(tmp_path):
    broken = tmp_path / "template"
    shutil.copytree(template_dir(), broken)
    (broken / "project" / "broken.py.jinja").write_text("def (:\n")
    out = tmp_path / "existing"
    modelplate.generate(CHURN, out, git=False)
    (out / "keep.txt").write_text("mine")
    with pytest.raises(modelplate.GenerationError, match="invalid Python"):
        modelplate.generate(CHURN, out, template=broken, force=True)
    assert (out / "keep.txt").read_text() == "mine"
    assert [
        p.name for p in tmp_path.iterdir() if p.name.startswith(".modelplate")
    ] == []


def test_a_bad_spec_writes_nothing(tmp_path, capsys):
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        CHURN.read_text().replace("min: 0\n      max: 600", "min: 10\n      max: 6")
    )
    out = tmp_path / "out"
    assert main(["new", str(spec), "--output", str(out)]) == 1
    assert "min is greater than max" in capsys.readouterr().err
    assert not out.exists()


def run_generated_suite(python: Path, project: Path) -> subprocess.CompletedProcess:
    """Run a generated project's own tests in the environment its pyproject installs."""
    return run_generated(
        python, project, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"
    )


@pytest.mark.slow
def test_the_generated_churn_suite_passes(churn_project, tmp_path, service_python):
    project = tmp_path / "copy"
    shutil.copytree(churn_project, project)
    result = run_generated_suite(service_python, project)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


VALID_SPECS = ROOT / "tests" / "specs" / "valid"
VALID = sorted(VALID_SPECS.glob("*.yaml"))


def wide_spec_file(folder: Path) -> Path:
    from bench.specs import wide_spec

    path = folder / "wide.yaml"
    path.write_text(wide_spec(400, 100))
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "spec",
    [CHURN, MINIMAL, LOAN_DEFAULT, *VALID, "wide"],
    ids=lambda s: getattr(s, "stem", s),
)
def test_the_generated_project_is_black_and_ruff_clean(tmp_path, spec):
    """Emitted code must be formatted as black would (no formatting pass ran on it)."""
    spec = wide_spec_file(tmp_path) if spec == "wide" else spec
    project = tmp_path / "project"
    modelplate.generate(spec, project)
    black = subprocess.run(
        [sys.executable, "-m", "black", "--check", "."],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert black.returncode == 0, black.stderr
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "-q", "."],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert ruff.returncode == 0, ruff.stdout


@pytest.mark.slow
@pytest.mark.parametrize("spec", [LOAN_DEFAULT, *VALID], ids=lambda s: s.stem)
def test_the_generated_suite_passes_for_other_specs(tmp_path, spec, service_python):
    project = tmp_path / "project"
    modelplate.generate(spec, project)
    result = run_generated_suite(service_python, project)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize(
    "spec, bar",
    [
        (LOAN_DEFAULT, "min_metric 0.95"),
        (VALID_SPECS / "unreachable-error-bar.yaml", "max_metric 0.001"),
    ],
    ids=["loan-default", "unreachable-error-bar"],
)
def test_training_on_the_sample_refuses_a_bar_it_cannot_reach(
    tmp_path, spec, bar, service_python
):
    """The generated suite passes for these specs (above) although `train` on the
    sample, as a user runs it, refuses to write a model."""
    project, artifact = tmp_path / "project", tmp_path / "model"
    modelplate.generate(spec, project)
    package = modelplate.load_spec(spec).package
    argv = ["-m", package, "train", "--artifact", str(artifact)]
    result = run_generated(service_python, project, *argv)
    assert result.returncode == 1, result.stdout + result.stderr
    assert bar in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not artifact.exists()


@pytest.mark.parametrize("spec", [CHURN, MINIMAL])
def test_the_template_emits_black_formatted_code(tmp_path, monkeypatch, spec):
    """No reference file needs a black pass: formatting after the render would cost more
    than the render itself (see render._format)."""
    import black

    def refuse(*args, **kwargs):
        raise AssertionError("a rendered file needed black")

    monkeypatch.setattr(black, "format_file_contents", refuse)
    modelplate.generate(spec, tmp_path / "out")


@pytest.mark.parametrize("spec", [CHURN, MINIMAL], ids=["churn", "minimal"])
def test_every_generated_module_is_named_in_the_import_layers(tmp_path, spec):
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    project = tmp_path / "project"
    modelplate.generate(spec, project)
    config = tomllib.loads((project / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    named = {
        name.strip().strip("()")
        for contract in contracts
        if contract["type"] == "layers"
        for layer in contract["layers"]
        for name in layer.split(":")
    }
    (package,) = (project / "src").iterdir()
    modules = set()
    for path in package.rglob("*.py"):
        parts = path.relative_to(project / "src").with_suffix("").parts
        if parts[-1] == "__init__":
            continue
        # A sub-package is named as a whole in the service's layers (custom/);
        # the runtime's modules one by one.
        depth = 3 if parts[1] == "runtime" else 2
        modules.add(".".join(parts[:depth]))
    assert modules <= named, sorted(modules - named)


def test_an_mlflow_registry_is_the_default_model_and_an_extra(tmp_path):
    """`registry: mlflow` names the model `models:/<name>`; no folder to ignore."""
    spec = tmp_path / "spec.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    spec.write_text(text.rstrip("\n") + "\n  registry: mlflow\n", encoding="utf-8")
    project = tmp_path / "project"
    modelplate.generate(spec, project)
    settings = (project / "src" / "house_price" / "settings.py").read_text()
    assert 'artifact: str = "models:/house-price"' in settings
    assert "models:/" not in (project / ".gitignore").read_text()
    assert 'mlflow = ["mlflow-skinny' in (project / "pyproject.toml").read_text()
    assert "MLFLOW_TRACKING_URI" in (project / "README.md").read_text()
