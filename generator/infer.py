"""Infer a first spec from a sample of the data: `modelplate infer DATA --target COLUMN`.

The result is a starting point a person reviews, so every guess is written down next to
the line it produced (row counts, observed ranges, null rates, distinct values, why a
column is an id). The rules, in one place:

- Sample: the first `SAMPLE_ROWS` rows (CSV read in chunks, Parquet in record batches).
  The first rows, not a random draw: a file sorted by date or id shows only its start, and
  the header comment says when rows were left unread.
- Types: integer (also floats that are all whole, as pandas reads integers with nulls),
  float, boolean (bool values or the text true/false), date and datetime (date objects,
  timestamps, or text in ISO 8601 only, since 01/02/2020 is ambiguous), category (text
  with at most `CATEGORY_MAX_VALUES` distinct values, each seen twice on average), string.
- Ranges: the observed range widened by `RANGE_MARGIN` of its span on each side, rounded
  outwards to a readable step, never below 0 when no value was, whole for integers. A
  contract at exactly the observed extremes would reject the first new customer just past
  them. Dates get a `min` only: every new record may carry a later date.
- Ids: a non-null string or integer column whose name says id (`id`, `*_id`, `*_key`,
  `uuid`), or a unique string column, or a unique integer column that looks like a
  sequence (values cover at least half of their span). One id per spec (the language's
  rule); further id-like integer columns are left out of `model.features`.
- Names that are not safe identifiers become snake_case ones and keep the original as
  `wire_name`, so the producer goes on sending what it sends.
- The task follows from the target: two values -> binary_classification (a boolean
  target for true/false or 0/1), up to `CLASS_MAX_VALUES` text values (or integers seen
  `CLASS_MIN_ROWS` times each on average) -> multiclass_classification, other numbers
  -> regression.
- Nulls in CSV are what pandas reads as missing: empty cells and its default markers
  (NA, N/A, NULL, null, NaN, None, ...).

pandas (and pyarrow for Parquet) are imported inside the functions that read data, so
that `modelplate check` does not pay for them and works without them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import keyword
import math
import os
import re
import sys
import tempfile
import textwrap
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from .checks import check_spec
from .errors import InferError, SpecError
from .reader import SERVICE_NAME, TAKEN_PACKAGES, identifier_problem
from .spec import read_spec

SAMPLE_ROWS = 100_000
CHUNK_ROWS = 20_000
CATEGORY_MAX_VALUES = 20
CLASS_MAX_VALUES = 20
CLASS_MIN_ROWS = 5
RANGE_MARGIN = 0.10
PROGRESS_AFTER_SECONDS = 1.0
# Where the trailing comments of the written YAML start, as in examples/churn.yaml.
COMMENT_COLUMN = 34

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"
)
_ID_NAME = re.compile(r"(.*_)?(id|key|uuid|guid)")
_TRUE_FALSE = {"true", "false"}
_COMPRESSION = {
    ".gz": "gzip",
    ".bz2": "bz2",
    ".zip": "zip",
    ".xz": "xz",
    ".zst": "zstd",
}
_INSTALL_HINT = "install it with: pip install 'modelplate[infer]'"


# -- reading ---------------------------------------------------------------------------
@dataclass
class Sample:
    """The rows read, and what is known about the rows that were not."""

    frame: Any  # pandas.DataFrame
    path: Path
    total_rows: int | None  # None: the file goes on past the sample, length unknown

    @property
    def complete(self) -> bool:
        return self.total_rows == len(self.frame)


class Progress:
    """A one-line progress report on stderr for reads that take a while.

    Silent for the first second (most samples read faster than that). On a terminal it
    then redraws one line; elsewhere (a CI log) it writes one summary line at the end
    instead of a stream of carriage returns.
    """

    def __init__(
        self,
        label: str,
        stream: IO[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.start = clock()
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.drawn = False

    def update(self, fraction: float, rows: int) -> None:
        if not self.live or self.clock() - self.start < PROGRESS_AFTER_SECONDS:
            return
        filled = int(30 * min(fraction, 1.0))
        bar = "#" * filled + "-" * (30 - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {min(fraction, 1.0):4.0%} {rows:,} rows"
        )
        self.stream.flush()
        self.drawn = True

    def close(self, rows: int) -> None:
        elapsed = self.clock() - self.start
        if self.drawn:
            self.stream.write("\n")
        if elapsed >= PROGRESS_AFTER_SECONDS:
            self.stream.write(f"{self.label}: {rows:,} rows in {elapsed:.1f} s\n")
        self.stream.flush()


def _pandas():
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
    pd = _pandas()
    size = path.stat().st_size
    if size == 0:
        raise InferError(f"{path}: the file is empty (expected a header and rows)")
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
        raise InferError(
            f"{path}: the file is empty (expected a header and rows)"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise InferError(f"{path}: cannot read as CSV: {_first_line(exc)}") from None
    finally:
        bar.close(read)
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
    return Sample(frame, path, None if more else len(frame))


def _read_parquet(path: Path, rows: int, progress: IO[str] | None) -> Sample:
    _pandas()
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


# -- names -----------------------------------------------------------------------------
def safe_identifier(column: str) -> str:
    """A snake_case identifier for a column name (not yet unique among the others)."""
    text = unicodedata.normalize("NFKD", str(column))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "column"
    if text[0].isdigit():
        text = f"col_{text}"
    text = text[:60]
    # PEP 8's way out of a keyword ("class" -> "class_"), also for reserved names.
    while identifier_problem(text) is not None:
        text += "_"
    return text


def column_names(columns: list[str]) -> dict[str, str]:
    """Column -> field name: safe names stay, others map to unique snake_case ones."""
    names: dict[str, str] = {}
    taken = {c for c in columns if identifier_problem(c) is None}
    for column in columns:
        if identifier_problem(column) is None:
            names[column] = column
            continue
        base = safe_identifier(column)
        name, number = base, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        taken.add(name)
        names[column] = name
    return names


def service_name(text: str) -> str:
    """A safe service name (lower-case, '-' between words, not shadowing a package)."""
    words = re.findall(
        r"[a-z0-9]+", unicodedata.normalize("NFKD", text).lower().replace("_", "-")
    )
    name = "-".join(words[:11]) or "service"
    if not name[0].isalpha():
        name = f"model-{name}"
    name = name[:56].strip("-")
    if name.replace("-", "_") in TAKEN_PACKAGES or keyword.iskeyword(name):
        name = f"{name}-service"
    assert SERVICE_NAME.fullmatch(name), name
    return name


# -- columns ---------------------------------------------------------------------------
@dataclass
class Column:
    """What the sample says about one column, and the field written for it."""

    source: str
    name: str
    type: str
    rows: int
    nulls: int
    distinct: int
    values: list[str] = field(default_factory=list)  # category values by frequency
    low: Any = None  # observed minimum (number, or ISO text for dates)
    high: Any = None
    min: Any = None  # the contract's bounds
    max: Any = None
    role: str | None = None
    pattern: str | None = None
    impute: str | None = None
    model_input: bool = True
    id_shaped: bool = False  # text without spaces, at most 64 characters
    notes: list[str] = field(default_factory=list)

    @property
    def nullable(self) -> bool:
        return self.nulls > 0


def _is_bool_like(values) -> bool:
    kinds = {type(v) for v in values}
    if kinds <= {bool} or kinds <= {bool, type(None)}:
        return True
    return (
        all(isinstance(v, str) for v in values)
        and {v.strip().lower() for v in values} <= _TRUE_FALSE
    )


def _is_whole(series) -> bool:
    import numpy as np

    values = series.to_numpy(dtype="float64", na_value=np.nan)
    values = values[~np.isnan(values)]
    return bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))


def _temporal_kind(values: list) -> str | None:
    if all(isinstance(v, dt.datetime) for v in values):
        return "datetime"
    if all(isinstance(v, dt.date) for v in values):
        return "date"
    if all(isinstance(v, str) for v in values):
        if all(_ISO_DATE.fullmatch(v) for v in values):
            return "date"
        if all(_ISO_DATETIME.fullmatch(v) for v in values):
            return "datetime"
    return None


def column_type(series) -> str:
    """The spec type of one column (before ids and categories are told apart)."""
    pd = _pandas()
    types = pd.api.types
    present = series.dropna()
    if types.is_bool_dtype(series.dtype):
        return "boolean"
    if types.is_datetime64_any_dtype(series.dtype):
        return "datetime"
    if types.is_numeric_dtype(series.dtype):
        return (
            "integer"
            if types.is_integer_dtype(series.dtype)
            or (len(present) and _is_whole(present))
            else "float"
        )
    sample = present.tolist()
    if not sample:
        return "string"
    if _is_bool_like(sample):
        return "boolean"
    temporal = _temporal_kind(sample)
    if temporal is not None:
        try:
            pd.to_datetime(pd.Series(sample, dtype=object), format="ISO8601")
        except (ValueError, TypeError, OverflowError):
            return "string"
        return temporal
    return "text"  # category or string, decided with the counts


def describe_column(source: str, name: str, series) -> Column:
    import numpy as np

    pd = _pandas()
    kind = column_type(series)
    present = series.dropna()
    column = Column(
        source=source,
        name=name,
        type=kind,
        rows=len(series),
        nulls=int(series.isna().sum()),
        distinct=int(present.nunique()),
    )
    if not len(present):
        # Nothing to learn a type from: text, so that it never reaches the model.
        column.type = "string"
        column.notes.append("every value is null: review what this column holds")
    elif kind in ("integer", "float"):
        numbers = pd.to_numeric(present)
        finite = numbers[np.isfinite(numbers.to_numpy(dtype="float64"))]
        if len(finite) < len(numbers):
            column.notes.append(
                f"{len(numbers) - len(finite):,} infinite values left out of the range"
            )
        numbers = finite
        if len(numbers):
            column.low, column.high = numbers.min().item(), numbers.max().item()
            if kind == "integer":
                column.low, column.high = int(column.low), int(column.high)
            column.min, column.max = widen(column.low, column.high, kind == "integer")
    elif kind in ("date", "datetime"):
        stamps = pd.to_datetime(
            pd.Series(present.tolist(), dtype=object), format="ISO8601"
        )
        if len(stamps):
            low, high = stamps.min(), stamps.max()
            column.low, column.high = _iso(low, kind), _iso(high, kind)
            margin = (high - low) * RANGE_MARGIN
            # Rounded down to a whole day, hour or minute, whichever the margin spans.
            unit = next(
                (u for u in ("D", "h", "min") if margin >= pd.Timedelta(1, unit=u)),
                "s",
            )
            column.min = _iso((low - margin).floor(unit), kind)
    elif kind == "text":
        text = present.astype(str)
        # An id has no spaces and stays short; unique free text is not an id.
        column.id_shaped = not text.str.contains(r"\s").any() and bool(
            text.str.len().max() <= 64
        )
        counts = text.value_counts()
        if len(counts) <= CATEGORY_MAX_VALUES and 2 * len(counts) <= len(text):
            column.type = "category"
            # Most frequent first, ties by value so that the output is stable.
            ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            column.values = [value for value, _ in ordered]
        else:
            column.type = "string"
    return column


def _iso(stamp, kind: str) -> str:
    if kind == "date":
        return stamp.date().isoformat()
    return stamp.to_pydatetime().isoformat()


def widen(low: float, high: float, whole: bool) -> tuple[float, float]:
    """The observed range widened by RANGE_MARGIN of its span and rounded outwards."""
    span = high - low
    margin = RANGE_MARGIN * (span if span > 0 else max(abs(high), 1.0))
    step = 10.0 ** math.floor(math.log10(margin))
    if whole:
        step = max(step, 1.0)
    digits = max(0, -math.floor(math.log10(step)))
    new_low = round(math.floor((low - margin) / step) * step, digits)
    new_high = round(math.ceil((high + margin) / step) * step, digits)
    if low >= 0:
        new_low = max(new_low, 0)
    if whole or (new_low == int(new_low) and new_high == int(new_high)):
        return int(new_low), int(new_high)
    return new_low, new_high


def id_reason(column: Column) -> tuple[int, str] | None:
    """Why a column identifies records, strongest evidence first (0), or None."""
    if column.type not in ("integer", "string") or column.nullable or column.rows < 2:
        return None
    unique = column.distinct == column.rows
    if _ID_NAME.fullmatch(safe_identifier(column.source)):
        return 0, "its name says id" + (
            ", and every value is different" if unique else ""
        )
    if unique and column.type == "string" and column.id_shaped:
        return 1, f"every one of the {column.rows:,} values is different"
    if (
        unique
        and column.type == "integer"
        and column.high - column.low < 2 * column.rows
    ):
        return 2, (
            f"{column.rows:,} different whole numbers from {column.low} to "
            f"{column.high}, like a sequence"
        )
    return None


def id_pattern(values: list[str]) -> str | None:
    """A regular expression every id matches, when all share one obvious shape.

    Obvious: the same length, and at each position the same character, or a digit, or an
    upper-case letter, or a lower-case letter, or a lower-case hex digit (uuids).
    """
    if not values or len({len(v) for v in values}) != 1 or not values[0]:
        return None
    classes = []
    for chars in zip(*values, strict=True):
        seen = set(chars)
        if len(seen) == 1 and not chars[0].isalnum():
            classes.append(_escape(chars[0]))
        elif all(c.isdigit() and c.isascii() for c in seen):
            classes.append("[0-9]")
        elif len(seen) == 1 and chars[0].isascii():
            classes.append(_escape(chars[0]))
        elif all(c in "0123456789abcdef" for c in seen):
            classes.append("[0-9a-f]")
        elif all("A" <= c <= "Z" for c in seen):
            classes.append("[A-Z]")
        elif all("a" <= c <= "z" for c in seen):
            classes.append("[a-z]")
        else:
            return None
    if "[0-9a-f]" in classes:  # hex ids: a position that happened to show only digits
        classes = ["[0-9a-f]" if c == "[0-9]" else c for c in classes]
    parts: list[str] = []
    for cls, count in _runs(classes):
        parts.append(cls if count == 1 else f"{cls}{{{count}}}")
    pattern = "^" + "".join(parts) + "$"
    if all(re.fullmatch(pattern, v) for v in values):
        return pattern
    return None


def _escape(char: str) -> str:
    return "\\" + char if char in ".^$*+?{}[]\\|()" else char


def _runs(items: list[str]) -> list[tuple[str, int]]:
    runs: list[tuple[str, int]] = []
    for item in items:
        if runs and runs[-1][0] == item and item.startswith("["):
            runs[-1] = (item, runs[-1][1] + 1)
        else:
            runs.append((item, 1))
    return runs


# -- the target and the task -----------------------------------------------------------
@dataclass
class Target:
    source: str
    name: str
    task: str
    type: str
    metric: str
    values: list[str] | None
    note: str


_METRIC = {
    "binary_classification": "roc_auc",
    "multiclass_classification": "accuracy",
    "regression": "r2",
}


def infer_target(
    source: str, name: str, series, path: Path, partial: bool = False
) -> Target:
    pd = _pandas()
    present = series.dropna()
    distinct = present.unique().tolist()
    where = f"{path}: target column {source!r}"
    if not distinct:
        raise InferError(f"{where} has no values (every row is null)")
    if len(distinct) == 1:
        raise InferError(
            f"{where} has one value ({distinct[0]!r}) in all {len(present):,} rows "
            "(expected at least two classes or a range of numbers to learn)"
            + (
                f"; only the first {len(series):,} rows were read: if the file is "
                "sorted, read more with --sample-rows"
                if partial
                else ""
            )
        )
    kind = column_type(series)
    missing = (
        f"; {len(series) - len(present):,} rows have no target"
        if len(present) < len(series)
        else ""
    )
    counted = f"{len(distinct):,} distinct values in {len(present):,} rows{missing}"
    if kind in ("date", "datetime"):
        raise InferError(
            f"{where} holds {kind}s (expected classes or numbers to learn)"
        )
    numeric = kind in ("integer", "float")
    if kind == "boolean" or (
        numeric and set(pd.to_numeric(present).unique().tolist()) <= {0, 1}
    ):
        return Target(
            source,
            name,
            "binary_classification",
            "boolean",
            "roc_auc",
            None,
            f"two values ({_listing(present)}): a binary target",
        )
    labels = _by_frequency(present)
    if len(distinct) == 2:
        return Target(
            source,
            name,
            "binary_classification",
            "category",
            "roc_auc",
            labels,
            f"two values ({_listing(present)}): a binary target",
        )
    # Integers are classes only when each is seen CLASS_MIN_ROWS times on average; a
    # handful of rows of a measurement (a weight in pounds) has few values too.
    few = len(distinct) <= CLASS_MAX_VALUES
    if few and (
        kind == "text"
        or (kind == "integer" and len(distinct) * CLASS_MIN_ROWS <= len(present))
    ):
        return Target(
            source,
            name,
            "multiclass_classification",
            "category",
            "accuracy",
            labels,
            f"{counted}: classes",
        )
    if numeric:
        return Target(
            source,
            name,
            "regression",
            kind,
            "r2",
            None,
            f"{counted}, from {_number(present.min())} to {_number(present.max())}: "
            "a number to predict",
        )
    return Target(
        source,
        name,
        "multiclass_classification",
        "string",
        "accuracy",
        None,
        f"{counted}: text with many classes; consider grouping the rare ones",
    )


def _by_frequency(series) -> list[str]:
    counts = series.astype(str).value_counts()
    return [v for v, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _listing(series) -> str:
    return ", ".join(_by_frequency(series))


# -- the spec ----------------------------------------------------------------------------
def infer_spec(
    data_path: str | Path,
    target: str,
    name: str | None = None,
    *,
    sample_rows: int = SAMPLE_ROWS,
    progress: IO[str] | None = None,
) -> str:
    """The YAML text of a spec inferred from the data; it passes `modelplate check`.

    Raises InferError naming the file (and the column) when the data cannot be read or
    cannot make a spec.
    """
    if sample_rows < 1:
        raise InferError(f"sample_rows must be at least 1 (got {sample_rows})")
    sample = read_sample(data_path, sample_rows, progress)
    frame, path = sample.frame, sample.path
    if len(frame.columns) == 0 or len(frame) == 0:
        raise InferError(f"{path}: the file has no rows (expected a header and rows)")
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if target not in columns:
        raise InferError(
            f"{path}: no column {target!r} to use as the target "
            f"(columns: {', '.join(columns)})" + _did_you_mean(target, columns)
        )
    if len(columns) == 1:
        raise InferError(
            f"{path}: the target {target!r} is the only column (expected input columns too)"
        )
    names = column_names(columns)
    target_info = infer_target(
        target, names[target], frame[target], path, not sample.complete
    )
    fields = []
    for source in columns:
        if source != target:
            fields.append(describe_column(source, names[source], frame[source]))
    _mark_ids(fields, frame)
    for column in fields:
        if column.nullable and column.role is None:
            if column.type in ("integer", "float"):
                column.impute = "median"
            elif column.type in ("category", "boolean"):
                column.impute = "most_frequent"
    spec_name = service_name(name if name else path.name.split(".")[0])
    text = _SpecWriter().write(sample, spec_name, fields, target_info)
    _verify(text, path)
    return text


def _did_you_mean(word: str, choices: list[str]) -> str:
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return f"; did you mean {lowered[word.lower()]!r}?"
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


def _mark_ids(fields: list[Column], frame) -> None:
    # The strongest evidence wins the one id role (a name that says id, then unique
    # text, then a unique integer sequence); column order breaks ties.
    found = [(id_reason(c), index, c) for index, c in enumerate(fields)]
    chosen: Column | None = None
    candidates = sorted(
        (f for f in found if f[0] is not None), key=lambda f: (f[0][0], f[1])
    )
    for (_, reason), _, column in candidates:
        if chosen is None:
            chosen = column
            column.role = "id"
            column.notes.append(f"an id: {reason}")
            if column.type == "string":
                present = frame[column.source].dropna().astype(str).tolist()
                column.pattern = id_pattern(present)
            column.min = column.max = None
        elif column.type == "integer":
            column.model_input = False
            column.notes.append(
                f"looks like an id too ({reason}); only '{chosen.name}' can be the id, "
                "so this one is left out of model.features"
            )


def _verify(text: str, path: Path) -> None:
    """Load what was written with the spec reader and check it, as `check` would."""
    try:
        check_spec(read_spec(text, f"<spec inferred from {path.name}>"))
    except SpecError as exc:
        if any("has no input columns" in p.message for p in exc.problems):
            raise InferError(
                f"{path}: no column can be a model input (expected a number, a true/false "
                "or a category column besides the target and the id)"
            ) from None
        raise InferError(
            f"{path}: the inferred spec does not pass check (a modelplate bug; please "
            f"report it):\n{exc}"
        ) from None


def write_inferred_spec(
    data_path: str | Path,
    target: str,
    output: str | Path,
    name: str | None = None,
    *,
    force: bool = False,
    sample_rows: int = SAMPLE_ROWS,
    progress: IO[str] | None = None,
) -> Path:
    """Infer a spec and write it to `output` atomically; an existing file needs `force`."""
    output = Path(output)
    if output.exists() and not force:
        raise InferError(f"{output}: already exists (use --force to replace it)")
    text = infer_spec(
        data_path, target, name, sample_rows=sample_rows, progress=progress
    )
    directory = output.parent if str(output.parent) else Path(".")
    try:
        handle = tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            dir=directory,
            prefix=f".{output.name}.",
            suffix=".tmp",
            delete=False,
        )
    except OSError as exc:
        raise InferError(f"{output}: cannot write: {exc.strerror}") from None
    try:
        with handle:
            handle.write(text)
        os.replace(handle.name, output)
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise InferError(f"{output}: cannot write: {exc.strerror}") from None
    return output


# -- YAML with comments --------------------------------------------------------------------
def scalar(value: Any) -> str:
    """One YAML scalar that reads back as exactly `value` (quoted when YAML would not)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text:  # PyYAML reads 1e-05 as text; it needs a dot and a signed power
            mantissa, power = text.split("e")
            mantissa = mantissa if "." in mantissa else f"{mantissa}.0"
            text = f"{mantissa}e{'' if power[0] in '+-' else '+'}{power}"
        return text
    text = str(value)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-/]*(?: [A-Za-z0-9_.\-/]+)*", text):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return _double_quoted(text)


