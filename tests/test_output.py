"""The output folder of `modelplate new`: what --force may replace, and what a render
killed mid-way leaves behind for the next one to clean."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from generated import project_files
from paths import CHURN, MINIMAL

import modelplate
from modelplate.cli import main
from modelplate.output import _host


def test_force_never_deletes_a_folder_modelplate_did_not_render(tmp_path, capsys):
    # Another git repository, holding the very spec being rendered.
    out = tmp_path / "their-repo"
    out.mkdir()
    subprocess.run(["git", "init", "-q", str(out)], check=True)
    spec = out / "churn.yaml"
    shutil.copy(CHURN, spec)
    assert main(["new", str(spec), "--output", str(out), "--force"]) == 1
    error = capsys.readouterr().err
    assert f"{out} holds files modelplate did not render" in error
    assert len(error.strip().splitlines()) == 1
    assert spec.read_bytes() == CHURN.read_bytes()
    assert (out / ".git").is_dir()


def test_force_never_replaces_the_render_of_another_spec(tmp_path, capsys):
    out = tmp_path / "house-price"
    modelplate.generate(MINIMAL, out, git=False)
    before = project_files(out)
    assert main(["new", str(CHURN), "--output", str(out), "--force"]) == 1
    assert "a render of the spec 'house-price'" in capsys.readouterr().err
    assert project_files(out) == before


def test_force_never_deletes_the_spec_it_renders_from(tmp_path, capsys):
    out = tmp_path / "churn-predictor"
    modelplate.generate(CHURN, out, git=False)
    inside = out / "specs" / "churn.yaml"
    inside.parent.mkdir()
    shutil.copy(CHURN, inside)
    assert main(["new", str(inside), "--output", str(out), "--force"]) == 1
    assert "which --force would delete" in capsys.readouterr().err
    assert inside.is_file()
    # The project's own spec.yaml is rendered again byte for byte: that is allowed.
    assert main(["new", str(out / "spec.yaml"), "--output", str(out), "--force"]) == 0
    assert (out / "spec.yaml").read_bytes() == CHURN.read_bytes()


def _dead_pid() -> int:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(finished.stdout)


def test_a_killed_render_leaves_nothing_the_next_one_does_not_clean(tmp_path):
    parent = tmp_path / "out"
    parent.mkdir()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "modelplate",
            "new",
            str(CHURN),
            "--output",
            str(parent / "churn"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".modelplate-") for p in parent.iterdir()):
        assert process.poll() is None, "the render ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.kill()
    process.wait()
    assert [p.name for p in parent.iterdir() if p.name.startswith(".modelplate-")]
    modelplate.generate(MINIMAL, parent / "house-price", git=False)
    assert sorted(p.name for p in parent.iterdir()) == ["house-price"]


def test_a_project_caught_between_the_two_renames_is_put_back(tmp_path):
    # What a render killed between moving the old project out and the new one in
    # leaves: the old project inside a scratch folder that records where it was.
    out = tmp_path / "churn-predictor"
    modelplate.generate(CHURN, out, git=False)
    before = project_files(out)
    stranded = tmp_path / f".modelplate-{_host()}-{_dead_pid()}-old-x1"
    stranded.mkdir()
    (stranded / "target").write_text(str(out))
    out.rename(stranded / "previous")
    modelplate.generate(MINIMAL, tmp_path / "other", git=False)
    assert project_files(out) == before
    assert not stranded.exists()


def test_a_stranded_project_is_put_back_only_beside_its_scratch_folder(tmp_path):
    # In a shared folder another user could leave a "stranded project" that names a
    # path of ours elsewhere: it is removed, never moved there.
    shared, elsewhere = tmp_path / "shared", tmp_path / "home" / ".ssh"
    shared.mkdir()
    elsewhere.parent.mkdir()
    planted = shared / f".modelplate-{_host()}-{_dead_pid()}-old-x1"
    (planted / "previous").mkdir(parents=True)
    (planted / "previous" / "authorized_keys").write_text("attacker")
    (planted / "target").write_text(str(elsewhere))
    modelplate.generate(MINIMAL, shared / "house-price", git=False)
    assert not elsewhere.exists()
    assert sorted(p.name for p in shared.iterdir()) == ["house-price"]


def test_force_does_not_block_on_a_fifo_posing_as_the_answers_file(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / ".copier-answers.yml")
    assert main(["new", str(MINIMAL), "--output", str(out), "--force"]) == 1
    assert "holds files modelplate did not render" in capsys.readouterr().err
