"""Files a batch command reads and writes: regular files only, distinct paths,
outputs moved into place together or not at all."""

from __future__ import annotations

import os
import stat

import pytest

from modelplate.runtime.errors import DataError
from modelplate.runtime.files import Outputs, distinct, open_regular


def test_a_regular_file_is_opened(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"a\n1\n")
    with open_regular(path) as file:
        assert file.read() == b"a\n1\n"


@pytest.mark.parametrize("kind", ["FIFO", "directory", "character device"])
def test_anything_but_a_regular_file_is_refused_without_reading(tmp_path, kind):
    path = tmp_path / "in.csv"
    if kind == "FIFO":
        os.mkfifo(path)  # opening it for reading would wait for a writer
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")  # reading it would never end
    with pytest.raises(DataError, match=f"in.csv: a {kind}, not a regular file"):
        open_regular(path)


def test_a_missing_file_is_one_clear_error(tmp_path):
    with pytest.raises(DataError, match="cannot read .*nowhere.csv: No such file"):
        open_regular(tmp_path / "nowhere.csv")


def _same_file_pairs(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    (tmp_path / "link.csv").symlink_to(data)
    os.link(data, tmp_path / "hard.csv")
    return [
        (data, data),
        (data, tmp_path / "sub" / ".." / "data.csv"),
        (tmp_path / "link.csv", data),
        (tmp_path / "hard.csv", data),
    ]


def test_the_same_file_under_two_names_is_refused_naming_both(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    for read, written in _same_file_pairs(tmp_path):
        with pytest.raises(DataError, match="are the same file") as caught:
            distinct({"INPUT": read}, {"OUTPUT": written})
        assert f"INPUT {read} and OUTPUT {written}" in str(caught.value)
    # ./x and x, before either exists
    with pytest.raises(DataError, match="OUTPUT out.csv and rejects out.csv"):
        distinct({}, {"OUTPUT": "out.csv", "rejects": "./out.csv"})


def test_distinct_paths_pass_and_an_output_that_is_a_directory_is_refused(tmp_path):
    distinct({"INPUT": tmp_path / "a.csv"}, {"OUTPUT": tmp_path / "b.csv", "x": None})
    (tmp_path / "b.csv").mkdir()
    with pytest.raises(DataError, match="OUTPUT .*b.csv is a directory"):
        distinct({"INPUT": tmp_path / "a.csv"}, {"OUTPUT": tmp_path / "b.csv"})


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_outputs_are_moved_into_place_together(tmp_path):
    old = tmp_path / "out.csv"
    old.write_text("old\n")
    old.chmod(0o640)
    with Outputs().commit() as outputs:
        outputs.write(old, lambda file: file.write(b"new\n"))
        outputs.write(tmp_path / "sub" / "rejects.csv", lambda f: f.write(b"r\n"))
        assert old.read_text() == "old\n"  # nothing moves before the block ends
    assert old.read_text() == "new\n"
    assert stat.S_IMODE(old.stat().st_mode) == 0o640  # the replaced file's mode
    assert (tmp_path / "sub" / "rejects.csv").read_text() == "r\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failure_leaves_every_target_as_it_was_and_no_temporary_file(
    tmp_path, failure
):
    old = tmp_path / "out.csv"
    old.write_text("old\n")

    def fail(file) -> None:
        file.write(b"half a fi")
        raise failure

    expected = DataError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected), Outputs().commit() as outputs:
        outputs.write(old, lambda file: file.write(b"new\n"))
        outputs.write(tmp_path / "rejects.csv", fail)
    assert old.read_text() == "old\n"
    assert not (tmp_path / "rejects.csv").exists()
    assert _leftovers(tmp_path) == []


def test_an_output_whose_folder_cannot_exist_is_a_data_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(DataError, match="cannot write"), Outputs().commit() as out:
        out.write(tmp_path / "out.csv", lambda file: file.write(b"new\n"))
        out.write(tmp_path / "file" / "rejects.csv", lambda file: None)
    assert not (tmp_path / "out.csv").exists()
    assert _leftovers(tmp_path) == []


def test_a_dataset_folder_replaces_its_target_only_when_the_block_ends(tmp_path):
    target = tmp_path / "scored.parquet"
    target.mkdir()
    (target / "part.0.parquet").write_text("old")
    with Outputs().commit() as outputs:
        folder = outputs.folder(target)
        assert folder.parent == tmp_path and folder != target
        (folder / "part.0.parquet").write_text("new")
        (folder / "part.1.parquet").write_text("new")
        assert (target / "part.0.parquet").read_text() == "old"
    assert sorted(p.name for p in target.iterdir()) == [
        "part.0.parquet",
        "part.1.parquet",
    ]
    assert (target / "part.0.parquet").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["scored.parquet"]


def test_a_failed_dataset_leaves_the_old_one_and_no_folder_behind(tmp_path):
    target = tmp_path / "scored.parquet"
    target.mkdir()
    (target / "part.0.parquet").write_text("old")
    with pytest.raises(RuntimeError):
        with Outputs().commit() as outputs:
            (outputs.folder(target) / "part.0.parquet").write_text("half")
            raise RuntimeError("the cluster went away")
    assert (target / "part.0.parquet").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["scored.parquet"]


def test_a_dataset_output_may_be_a_folder_a_file_output_may_not(tmp_path):
    dataset = tmp_path / "scored.parquet"
    dataset.mkdir()
    distinct({"INPUT": tmp_path / "in.parquet"}, {"OUTPUT": dataset}, datasets=True)
    with pytest.raises(DataError, match="is a directory"):
        distinct({"INPUT": tmp_path / "in.csv"}, {"OUTPUT": dataset})
    with pytest.raises(DataError, match="same file"):
        distinct({"INPUT": dataset}, {"OUTPUT": dataset}, datasets=True)
