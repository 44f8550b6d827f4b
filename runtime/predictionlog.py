# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The prediction log: what every prediction was made from, by which model, and what it
said, kept so that outcomes arriving weeks later can be joined with it.

A log is a folder of Parquet segments. Each segment is written whole to a hidden
temporary file beside its final name, flushed to disk and renamed, so a reader never
sees half a segment and a crash loses only what was still queued (at most about
``FLUSH_SECONDS`` of traffic). Old segments are deleted once the folder is over its
size budget: the log rotates rather than filling the disk.

The service never writes on the request path. ``append`` puts the request's objects,
as they already are, on a bounded queue (no copying, no serializing, no thread woken);
a writer thread wakes about once a second and turns them into rows and segments. When the queue is full the entry is dropped and
counted, never waited for: a slow disk must not slow the answers.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import ServiceError
from .logrows import COLUMNS, Entry

__all__ = ["FLUSH_SECONDS", "PredictionLog", "new_request_id", "read_log"]

FLUSH_SECONDS = 1.0
# One entry is one request (one record or a batch): enough for bursts of traffic
# while the writer is busy with a segment, small enough to bound the memory held.
MAX_PENDING = 20_000
# Records waiting at most, whatever the requests' sizes: a batch request holds up
# to max_batch_records of them, and a stalled disk must not grow memory past this.
MAX_PENDING_ROWS = 200_000
SEGMENT_SUFFIX = ".parquet"


def new_request_id() -> str:
    return uuid.uuid4().hex


class PredictionLog:
    """A log folder and the thread that writes it. ``to_table`` turns entries into
    rows (``entries_to_table`` bound to the service); ``max_bytes`` is the folder's
    budget, oldest segments deleted first; ``on_drop`` is told how many entries a
    full queue (or a failed write) lost."""

    def __init__(
        self,
        folder: str | os.PathLike,
        to_table: Callable[[list[Entry]], pa.Table],
        *,
        max_bytes: int,
        flush_seconds: float = FLUSH_SECONDS,
        max_pending: int = MAX_PENDING,
        max_pending_rows: int = MAX_PENDING_ROWS,
        on_drop: Callable[[int], None] = lambda count: None,
    ) -> None:
        self.folder = Path(folder)
        self.to_table = to_table
        self.max_bytes = max_bytes
        self.flush_seconds = flush_seconds
        self.on_drop = on_drop
        # A deque, not a queue.Queue: appending wakes no thread. A Queue's put
        # notifies the waiting writer, a thread switch on every request (about
        # 80 us of /predict's p50, measured by bench predictionlog).
        self._pending: deque[Entry] = deque()
        self.max_pending = max_pending
        self.max_pending_rows = max_pending_rows
        self._rows = 0  # records in _pending, changed under _counting
        self._counting = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sequence = 0
        self.error: str | None = None  # the last write that failed, for /metrics

    def open(self) -> PredictionLog:
        """``check``, and start the writer thread ``append`` feeds."""
        self.check()
        self._thread = threading.Thread(
            target=self._run, name="prediction-log", daemon=True
        )
        self._thread.start()
        return self

    def check(self) -> PredictionLog:
        """Make the folder and check it can be written (one line if not); then
        ``write`` may be called directly."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            probe = self.folder / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise ServiceError(
                f"prediction log {self.folder}: cannot write there "
                f"({error.strerror or error})"
            ) from None
        return self

    def append(self, entry: Entry) -> bool:
        """Queue ``entry`` without waiting; False (and counted) when the queue is full."""
        rows = len(entry.results)
        with self._counting:
            full = len(self._pending) >= self.max_pending or (
                self._rows + rows > self.max_pending_rows
            )
            if not full:
                self._rows += rows
                self._pending.append(entry)
        if full:
            self.on_drop(1)
            return False
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued and stop the writer."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout)
        self._thread = None

    def write(self, entries: list[Entry]) -> Path | None:
        """Write ``entries`` as one segment now (batch scoring calls this directly)."""
        table = self.to_table(entries)
        if table.num_rows == 0:
            return None
        self._sequence += 1
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        # Sorted by name is oldest first; the random part keeps two writers in one
        # process (or two processes with one pid, in two containers) apart.
        unique = f"{os.getpid()}-{self._sequence:06d}-{uuid.uuid4().hex[:8]}"
        name = f"predictions-{stamp}-{unique}"
        target = self.folder / f"{name}{SEGMENT_SUFFIX}"
        temporary = self.folder / f".{name}.tmp"
        try:
            with open(temporary, "wb") as file:
                pq.write_table(table, file, compression="zstd")
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        self.rotate()
        return target

    def adopt(self, folder: Path) -> int:
        """Move every segment of ``folder`` (a run's staging folder) into the log,
        then rotate; the number of segments moved."""
        moved = 0
        for segment in sorted(folder.glob(f"predictions-*{SEGMENT_SUFFIX}")):
            os.replace(segment, self.folder / segment.name)
            moved += 1
        self.rotate()
        return moved

    def rotate(self) -> None:
        """Delete the oldest segments past the folder's budget (never the newest)."""
        segments = sorted(self.folder.glob(f"predictions-*{SEGMENT_SUFFIX}"))
        sizes = [segment.stat().st_size for segment in segments]
        total = sum(sizes)
        # The newest segment is kept even alone over the budget: it is the evidence.
        for segment, size in zip(segments[:-1], sizes[:-1], strict=True):
            if total <= self.max_bytes:
                break
            segment.unlink(missing_ok=True)
            total -= size

    def _run(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            self._flush()
        self._flush()

    def _flush(self) -> None:
        with self._counting:
            pending = [self._pending.popleft() for _ in range(len(self._pending))]
            self._rows = 0
        if not pending:
            return
        try:
            self.write(pending)
        except Exception as error:  # a full disk must not stop the writer
            self.error = f"{type(error).__name__}: {error}"
            self.on_drop(len(pending))
        else:
            self.error = None


def read_log(
    folder: str | os.PathLike, columns: Iterable[str] | None = None
) -> pd.DataFrame:
    """Every row of the log at ``folder``, oldest first (one line if unreadable);
    only ``columns`` (and ``logged_at``) when given: the JSON of the inputs and
    features is most of a log's size, and judging answers does not read it."""
    path = Path(folder)
    if not path.is_dir():
        raise ServiceError(f"prediction log {path}: no such folder")
    segments = sorted(path.glob(f"predictions-*{SEGMENT_SUFFIX}"))
    schema = COLUMNS
    if columns is not None:
        wanted = {*columns, "logged_at"}
        schema = pa.schema([f for f in COLUMNS if f.name in wanted])
    if not segments:
        return schema.empty_table().to_pandas()
    try:
        tables = [
            pq.read_table(segment, columns=schema.names, schema=schema)
            for segment in segments
        ]
    except (OSError, pa.ArrowException) as error:
        raise ServiceError(f"prediction log {path}: unreadable ({error})") from None
    frame = pa.concat_tables(tables).to_pandas()
    return frame.sort_values("logged_at", kind="stable", ignore_index=True)
