"""The folder registry: versions written whole, aliases that move only by promote,
references that name what to load, and the plain artifact folder as before."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import fsspec
import pytest
from orders import MODEL, one_error_line, program, write_sample

from modelplate.runtime import cli
from modelplate.runtime.artifact import METADATA_FILE, MODEL_FILE, version_id
from modelplate.runtime.errors import ArtifactError, NoAliasError
from modelplate.runtime.registry import ALIASES_FILE, VERSIONS, FolderRegistry
from modelplate.runtime.versions import locate


def _train(tmp_path, capsys, *argv: str) -> str:
    """Train once more; the new version's id, as printed."""
    assert cli.main(program(tmp_path), ["train", *argv]) == 0
    first = capsys.readouterr().out.splitlines()[-2:]
    return next(line.split()[1] for line in first if line.startswith("version "))


@pytest.fixture
def registry(tmp_path, capsys):
    """Two versions trained on different data: (registry root, first, second)."""
    write_sample(tmp_path)
    first = _train(tmp_path, capsys)
    frame = (tmp_path / "sample.csv").read_text().splitlines()
    (tmp_path / "more.csv").write_text("\n".join(frame[:150]) + "\n")
    second = _train(tmp_path, capsys, "--data", str(tmp_path / "more.csv"))
    return tmp_path / "model", first, second


def _aliases(root: Path) -> dict:
    return json.loads((root / ALIASES_FILE).read_text())


def test_the_first_train_is_the_champion_and_later_ones_wait(registry, capsys):
    root, first, second = registry
    assert first != second
    assert sorted(p.name for p in (root / VERSIONS).iterdir()) == sorted(
        [first, second]
    )
    for version in (first, second):
        names = sorted(p.name for p in (root / VERSIONS / version).iterdir())
        assert names == [METADATA_FILE, MODEL_FILE]
        metadata = json.loads((root / VERSIONS / version / METADATA_FILE).read_text())
        assert version_id(metadata) == version
    assert _aliases(root)["aliases"] == {"champion": first}
    assert locate(root) == locate(f"{root}@champion") == str(root / VERSIONS / first)


