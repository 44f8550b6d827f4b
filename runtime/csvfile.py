# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A CSV file split into rows of text cells, without failing on any one row.

Python's ``csv`` reader splits the records (quoted cells may span lines). A record
is no row when it has more or fewer cells than the header, holds bytes that are not
UTF-8 or a NUL byte, or breaks the reader (a cell beyond its size limit): such a
record is kept, its cells backslash-escaped (``\\xff``, ``\\x00``) and padded or cut
to the header's width, with a reason that quotes the record's whole text, so the
rejects file loses nothing. Blank lines are no records. Only a regular file is read.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from .errors import DataError
from .files import open_regular

__all__ = ["UNREADABLE", "header", "read_csv", "split_lines"]

# How the reason of a record that is no row begins (the reasons are below).
UNREADABLE = r"row: (?:cells|encoding) \("

_SURROGATES = re.compile("[\udc80-\udcff]")
_LINE_BREAKS = re.compile("\r\n|\r|\n")
# How much of a file ``header`` reads for the header line.
_HEADER_BYTES = 1 << 20


def _escaped(cell: str) -> str:
    """A cell's undecodable bytes and NULs as backslash escapes."""
    raw = cell.encode("utf-8", "surrogateescape")
    return raw.decode("utf-8", "backslashreplace").replace("\x00", "\\x00")