def _double_quoted(text: str) -> str:
    escaped = []
    for char in text:
        if char in ('"', "\\"):
            escaped.append("\\" + char)
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\t":
            escaped.append("\\t")
        elif ord(char) < 32 or ord(char) == 127 or 0xD800 <= ord(char) <= 0xDFFF:
            escaped.append(f"\\x{ord(char):02x}" if ord(char) < 256 else "\\ufffd")
        elif not char.isprintable():
            escaped.append(
                f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
            )
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


class _SpecWriter:
    """Writes the spec line by line, with comments where a guess needs a reason."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, indent: int, text: str, comment: str = "") -> None:
        body = " " * indent + text
        if comment:
            trailing = f"{body.ljust(COMMENT_COLUMN - 2)}  # {comment}"
            if len(trailing) > 88:  # too long to trail: it goes above the line
                self.comment(indent, comment)
            else:
                body = trailing
        self.lines.append(body.rstrip())

    def comment(self, indent: int, text: str) -> None:
        for part in textwrap.wrap(text, width=88 - indent - 2, break_long_words=False):
            self.lines.append(" " * indent + f"# {part}")

    def blank(self) -> None:
        self.lines.append("")

    def write(
        self, sample: Sample, name: str, fields: list[Column], target: Target
    ) -> str:
        self.header(sample)
        self.line(0, "spec_version: 1")
        self.blank()
        self.line(0, f"name: {scalar(name)}")
        self.line(
            0,
            "description: "
            + scalar(f"Predicts {target.source}, inferred from {sample.path.name}"),
        )
        self.blank()
        self.inputs(fields)
        self.features(fields)
        self.model(fields, target)
        return "\n".join(self.lines) + "\n"

    def header(self, sample: Sample) -> None:
        rows = len(sample.frame)
        if sample.complete:
            read = f"all {rows:,} rows of {sample.path.name}"
        elif sample.total_rows is None:
            read = f"the first {rows:,} rows of {sample.path.name} (the file has more)"
        else:
            read = f"the first {rows:,} of {sample.total_rows:,} rows of {sample.path.name}"
        self.comment(0, f"Inferred by `modelplate infer` from {read}.")
        self.comment(
            0,
            "Every type, range, category list and id below is what that sample shows, not",
        )
        self.comment(
            0,
            "what the producers promise: review each one before the spec is the contract.",
        )

    def inputs(self, fields: list[Column]) -> None:
        self.comment(
            0,
            "The contract with the producers. Ranges: the observed range widened by "
            f"{RANGE_MARGIN:.0%} of its span",
        )
        self.comment(
            0,
            "on each side and rounded, so the first value just past the sample's extremes",
        )
        self.comment(
            0,
            "is not rejected; never below 0 where no value was; dates get a min only.",
        )
        self.line(0, "inputs:")
        self.line(2, "unknown_fields: reject", "reject | ignore")
        self.line(2, "fields:")
        for column in fields:
            self.field(column)

    def field(self, column: Column) -> None:
        self.comment(4, _observed(column))
        self.line(4, f"{scalar(column.name)}:")
        if column.name != column.source:
            self.line(
                6,
                f"wire_name: {scalar(column.source)}",
                "the column's name in the data",
            )
        self.line(6, f"type: {column.type}")
        if column.role:
            self.line(6, f"role: {column.role}", column.notes[0])
        if column.pattern:
            self.line(
                6, f"pattern: {scalar(column.pattern)}", "every id has this shape"
            )
        if column.nullable:
            self.line(6, "nullable: true", f"{column.nulls / column.rows:.1%} null")
        if column.min is not None:
            seen = f"observed {_number(column.low)} to {_number(column.high)}"
            self.line(6, f"min: {scalar(column.min)}", seen)
        if column.max is not None:
            self.line(6, f"max: {scalar(column.max)}")
        if column.values:
            self.values(6, column.values)
        if column.impute:
            self.line(6, f"impute: {column.impute}", "learned at training time")
        for note in column.notes[1 if column.role else 0 :]:
            self.comment(6, note)

    def values(self, indent: int, values: list[str]) -> None:
        flow = "values: [" + ", ".join(scalar(v) for v in values) + "]"
        if indent + len(flow) <= 88:
            self.line(indent, flow, "most frequent first")
            return
        self.line(indent, "values:", "most frequent first")
        for value in values:
            self.line(indent + 2, f"- {scalar(value)}")

    def features(self, fields: list[Column]) -> None:
        encoded = [c for c in fields if c.type == "category"]
        if not encoded:
            return
        self.blank()
        self.comment(0, "A category field reaches the model only through an encoding.")
        self.line(0, "features:")
        for column in encoded:
            self.line(2, f"{scalar(column.name)}:")
            self.line(4, "encode: one_hot")

    def model(self, fields: list[Column], target: Target) -> None:
        self.blank()
        self.comment(
            0, f"The model. The task follows from the target column {target.source!r}:"
        )
        self.comment(0, f"{target.note}.")
        self.line(0, "model:")
        self.line(2, f"task: {target.task}")
        self.line(2, "target:")
        renamed = target.name != target.source
        self.line(
            4,
            f"name: {scalar(target.name)}",
            f"the data calls it {target.source!r}: rename it there" if renamed else "",
        )
        self.line(4, f"type: {target.type}")
        if target.values:
            self.values(4, target.values)
        self.line(2, f"metric: {target.metric}")
        if any(not c.model_input for c in fields):
            self.line(2, "features:", "every input but the extra id-like columns")
            for column in fields:
                usable = column.type in ("integer", "float", "boolean", "category")
                if column.model_input and column.role is None and usable:
                    self.line(4, f"- {scalar(column.name)}")


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _observed(column: Column) -> str:
    parts = [f"{column.source!r}:" if column.name != column.source else ""]
    parts.append(f"{column.rows - column.nulls:,} values")
    parts.append(f"{column.distinct:,} distinct")
    if column.nulls:
        parts.append(f"{column.nulls:,} null ({column.nulls / column.rows:.1%})")
    else:
        parts.append("no nulls")
    if column.low is not None and column.type in ("date", "datetime"):
        parts.append(f"from {column.low} to {column.high}")
    if column.type == "string" and column.role is None:
        parts.append("text too varied for a category")
    first, rest = parts[0], parts[1:]
    return (first + " " if first else "") + ", ".join(rest)


__all__ = [
    "CATEGORY_MAX_VALUES",
    "CLASS_MAX_VALUES",
    "RANGE_MARGIN",
    "SAMPLE_ROWS",
    "infer_spec",
    "read_sample",
    "write_inferred_spec",
]
