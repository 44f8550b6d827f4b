"""Reading data files: CSV text is typed by the contract, nothing is guessed."""

from __future__ import annotations

import pandas as pd
import pytest

from modelplate.runtime.definition import Contract, Field
from modelplate.runtime.errors import DataError
from modelplate.runtime.io import read_frame, write_frame

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