def _records(text: str) -> tuple[list[list[str]], list[int], list[int], dict]:
    """(records, first line of each, last line of each, position -> csv error)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)  # one C loop: the usual file
    except csv.Error:
        records = None
    if records is not None and reader.line_num == len(records):
        # No record spans lines: record i is line i + 1 (blank lines are none).
        lines = [n for n, cells in enumerate(records, 1) if cells]
        return [cells for cells in records if cells], lines, lines, {}
    records, firsts, lasts, errors = [], [], [], {}
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, first = iter(reader), 1
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return records, firsts, lasts, errors
        except csv.Error as error:  # e.g. a cell beyond the field size limit
            cells, errors[len(records)] = [], f"row: cells ({error}"
        if cells or len(records) in errors:
            records.append(cells)
            firsts.append(first)
            lasts.append(reader.line_num)
        first = reader.line_num + 1


def _problem(cells: list[str], width: int, dirty: bool) -> str | None:
    """What makes a record no row: "row: <rule> (<what>", closed by the caller."""
    joined = "".join(cells) if dirty else ""
    if _SURROGATES.search(joined):
        return "row: encoding (not valid UTF-8"
    if "\x00" in joined:
        return "row: encoding (holds a NUL byte"
    if len(cells) != width:
        return f"row: cells (got {len(cells)} cells, expected {width}"
    return None


def _header(path: Path, text: str, dirty: bool) -> tuple[list[str], int]:
    """(the column names, the line after the header); DataError if unusable."""
    reader = csv.reader(io.StringIO(text, newline=""))
    first = 1
    try:
        for names in reader:
            if names:
                break
            first = reader.line_num + 1
        else:
            raise DataError(f"{path}: no header line (the file is empty)")
    except csv.Error as error:
        raise DataError(f"{path}: line {first}: unreadable header ({error})") from error
    if _problem(names, len(names), dirty):
        raise DataError(f"{path}: line {first}: the header is not UTF-8 CSV text")
    if len(set(names)) != len(names):
        repeated = sorted({name for name in names if names.count(name) > 1})
        raise DataError(f"{path}: line {first}: repeated column {repeated[0]!r}")
    return names, reader.line_num + 1


def _one_line_each(
    data: bytes, names: list[str]
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The usual file, split by Arrow in C: the header on line 1, then one record
    per non-blank line, each as wide as the header. None for any other file (the
    careful reader then finds out which records are no rows)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(codes == 10)
    if np.count_nonzero(codes == 13) != np.count_nonzero(codes[breaks - 1] == 13):
        return None  # a carriage return that ends no line
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(codes)]))
    ends -= (ends > starts) & (codes[np.maximum(ends - 1, 0)] == 13)
    lines = np.flatnonzero(ends > starts) + 1
    if len(lines) == 0 or lines[0] != 1:
        return None
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowException:
        return None
    # As many records as non-blank lines: no record spans two lines.
    if table.num_rows != len(lines) - 1:
        return None
    # Kept as Arrow strings (compact: the text is held until the rejects are
    # written); the typed columns are converted from them.
    return table.to_pandas(), lines[1:]


def read_csv(path: Path) -> tuple[pd.DataFrame, np.ndarray, dict[int, str]]:
    """(every cell as text or null, each row's first line, position -> problem)."""
    with open_regular(path) as file:
        data = file.read().removeprefix(b"\xef\xbb\xbf")
    text = data.decode("utf-8", "surrogateescape")
    dirty = "\x00" in text or _SURROGATES.search(text) is not None
    names, after = _header(path, text, dirty)
    quick = None if dirty or after != 2 else _one_line_each(data, names)
    if quick is not None:
        return (*quick, {})
    records, firsts, lasts, errors = _records(text)
    width, physical = len(names), None
    problems: dict[int, str] = {}
    for position, cells in enumerate(records[1:], 1):
        if len(cells) == width and not dirty:
            continue
        problem = errors.get(position) or _problem(cells, width, dirty)
        if problem:
            if physical is None:
                physical = _LINE_BREAKS.split(text)
            raw = _escaped("\n".join(physical[firsts[position] - 1 : lasts[position]]))
            problems[position - 1] = f"{problem}, in {raw!r})"
            cells = [_escaped(cell) for cell in cells[:width]]
            records[position] = cells + [""] * (width - len(cells))
    columns = zip(*records[1:], strict=True) if len(records) > 1 else [()] * width
    frame = pd.DataFrame(
        {name: _nulls(values) for name, values in zip(names, columns, strict=True)},
        index=pd.RangeIndex(len(records) - 1),
    )
    return frame, np.asarray(firsts[1:], dtype=np.int64), problems


def header(path: Path) -> list[str] | None:
    """The column names when they are the whole first line, as ``read_csv`` reads
    them (a DataError as it gives); None for a header it finds elsewhere (after a
    blank line, or quoted across lines): then only ``read_csv`` reads the file."""
    with open_regular(path) as file:
        first = file.readline(_HEADER_BYTES).removeprefix(b"\xef\xbb\xbf")
    line = first.removesuffix(b"\n").removesuffix(b"\r")
    if not line.strip() or b'"' in line or b"\r" in line or line == first:
        return None  # no line break read: empty, or a header longer than we read
    text = line.decode("utf-8", "surrogateescape")
    dirty = "\x00" in text or _SURROGATES.search(text) is not None
    return _header(path, text, dirty)[0]


def split_lines(
    lines: list[bytes], names: list[str]
) -> tuple[pd.DataFrame, np.ndarray, dict[int, str]] | None:
    """Consecutive lines of a file after its header (without their line breaks),
    split as ``read_csv`` splits them: (every cell as text or null, the position
    in ``lines`` of each row, row position -> problem). None when a record spans
    lines (a quoted cell holding a line break): then only the file as a whole can
    be split."""
    texts = [line.decode("utf-8", "surrogateescape") for line in lines]
    # One record per line, the sentinel too: a quote left open swallows a line.
    try:
        records = list(csv.reader([*texts, "end"]))
    except csv.Error:  # e.g. a cell beyond the field size limit
        return None
    if len(records) != len(texts) + 1:
        return None
    width = len(names)
    kept = [position for position, cells in enumerate(records[:-1]) if cells]
    problems: dict[int, str] = {}
    rows = []
    for row, position in enumerate(kept):
        cells, text = records[position], texts[position]
        dirty = "\x00" in text or _SURROGATES.search(text) is not None
        problem = _problem(cells, width, dirty)
        if problem:
            problems[row] = f"{problem}, in {_escaped(text)!r})"
            cells = [_escaped(cell) for cell in cells[:width]]
            cells = cells + [""] * (width - len(cells))
        rows.append(cells)
    columns = zip(*rows, strict=True) if rows else [()] * width
    frame = pd.DataFrame(
        {name: _nulls(values) for name, values in zip(names, columns, strict=True)},
        index=pd.RangeIndex(len(rows)),
    )
    return frame, np.asarray(kept, dtype=np.int64), problems


def _nulls(values: tuple[str, ...]) -> pd.Series:
    """Cells as an object column, an empty cell as None."""
    array = np.asarray(values, dtype=object)
    array[array == ""] = None
    return pd.Series(array, dtype=object, copy=False)
