"""Splitting a CSV file into rows: every record a row with its line, bad ones kept
with a reason, never a failure of the whole file for one row."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelplate.runtime.csvfile import header, read_csv, split_lines
from modelplate.runtime.errors import DataError


def _read(tmp_path, data: bytes):
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    return read_csv(path)


def test_each_row_keeps_its_first_line_and_its_cells_as_text(tmp_path):
    text, lines, problems = _read(
        tmp_path, b'\xef\xbb\xbfa,b\r\n1,"two\nlines"\n\n3,\r\n"",x\n'
    )
    assert list(text.columns) == ["a", "b"]  # the byte order mark is no name
    assert text["a"].tolist() == ["1", "3", None]  # an empty cell is null
    assert text["b"].tolist() == ["two\nlines", None, "x"]
    assert lines.tolist() == [2, 5, 6]  # the blank line 4 is no row
    assert problems == {}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (b"4", "row: cells (got 1 cells, expected 2, in '4')"),
        (b"5,6,7", "row: cells (got 3 cells, expected 2, in '5,6,7')"),
        (b"\xff,1", "row: encoding (not valid UTF-8, in '\\\\xff,1')"),
        (b"8,\x00", "row: encoding (holds a NUL byte, in '8,\\\\x00')"),
    ],
)
def test_a_record_that_is_no_row_is_kept_with_its_reason(tmp_path, record, reason):
    text, lines, problems = _read(tmp_path, b"a,b\n1,2\n" + record + b"\n9,9\n")
    assert lines.tolist() == [2, 3, 4]
    assert problems == {1: reason}
    assert text.loc[[0, 2]].values.tolist() == [["1", "2"], ["9", "9"]]
    # its cells, escaped, padded or cut to the header's width
    assert len(text.loc[1]) == 2 and "\x00" not in str(text.loc[1].tolist())


def test_a_huge_cell_is_read_and_beyond_the_careful_readers_limit_is_a_bad_row(
    tmp_path,
):
    huge = b"x" * 200_000
    text, lines, problems = _read(tmp_path, b"a,b\n" + huge + b",1\n2,3\n")
    assert text["a"].str.len().tolist() == [200_000, 1] and problems == {}
    # A record over two lines sends the file to Python's csv reader, whose cells
    # have a size limit: beyond it, that row is rejected, the others read.
    data = b"a,b\n" + huge + b',1\n"2\n",3\n'
    text, lines, problems = _read(tmp_path, data)
    assert lines.tolist() == [2, 3]
    assert problems[0].startswith("row: cells (field larger than field limit")
    assert text.loc[1].tolist() == ["2\n", "3"]


def test_a_plain_file_and_the_same_file_read_record_by_record_agree(tmp_path):
    plain = b'a,b,c\r\n1,"x, y",\r\n\r\n"",2,3\r\n'
    fast = _read(tmp_path, plain)
    careful = _read(tmp_path, plain + b'4,"5\n",6\n')  # a record over two lines
    assert fast[1].tolist() == [2, 4] == careful[1].tolist()[:2]

    def cells(frame):
        return frame.astype(object).where(frame.notna(), None).values.tolist()

    assert cells(fast[0]) == cells(careful[0].head(2))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no header line"),
        (b"\n\n", "no header line"),
        (b"a,\xff\n1,2\n", "line 1: the header is not UTF-8 CSV text"),
        (b"a,b,a\n1,2,3\n", "line 1: repeated column 'a'"),
    ],
)
def test_a_file_without_a_usable_header_is_one_data_error(tmp_path, data, message):
    with pytest.raises(DataError, match=message):
        _read(tmp_path, data)


def test_a_header_only_file_has_no_rows(tmp_path):
    text, lines, problems = _read(tmp_path, b"a,b\n")
    assert list(text.columns) == ["a", "b"] and text.empty and len(lines) == 0


# Lines of a CSV file (no line breaks in them): cells, quotes, bad bytes, NULs.
LINES = st.lists(
    st.lists(
        st.sampled_from([b"a", b"1", b",", b'"', b"\xff", b"\x00", b" ", b""])
    ).map(b"".join),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(lines=LINES, ending=st.sampled_from([b"\n", b"\r\n"]))
def test_lines_split_one_by_one_give_what_the_whole_file_gives(lines, ending):
    """What Spark's partitions do (runtime.spark): unless a record spans lines,
    the rows, their lines and their problems are those of ``read_csv``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(b"x,y" + ending + ending.join(lines) + ending)
        text, numbers, problems = read_csv(path)
    split = split_lines(lines, ["x", "y"])
    if split is None:
        return  # a quoted cell holds a line break: the file is read whole instead
    rows, kept, found = split
    assert _cells(rows) == _cells(text)
    assert (kept + 2).tolist() == numbers.tolist()  # line 1 is the header
    assert found == problems


def _cells(frame):
    """Rows of cells, a null as None (Arrow's strings give NaN)."""
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def test_a_quoted_cell_across_lines_cannot_be_split_line_by_line():
    assert split_lines([b'1,"two', b'lines"'], ["a", "b"]) is None
    assert split_lines([b'1,"open'], ["a", "b"]) is None  # it would swallow the next
    assert split_lines([b'1,"closed"', b""], ["a", "b"]) is not None


@pytest.mark.parametrize(
    ("data", "names"),
    [
        (b"\xef\xbb\xbfa,b\r\n1,2\n", ["a", "b"]),
        (b"\na,b\n1,2\n", None),  # after a blank line: read whole
        (b'"a\nb",c\n1,2\n', None),  # quoted
        (b"a,b", None),  # no line break: read whole
    ],
)
def test_a_header_on_the_first_line_is_read_alone(tmp_path, data, names):
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    assert header(path) == names


def test_a_header_read_alone_is_refused_as_the_whole_file_is(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"a,b,a\n1,2,3\n")
    with pytest.raises(DataError, match="repeated column 'a'"):
        header(path)
