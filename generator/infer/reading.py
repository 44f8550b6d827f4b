"""The sample `modelplate infer` learns from: the first rows of a CSV or Parquet file.

The first rows, not a random draw: a file sorted by date or id shows only its start, and
`Sample.total_rows` says when rows were left unread. CSV is read in chunks and Parquet in
record batches, so a sample of a huge file costs only the sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import InferError
from .progress import Progress

SAMPLE_ROWS = 100_000
CHUNK_ROWS = 20_000

_COMPRESSION = {
    ".gz": "gzip",
    ".bz2": "bz2",
    ".zip": "zip",
    ".xz": "xz",
    ".zst": "zstd",
}
_INSTALL_HINT = "install it with: pip install 'modelplate[infer]'"
_EMPTY = "the file is empty (expected a header and rows)"


@dataclass
class Sample:
    """The rows read, and what is known about the rows that were not."""

    frame: Any  # pandas.DataFrame
    path: Path
    total_rows: int | None  # None: the file goes on past the sample, length unknown

    @property
    def complete(self) -> bool:
        return self.total_rows == len(self.frame)


def require_pandas():
    """The pandas module, imported only here so that `modelplate check` never pays for it."""
    try:
        import pandas
    except ImportError:
        raise InferError(f"modelplate infer needs pandas; {_INSTALL_HINT}") from None
    return pandas


def read_sample(
    path: str | Path, rows: int = SAMPLE_ROWS, progress: IO[str] | None = None
) -> Sample:
    """The first `rows` rows of a CSV or Parquet file as a DataFrame."""
    path = Path(path)
    suffixes = [s.lower() for s in path.suffixes]
    if not path.exists():
        raise InferError(f"{path}: no such file")
    if path.is_dir():
        raise InferError(f"{path}: is a folder (expected a CSV or Parquet file)")
    if not path.is_file():  # a FIFO blocks a reader forever; /dev/zero never ends
        raise InferError(f"{path}: not a regular file (expected a CSV or Parquet file)")
    if suffixes[-1:] in ([".parquet"], [".pq"]):
        return _read_parquet(path, rows, progress)
    if suffixes[-1:] == [".csv"]:
        return _read_csv(path, rows, progress, None)
    if suffixes[-2:-1] == [".csv"] and suffixes[-1] in _COMPRESSION:
        return _read_csv(path, rows, progress, _COMPRESSION[suffixes[-1]])
    raise InferError(
        f"{path}: unknown extension {''.join(path.suffixes)!r} "
        "(expected .csv, .csv.gz and other compressed CSV, .parquet or .pq)"
    )


def _read_csv(
    path: Path, rows: int, progress: IO[str] | None, compression: str | None
) -> Sample:
    pd = require_pandas()
    size = path.stat().st_size
    if size == 0:
        raise InferError(f"{path}: {_EMPTY}")
    bar = Progress(f"reading {path.name}", progress)
    chunks = []
    read = 0
    more = False
    try:
        with path.open("rb") as handle:
            reader = pd.read_csv(
                handle, chunksize=min(CHUNK_ROWS, rows), compression=compression
            )
            for chunk in reader:
                if read >= rows:
                    more = True
                    break
                chunks.append(chunk.iloc[: rows - read])
                read += len(chunks[-1])
                more = len(chunk) > len(chunks[-1])
                # The handle's position is the share of a plain file read so far.
                bar.update(max(read / rows, handle.tell() / size), read)
    except pd.errors.EmptyDataError:
        raise InferError(f"{path}: {_EMPTY}") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise InferError(f"{path}: cannot read as CSV: {_first_line(exc)}") from None
    finally:
        bar.close(read)
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
    return Sample(frame, path, None if more else len(frame))


def _read_parquet(path: Path, rows: int, progress: IO[str] | None) -> Sample:
    require_pandas()
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InferError(f"reading Parquet needs pyarrow; {_INSTALL_HINT}") from None
    bar = Progress(f"reading {path.name}", progress)
    batches = []
    read = 0
    try:
        parquet = pq.ParquetFile(path)
        total = parquet.metadata.num_rows
        for batch in parquet.iter_batches(batch_size=min(CHUNK_ROWS, rows)):
            batches.append(batch.slice(0, rows - read))
            read += batches[-1].num_rows
            bar.update(read / max(1, min(rows, total)), read)
            if read >= rows:
                break
        table = (
            pa.Table.from_batches(batches)
            if batches
            else parquet.schema_arrow.empty_table()
        )
        frame = table.to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise InferError(
            f"{path}: cannot read as Parquet: {_first_line(exc)}"
        ) from None
    finally:
        bar.close(read)
    return Sample(frame, path, total)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
