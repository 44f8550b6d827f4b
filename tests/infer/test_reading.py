"""`modelplate.infer.reading`: samples of CSV and Parquet files, and files that fail."""

from __future__ import annotations

import os
import sys

import numpy as np
import pandas as pd
import pytest

from modelplate import InferError
from modelplate.infer import infer_spec


def test_large_files_are_sampled(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=500), "y": rng.normal(size=500)})
    data = tmp_path / "big.csv"
    frame.to_csv(data, index=False)
    text = infer_spec(data, "y", sample_rows=120)
    assert "the first 120 rows of big.csv (the file has more)" in text
    frame.to_parquet(tmp_path / "big.parquet")
    text = infer_spec(tmp_path / "big.parquet", "y", sample_rows=120)
    assert "the first 120 of 500 rows of big.parquet" in text


def test_error_missing_file(tmp_path, infer_fails):
    infer_fails([str(tmp_path / "nope.csv"), "--target", "y"], "nope.csv: no such file")


def test_error_unknown_extension(tmp_path, infer_fails):
    data = tmp_path / "data.xlsx"
    data.write_bytes(b"x")
    infer_fails([str(data), "--target", "y"], "data.xlsx: unknown extension '.xlsx'")


def test_error_empty_file(tmp_path, infer_fails):
    data = tmp_path / "empty.csv"
    data.write_text("", encoding="utf-8")
    infer_fails([str(data), "--target", "y"], "empty.csv: the file is empty")
    data.write_text("x,y\n", encoding="utf-8")
    infer_fails([str(data), "--target", "y"], "empty.csv: the file has no rows")


def test_error_special_files(tmp_path, infer_fails):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # reading would block until a writer comes, i.e. forever
    infer_fails([str(fifo), "--target", "y"], "pipe.csv: not a regular file")
    endless = tmp_path / "zero.csv"
    endless.symlink_to("/dev/zero")
    infer_fails([str(endless), "--target", "y"], "zero.csv: not a regular file")


def test_error_unreadable_files(tmp_path, infer_fails):
    data = tmp_path / "broken.csv"
    data.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    infer_fails(
        [str(data), "--target", "b"], "broken.csv: cannot read as CSV", "line 3"
    )
    data = tmp_path / "latin.csv"
    data.write_bytes("a,b\n1,caf\xe9\n".encode("latin-1"))
    infer_fails([str(data), "--target", "b"], "latin.csv: cannot read as CSV")
    data = tmp_path / "fake.parquet"
    data.write_text("not parquet", encoding="utf-8")
    infer_fails([str(data), "--target", "b"], "fake.parquet: cannot read as Parquet")


def test_error_pandas_missing(tmp_path, monkeypatch):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,2\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(InferError, match=r"pip install 'modelplate\[infer\]'"):
        infer_spec(data, "y")
