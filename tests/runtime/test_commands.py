"""The batch commands under hostile input: no data lost or overwritten, every row
accounted for, and one line (never a traceback) for what cannot be done."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from orders import FEATURES, MODEL, STORE, one_error_line, program, write_sample
from redis_server import free_port

from modelplate.runtime import cli
from modelplate.runtime.artifact import METADATA_FILE
from modelplate.runtime.store import FeatureStore
from modelplate.runtime.versions import locate

# Twice the items, precomputed per order.
DOUBLED = replace(
    FEATURES, expressions={"double": lambda inputs, raw, as_of: inputs["items"] * 2}
)
PRECOMPUTED = replace(STORE, features=("double",), columns=("double",))


@pytest.fixture
def trained(tmp_path, capsys):
    """A trained artifact and its sample, in ``tmp_path``."""
    sample = write_sample(tmp_path)
    assert cli.main(program(tmp_path), ["train"]) == 0
    capsys.readouterr()
    return sample


def champion(tmp_path) -> Path:
    """The folder of the version ``train`` made the champion."""
    return tmp_path / "model" / "versions" / locate(tmp_path / "model").split("/")[-1]


def test_train_prints_every_candidates_cross_validated_score(tmp_path, capsys):
    write_sample(tmp_path)
    candidates = replace(
        MODEL,
        algorithm=("logistic_regression", "random_forest"),
        estimator=None,
        params={"random_forest": {"n_estimators": 10}},
    )
    assert cli.main(program(tmp_path, model=candidates), ["train"]) == 0
    out = capsys.readouterr().out
    scored = re.findall(r"cross-validated roc_auc of (\w+): [\d.]+ \+- [\d.]+", out)
    assert scored == ["logistic_regression", "random_forest"]
    metadata = json.loads((champion(tmp_path) / METADATA_FILE).read_text())
    assert f"chosen: {metadata['algorithm']}\n" in out
    assert list(metadata["candidates"]) == scored


def _score(tmp_path, *argv: str | Path) -> int:
    return cli.main(program(tmp_path), ["score", *map(str, argv)])


def _hostile(tmp_path) -> Path:
    """Orders with one bad row of each kind, a non-ASCII digit among them."""
    path = tmp_path / "hostile.csv"
    path.write_bytes(
        b"order_id,items,late\n"
        b"O1,3,true\n"
        b"O2,\xd9\xa1\xd9\xa2,true\n"  # Arabic-Indic 12
        b"O3,1e309,false\n"
        b"O4,5,false,extra\n"
        b"O5,\xff,true\n"
        b"\n"
        b"O6,7,false\n"
    )
    return path


def test_every_row_ends_scored_or_rejected_as_it_was_read(tmp_path, trained, capsys):
    out = tmp_path / "scored.csv"
    assert _score(tmp_path, _hostile(tmp_path), out) == 0
    assert pd.read_csv(out)["order_id"].tolist() == ["O1", "O6"]
    rejects = pd.read_csv(tmp_path / "scored.rejects.csv", dtype=str)
    assert rejects["order_id"].tolist() == ["O2", "O3", "O4", "O5"]
    assert rejects["items"].tolist() == ["١٢", "1e309", "5", "\\xff"]
    assert rejects["late"].tolist() == ["true", "false", "false", "true"]
    assert rejects["_line"].tolist() == ["3", "4", "5", "6"]
    assert rejects["_reasons"].str.split(" \\(").str[0].tolist() == [
        "items: type",
        "items: type",
        "row: cells",
        "row: encoding",
    ]
    assert "rejected 4 rows" in capsys.readouterr().out


def _same_paths(tmp_path, data: Path):
    (tmp_path / "link.csv").symlink_to(data)
    named = tmp_path / "scored.rejects.csv"
    named.write_bytes(data.read_bytes())
    return [
        ([data, data], "INPUT .* and OUTPUT"),
        ([data, "link.csv"], "INPUT .* and OUTPUT link.csv"),
        ([data, "./out.csv", "--rejects", "out.csv"], "OUTPUT out.csv and rejects out"),
        # the default rejects path of OUTPUT scored.csv is this input
        ([named, "scored.csv"], "INPUT .*scored.rejects.csv and rejects"),
    ]


def test_an_output_that_is_an_input_or_the_other_output_is_refused_untouched(
    tmp_path, trained, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    before = trained.read_bytes()
    for argv, message in _same_paths(tmp_path, trained):
        named = tmp_path / "scored.rejects.csv"
        kept = named.read_bytes()
        assert _score(tmp_path, *argv) == 1
        line = one_error_line(capsys)
        assert "are the same file" in line
        assert re.search(message, line), line
        assert trained.read_bytes() == before and named.read_bytes() == kept
    assert not (tmp_path / "out.csv").exists()


def test_when_the_rejects_cannot_be_written_the_old_output_stays(
    tmp_path, trained, capsys
):
    out = tmp_path / "scored.csv"
    out.write_text("the old output\n")
    (tmp_path / "file").write_text("")
    rejects = tmp_path / "file" / "rejects.csv"  # its folder is a file
    assert _score(tmp_path, _hostile(tmp_path), out, "--rejects", rejects) == 1
    assert "cannot write" in one_error_line(capsys)
    assert out.read_text() == "the old output\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_unsupported_output_type_is_refused_before_any_work(tmp_path, capsys):
    # No artifact exists: the type is refused before the artifact is looked for.
    assert _score(tmp_path, "in.csv", tmp_path / "out.xlsx") == 1
    assert "unsupported file type '.xlsx'" in one_error_line(capsys)


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_an_input_that_is_no_regular_file_is_one_line(tmp_path, trained, kind, capsys):
    path = tmp_path / "in.csv"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    assert _score(tmp_path, path, tmp_path / "out.csv") == 1
    assert "not a regular file" in one_error_line(capsys)
    assert not (tmp_path / "out.csv").exists()


def test_precompute_writes_its_rejects_beside_the_store(tmp_path, trained, capsys):
    orders = program(tmp_path, precompute=PRECOMPUTED, features=DOUBLED)
    store = tmp_path / "features.db"
    argv = ["precompute", str(_hostile(tmp_path)), "--store", str(store)]
    assert cli.main(orders, argv) == 0
    rejects = pd.read_csv(tmp_path / "features.rejects.csv", dtype=str)
    assert rejects["order_id"].tolist() == ["O2", "O3", "O4", "O5"]
    assert "precomputed double for 2 entities" in capsys.readouterr().out
    # the store is no place for rejects, nor the input
    argv += ["--rejects", str(store)]
    assert cli.main(orders, argv) == 1
    assert "store" in one_error_line(capsys)


def test_precompute_into_redis_writes_its_rejects_beside_the_input(
    tmp_path, trained, redis_url, capsys
):
    orders = program(tmp_path, precompute=PRECOMPUTED, features=DOUBLED)
    argv = ["precompute", str(_hostile(tmp_path)), "--store", redis_url]
    assert cli.main(orders, argv) == 0
    assert f"for 2 entities -> {redis_url}" in capsys.readouterr().out
    rejects = pd.read_csv(tmp_path / "hostile.rejects.csv", dtype=str)
    assert rejects["order_id"].tolist() == ["O2", "O3", "O4", "O5"]
    store = FeatureStore(redis_url, PRECOMPUTED, orders.contract)
    assert len(store) == 2


def test_precompute_into_an_unreachable_redis_is_one_line(tmp_path, trained, capsys):
    orders = program(tmp_path, precompute=PRECOMPUTED, features=DOUBLED)
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    argv = ["precompute", str(_hostile(tmp_path)), "--store", url]
    assert cli.main(orders, argv) == 1
    error = one_error_line(capsys)
    assert "cannot use the feature store at redis://127.0.0.1:" in error
    assert "hunter2" not in error
    assert not (tmp_path / "hostile.rejects.csv").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "--data", "{hostile}"],
        ["monitor", "--current", "{hostile}", "--output", "{tmp}/reports"],
        ["sizing", "--data", "{hostile}"],
    ],
)
def test_the_other_commands_reject_hostile_rows_without_a_traceback(
    tmp_path, trained, argv, capsys
):
    hostile = _hostile(tmp_path)
    # enough good rows to train and monitor on, the hostile ones among them
    hostile.write_bytes(hostile.read_bytes() + trained.read_bytes().split(b"\n", 1)[1])
    argv = [a.format(hostile=hostile, tmp=tmp_path) for a in argv]
    assert cli.main(program(tmp_path), argv) in (0, 2)
    assert capsys.readouterr().err == ""


def test_sizing_a_header_only_file_is_one_line(tmp_path, trained, capsys):
    (tmp_path / "empty.csv").write_text("order_id,items\n")
    argv = ["sizing", "--data", str(tmp_path / "empty.csv")]
    assert cli.main(program(tmp_path), argv) == 1
    assert "no records to time" in one_error_line(capsys)


@pytest.mark.parametrize("metadata", [[1, 2], "text", None, {"columns": "items"}])
def test_artifact_metadata_of_the_wrong_shape_is_one_line(
    tmp_path, trained, metadata, capsys
):
    (champion(tmp_path) / METADATA_FILE).write_text(json.dumps(metadata))
    assert _score(tmp_path, trained, tmp_path / "out.csv") == 1
    assert f"{METADATA_FILE}: " in one_error_line(capsys)


def test_artifact_files_that_are_no_regular_files_are_one_line(
    tmp_path, trained, capsys
):
    metadata = champion(tmp_path) / METADATA_FILE
    metadata.unlink()
    os.mkfifo(metadata)
    assert _score(tmp_path, trained, tmp_path / "out.csv") == 1
    assert "not a regular file" in one_error_line(capsys)


def test_labels_with_times_that_are_not_iso_are_one_line(tmp_path, trained, capsys):
    scored = tmp_path / "scored.csv"
    assert _score(tmp_path, trained, scored) == 0
    labels = tmp_path / "labels.csv"
    labels.write_text("order_id,late,timestamp\nO1,true,2024-05-01\nO2,false,soon\n")
    argv = ["monitor", "--labels", str(labels), "--predictions", str(scored)]
    capsys.readouterr()
    assert cli.main(program(tmp_path), argv) == 1
    assert "'timestamp': not ISO dates or datetimes" in one_error_line(capsys)


def test_an_engine_and_a_dask_scheduler_together_are_one_line(tmp_path, capsys):
    data = tmp_path / "in.parquet"
    argv = [data, "out.parquet", "--engine", "spark", "--scheduler", "tcp://x:1"]
    assert _score(tmp_path, *argv) == 1
    assert "--engine spark cannot run on a Dask cluster" in one_error_line(capsys)
