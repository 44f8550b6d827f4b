"""The vendored runtime: copied byte for byte, recorded in a manifest, edits found."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from paths import CHURN, MINIMAL
from runtimes import fork_runtime

import modelplate
import modelplate.runtime
from modelplate.vendor import (
    MANIFEST,
    installed_runtime,
    read_manifest,
    runtime_edits,
    runtime_sources,
    shipped_version,
    vendor_runtime,
)

RUNTIME = Path(str(installed_runtime()))


def python_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*.py")
        if "__pycache__" not in p.parts
    }


def sha256sum_listing_hash(folder: Path, names: list[str]) -> str:
    """What `sha256sum <files sorted by path> | sha256sum` prints, computed here."""
    listing = "".join(
        f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}\n"
        for name in sorted(names)
    )
    return hashlib.sha256(listing.encode()).hexdigest()


@pytest.fixture
def vendored(tmp_path) -> Path:
    vendor_runtime(tmp_path, "pkg")
    return tmp_path


def test_the_runtime_is_copied_byte_for_byte_with_its_manifest(vendored):
    folder = vendored / "src" / "pkg" / "runtime"
    assert python_files(folder) == python_files(RUNTIME)
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["runtime_version"] == modelplate.runtime.__version__
    assert manifest["files"] == {
        name: hashlib.sha256(data).hexdigest()
        for name, data in python_files(RUNTIME).items()
    }
    assert manifest["sha256"] == sha256sum_listing_hash(folder, list(manifest["files"]))


def test_the_manifest_bytes_are_deterministic(vendored, tmp_path_factory):
    again = tmp_path_factory.mktemp("again")
    vendor_runtime(again, "pkg")
    path = Path("src/pkg/runtime") / MANIFEST
    assert (again / path).read_bytes() == (vendored / path).read_bytes()
    text = (vendored / path).read_text()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


def test_only_python_files_are_vendored_and_subpackages_are_kept(tmp_path):
    fork = fork_runtime(
        tmp_path / "fork",
        add={"engines/__init__.py": "", "engines/dask.py": "X = 1\n", "notes.txt": "x"},
    )
    (fork / "__pycache__").mkdir()
    (fork / "__pycache__" / "stale.py").write_text("")
    project = tmp_path / "project"
    written = vendor_runtime(project, "pkg", fork)
    assert "src/pkg/runtime/engines/dask.py" in written
    assert "src/pkg/runtime/notes.txt" not in written
    assert not (project / "src/pkg/runtime/__pycache__").exists()
    assert set(read_manifest(project, "pkg").files) == set(runtime_sources(fork))


def test_a_runtime_without_a_version_is_refused(tmp_path):
    fork = fork_runtime(tmp_path / "fork")
    (fork / "__init__.py").write_text('"""No version."""\n')
    with pytest.raises(modelplate.GenerationError, match="__version__"):
        vendor_runtime(tmp_path / "project", "pkg", fork)


def test_a_template_rendering_into_the_runtime_folder_is_refused(tmp_path):
    (tmp_path / "src/pkg/runtime").mkdir(parents=True)
    (tmp_path / "src/pkg/runtime/extra.py").write_text("")
    with pytest.raises(modelplate.GenerationError, match="vendored runtime only"):
        vendor_runtime(tmp_path, "pkg")


def test_an_untouched_copy_has_no_edits(vendored):
    (vendored / "src/pkg/runtime/__pycache__").mkdir()
    (vendored / "src/pkg/runtime/__pycache__/x.cpython-311.pyc").write_bytes(b"\0")
    assert runtime_edits(vendored, "pkg") == []


def test_edited_deleted_and_added_files_are_named(tmp_path):
    fork = fork_runtime(tmp_path / "fork", add={"retired.py": "OLD = 1\n"})
    project = tmp_path / "project"
    vendor_runtime(project, "pkg", fork)
    folder = project / "src/pkg/runtime"
    (folder / "__init__.py").write_text((folder / "__init__.py").read_text() + "#\n")
    (folder / "retired.py").unlink()
    (folder / "mine.py").write_text("")
    version = shipped_version()
    assert [str(edit) for edit in runtime_edits(project, "pkg")] == [
        f"src/pkg/runtime/__init__.py: edited since modelplate vendored it (runtime {version})",
        f"src/pkg/runtime/mine.py: added since modelplate vendored it (runtime {version})",
        f"src/pkg/runtime/retired.py: deleted since modelplate vendored it (runtime {version})",
    ]


def test_a_missing_or_tampered_manifest_is_an_edit(vendored):
    manifest = vendored / "src/pkg/runtime" / MANIFEST
    data = json.loads(manifest.read_text())
    data["files"]["__init__.py"] = "0" * 64
    manifest.write_text(json.dumps(data))
    with pytest.raises(modelplate.GenerationError, match="sha256 does not match"):
        read_manifest(vendored, "pkg")
    assert [(e.path, e.kind) for e in runtime_edits(vendored, "pkg")] == [
        ("src/pkg/runtime/manifest.json", "edited")
    ]
    manifest.unlink()
    assert [(e.path, e.kind) for e in runtime_edits(vendored, "pkg")] == [
        ("src/pkg/runtime/manifest.json", "deleted")
    ]


def test_a_new_repository_carries_the_runtime_and_commits_it(tmp_path):
    project = tmp_path / "house-price"
    result = modelplate.generate(MINIMAL, project)
    folder = project / "src" / "house_price" / "runtime"
    assert python_files(folder) == python_files(RUNTIME)
    assert f"src/house_price/runtime/{MANIFEST}" in result.files
    assert runtime_edits(project, "house_price") == []
    tracked = subprocess.run(
        ["git", "-C", str(project), "ls-files", "src/house_price/runtime"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(tracked) == sorted(
        f"src/house_price/runtime/{name}" for name in [*python_files(RUNTIME), MANIFEST]
    )


@pytest.mark.slow
def test_the_runtime_ships_in_the_services_wheel(tmp_path):
    """`pip install <repository>` carries `<package>.runtime`: it imports from there."""
    project = tmp_path / "churn-predictor"
    modelplate.generate(CHURN, project, git=False)
    dist, site = tmp_path / "dist", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(dist), str(project)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next(dist.glob("churn_predictor-*.whl"))
    shipped = {
        name.removeprefix("churn_predictor/runtime/")
        for name in zipfile.ZipFile(wheel).namelist()
        if name.startswith("churn_predictor/runtime/")
    }
    assert set(python_files(RUNTIME)) <= shipped
    subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True
    )
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import churn_predictor.runtime.definition as d; print(d.__file__)",
        ],
        env={**os.environ, "PYTHONPATH": str(site)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr[-3000:]
    assert imported.stdout.startswith(str(site / "churn_predictor" / "runtime"))