def test_models_lists_every_version_with_its_metrics_and_aliases(
    tmp_path, registry, capsys
):
    root, first, second = registry
    assert cli.main(program(tmp_path), ["models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["VERSION", "TRAINED", "AT", "METRICS", "ALIASES"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {first, second}
    assert rows[first].endswith("champion") and "roc_auc" in rows[second]
    assert not rows[second].endswith("champion")


def test_promote_moves_an_alias_and_records_who_and_when(tmp_path, registry, capsys):
    root, first, second = registry
    argv = ["promote", second, "--alias", "champion"]
    assert cli.main(program(tmp_path), argv) == 0
    assert f"champion: {first} -> {second}" in capsys.readouterr().out
    document = _aliases(root)
    assert document["aliases"] == {"champion": second}
    moved = document["history"][-1]
    assert (moved["alias"], moved["version"], moved["previous"]) == (
        "champion",
        second,
        first,
    )
    assert moved["by"] and moved["at"]
    assert program(tmp_path).load_artifact(root).version == second


def test_promote_takes_an_alias_for_the_version_it_names(tmp_path, registry, capsys):
    root, first, second = registry
    assert (
        cli.main(program(tmp_path), ["promote", second, "--alias", "challenger"]) == 0
    )
    assert (
        cli.main(program(tmp_path), ["promote", "challenger", "--alias", "champion"])
        == 0
    )
    assert _aliases(root)["aliases"] == {"champion": second, "challenger": second}


def _refused(tmp_path, capsys, version: str, bound=None) -> str:
    orders = bound or program(tmp_path)
    assert cli.main(orders, ["promote", version, "--alias", "champion"]) == 1
    return one_error_line(capsys)


def test_a_version_below_the_bar_is_not_promoted(tmp_path, registry, capsys):
    root, first, second = registry
    raised = program(tmp_path, model=replace(MODEL, min_metric=0.9999))
    line = _refused(tmp_path, capsys, second, raised)
    assert f"{second} not promoted, champion unchanged" in line
    assert "below min_metric 0.9999" in line
    assert _aliases(root)["aliases"] == {"champion": first}


def test_a_tampered_version_is_not_promoted(tmp_path, registry, capsys):
    root, first, second = registry
    model = root / VERSIONS / second / MODEL_FILE
    model.write_bytes(model.read_bytes() + b"\0")
    assert "checksum differs" in _refused(tmp_path, capsys, second)
    assert _aliases(root)["aliases"] == {"champion": first}


def test_a_version_whose_metadata_was_edited_is_not_promoted(
    tmp_path, registry, capsys
):
    """The checksum covers the model file; the id covers what it was judged by."""
    root, first, second = registry
    path = root / VERSIONS / second / METADATA_FILE
    metadata = json.loads(path.read_text())
    metadata["metrics"] = {"roc_auc": 1.0}
    path.write_text(json.dumps(metadata))
    assert "changed after training" in _refused(tmp_path, capsys, second)
    assert _aliases(root)["aliases"] == {"champion": first}


@pytest.mark.parametrize("version", ["0123456789ab", "latest", "../../etc"])
def test_an_unknown_version_is_one_line(tmp_path, registry, capsys, version):
    line = _refused(tmp_path, capsys, version)
    assert "not promoted" in line and version in line


def test_no_challenger_is_told_apart_from_a_broken_one(tmp_path, registry, capsys):
    root, first, second = registry
    with pytest.raises(NoAliasError, match="promote VERSION --alias challenger"):
        locate(f"{root}@challenger", "orders")
    assert (
        cli.main(program(tmp_path), ["promote", second, "--alias", "challenger"]) == 0
    )
    for file in (root / VERSIONS / second).iterdir():
        file.unlink()
    with pytest.raises(ArtifactError) as raised:
        program(tmp_path).load_artifact(f"{root}@challenger")
    assert not isinstance(raised.value, NoAliasError)
    assert f"no version {second}" in str(raised.value)


def test_serving_commands_load_the_alias_they_are_given(tmp_path, registry, capsys):
    root, first, second = registry
    cli.main(program(tmp_path), ["promote", second, "--alias", "challenger"])
    out = tmp_path / "scored.csv"
    for name, version in (("champion", first), ("challenger", second)):
        argv = ["score", str(tmp_path / "sample.csv"), str(out)]
        assert cli.main(program(tmp_path), [*argv, "--artifact", f"{root}@{name}"]) == 0
        loaded = program(tmp_path).load_artifact(f"{root}@{name}")
        assert loaded.version == version
        assert loaded.location == str(root / VERSIONS / version)


def test_a_plain_artifact_folder_still_loads_by_its_path(tmp_path, registry):
    root, first, _ = registry
    plain = tmp_path / "plain"
    plain.mkdir()
    for file in (root / VERSIONS / first).iterdir():
        (plain / file.name).write_bytes(file.read_bytes())
    assert locate(plain) == str(plain)
    artifact = program(tmp_path).load_artifact(plain)
    assert artifact.version == first and artifact.location == str(plain)


def test_an_empty_root_says_to_train(tmp_path):
    with pytest.raises(ArtifactError, match="run `orders train` first"):
        program(tmp_path).load_artifact(tmp_path / "nowhere")


def test_an_unfinished_version_is_not_listed(tmp_path, registry):
    root, first, second = registry
    (root / VERSIONS / ".staging-0").mkdir()
    (root / VERSIONS / "0123456789ab").mkdir()  # interrupted: no metadata yet
    listed = [version.id for version in FolderRegistry(str(root)).versions()]
    assert sorted(listed) == sorted([first, second])


def test_an_alias_file_that_is_not_ours_is_one_line(tmp_path, registry, capsys):
    root, _, _ = registry
    (root / ALIASES_FILE).write_text('["champion"]')
    argv = ["score", str(tmp_path / "sample.csv"), str(tmp_path / "out.csv")]
    assert cli.main(program(tmp_path), argv) == 1
    assert f"{ALIASES_FILE}: expected an object" in one_error_line(capsys)


def test_an_fsspec_registry_keeps_versions_and_aliases(tmp_path, capsys):
    write_sample(tmp_path)
    root = f"memory://registry-{tmp_path.name}"
    first = _train(tmp_path, capsys, "--artifact", root)
    second = _train(tmp_path, capsys, "--artifact", root)
    fs = fsspec.filesystem("memory")
    aliases = json.loads(fs.cat_file(f"{root}/{ALIASES_FILE}"))["aliases"]
    assert aliases == {"champion": first}
    argv = ["promote", second, "--alias", "champion", "--artifact", root]
    assert cli.main(program(tmp_path), argv) == 0
    assert program(tmp_path).load_artifact(root).version == second
    assert program(tmp_path).load_artifact(f"{root}@{first}").version == first
