"""Reading data files: CSV text is typed by the contract, nothing is guessed."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelplate.runtime.contract import REASONS, validate_frame
from modelplate.runtime.definition import Contract, Field
from modelplate.runtime.errors import DataError, ServiceError
from modelplate.runtime.io import LINE, read_batch, read_frame, write_frame

CONTRACT = Contract(
    title="io",
    fields=(
        Field(name="count", type="integer"),
        Field(name="flag", type="boolean", nullable=True),
        Field(name="code", type="string", nullable=True),
    ),
)


def test_csv_cells_are_typed_by_the_declared_type(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("count,flag,code,other\n12,true,007,x\ntwelve,no,,y\n3.0,,NA,z\n")
    frame = read_frame(path, CONTRACT)
    assert frame["count"].tolist() == [12, "twelve", 3.0]
    assert frame["flag"].tolist()[:2] == [True, "no"]
    assert pd.isna(frame.loc[2, "flag"])
    # Text stays text: a leading zero survives, and only an empty cell is null.
    assert frame.loc[0, "code"] == "007"
    assert pd.isna(frame.loc[1, "code"])
    assert frame.loc[2, "code"] == "NA"
    assert frame["other"].tolist() == ["x", "y", "z"]


def test_parquet_round_trip_keeps_types(tmp_path):
    frame = pd.DataFrame({"count": [1.0, 2.0], "code": ["a", "b"]})
    write_frame(frame, tmp_path / "out.parquet")
    pd.testing.assert_frame_equal(
        read_frame(tmp_path / "out.parquet", CONTRACT), frame, check_dtype=False
    )


@pytest.mark.parametrize("name", ["in.xlsx", "missing.csv"])
def test_unreadable_files_raise_a_data_error(tmp_path, name):
    (tmp_path / "in.xlsx").write_text("")
    with pytest.raises(DataError, match=name):
        read_frame(tmp_path / name, CONTRACT)


def test_producers_names_become_field_names(tmp_path):
    contract = Contract(
        title="wire", fields=(Field(name="count", type="integer", wire_name="Count #"),)
    )
    path = tmp_path / "in.csv"
    path.write_text("Count #\n7\n")
    assert read_frame(path, contract)["count"].tolist() == [7]


NUMBERS = Contract(
    title="numbers",
    fields=(
        Field(name="count", type="integer", nullable=True),
        Field(name="share", type="float", nullable=True),
    ),
)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("12", 12),
        ("-3", -3),
        ("+0", 0),
        ("12.50", 12.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
        ("-2.5E-2", -0.025),
        ("1234567890123456", 1234567890123456.0),  # beyond 15 digits: a float
    ],
)
def test_a_number_is_ascii_decimal_text(tmp_path, cell, value):
    path = tmp_path / "in.csv"
    path.write_text(f"count,share\n{cell},{cell}\n", encoding="utf-8")
    frame = read_frame(path, NUMBERS)
    assert frame.loc[0, "share"] == value
    assert type(frame.loc[0, "share"]) is type(value)


@pytest.mark.parametrize(
    "cell",
    [
        "١٢",
        "１２",
        "1_000",
        " 12",
        "12 ",
        "inf",
        "-Infinity",
        "nan",
        "1e309",
        "0x1A",
        "1,5",
        "--1",
        "1e",
        "e3",
        ".",
    ],
)
def test_anything_else_stays_text_and_the_contract_rejects_it_by_row(tmp_path, cell):
    path = tmp_path / "in.csv"
    path.write_text(f'count,share\n"{cell}","{cell}"\n7,0.5\n', encoding="utf-8")
    batch = read_batch(path, NUMBERS)
    assert batch.frame.loc[0].tolist() == [cell, cell]
    valid, rejects = validate_frame(batch.frame, NUMBERS)
    assert valid.index.tolist() == [1] and rejects.index.tolist() == [0]
    assert f"count: type (got {cell!r}, expected an integer)" in rejects[REASONS][0]


def test_rejected_rows_come_back_as_read_with_their_line(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Count #,share\n1,0.10\n\n1e309,0.50\n2,1,2\n3,007.0\n")
    contract = replace(
        NUMBERS,
        fields=(replace(NUMBERS.fields[0], wire_name="Count #"), NUMBERS.fields[1]),
    )
    batch = read_batch(path, contract)
    valid, rejects = validate_frame(batch.frame, contract)
    assert valid.index.tolist() == [0, 3]
    rejected = batch.rejected(rejects)
    assert list(rejected.columns) == ["Count #", "share", LINE, REASONS]
    assert rejected["Count #"].tolist() == ["1e309", "2"]  # not inf
    assert rejected["share"].tolist() == ["0.50", "1"]  # not 0.5
    assert rejected[LINE].tolist() == [4, 5]
    assert rejected[REASONS].tolist() == [
        "count: type (got '1e309', expected an integer)",
        "row: cells (got 3 cells, expected 2, in '2,1,2')",
    ]


def test_parquet_rows_are_numbered_from_one(tmp_path):
    path = tmp_path / "in.parquet"
    pd.DataFrame({"count": [1.5, 2.0], "share": [None, 0.5]}).to_parquet(path)
    batch = read_batch(path, NUMBERS)
    assert batch.lines.tolist() == [1, 2]
    _, rejects = validate_frame(batch.frame, NUMBERS)
    assert batch.rejected(rejects)[LINE].tolist() == [1]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_fifo_or_a_device_is_refused_before_reading(tmp_path, suffix):
    fifo, device = tmp_path / f"fifo{suffix}", tmp_path / f"zero{suffix}"
    os.mkfifo(fifo)
    device.symlink_to("/dev/zero")
    for path, kind in ((fifo, "a FIFO"), (device, "a character device")):
        with pytest.raises(DataError, match=f"{kind}, not a regular file"):
            read_frame(path, CONTRACT)


def test_written_files_replace_the_old_one_whole(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    write_frame(pd.DataFrame({"a": [1]}), path)
    assert path.read_text() == "a\n1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


# ------------------------------------------------------------ any bytes at all

FUZZED = Contract(
    title="fuzzed",
    fields=(
        Field(name="n", type="integer", minimum=0, maximum=100),
        Field(name="x", type="float", nullable=True),
        Field(name="flag", type="boolean", nullable=True),
        Field(name="kind", type="category", values=("a", "b")),
        Field(name="day", type="date", nullable=True),
        Field(name="at", type="datetime", nullable=True),
        Field(name="code", type="string", pattern="^[A-Z]", nullable=True),
    ),
    unknown_fields="reject",
)
HEADER = ",".join(field.name for field in FUZZED.fields)
CELLS = st.one_of(
    st.sampled_from(
        [
            "1",
            "50",
            "-1",
            "1e309",
            "nan",
            "١٢",
            "2.5",
            "",
            "true",
            "FALSE",
            "a",
            "b",
            "2024-02-30",
            "2024-01-05",
            "٢٠٢٤-٠١-٠٥",
            "2024-01-05T10:00Z",
            "Abc",
            "\x00",
            '"',
            '""',
            "x,y",
            "1_0",
            " 7",
        ]
    ),
    st.text(max_size=6),
)
LINES = st.lists(st.lists(CELLS, min_size=0, max_size=9), max_size=12)


def _fuzz(data: bytes) -> int | None:
    """read_batch + validate_frame on ``data``: every row accounted for, no NaN or
    infinity accepted, or a ServiceError; never anything else. The rows read."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(data)
        try:
            batch = read_batch(path, FUZZED)
            valid, rejects = validate_frame(batch.frame, FUZZED)
        except ServiceError:
            return None
    rows = len(batch.frame)
    assert len(valid) + len(rejects) == rows == len(batch.text) == len(batch.lines)
    assert sorted([*valid.index, *rejects.index]) == list(range(rows))
    for name in ("n", "x"):
        numbers = valid[name].to_numpy(dtype=float)
        assert not np.isinf(numbers).any()
        assert name == "x" or not np.isnan(numbers).any()
    rejected = batch.rejected(rejects)
    assert rejected[REASONS].str.len().gt(0).all()
    assert (np.diff(batch.lines) > 0).all()
    return rows


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_are_rows_or_one_data_error(data):
    _fuzz(HEADER.encode() + b"\n" + data)
    _fuzz(data)


@settings(max_examples=150, deadline=None)
@given(lines=LINES)
def test_any_csv_lines_are_each_accepted_or_rejected_as_read(lines):
    written = [",".join(cells) for cells in lines]
    body = "\n".join(written)
    rows = _fuzz(f"{HEADER}\n{body}\n".encode("utf-8", "surrogatepass"))
    if not any(c in body for c in '"\r'):  # then each non-blank line is one row
        assert rows == sum(1 for line in written if line)
