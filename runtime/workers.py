# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""What the cluster engines (``distributed``: Dask, ``spark``: Spark) share: the
artifact loaded and verified once per worker process, what a run counts, and its
prediction log.

A run's log rows appear in the log together or not at all: each partition writes
its segment into the run's hidden staging folder beside the log, and the driver
moves them into the log once the run has succeeded (``BatchLog.commit``), or
removes them (``discard``). A partition computed twice, or a run retried, leaves no
duplicate. The workers must be able to write the log's folder, as they must the
outputs'.

Its own module so that neither engine imports the other's library.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .logrows import Entry
from .pipeline import Scorer, Trained
from .predictionlog import PredictionLog
from .record import results_of
from .recording import utc_now, version_of

__all__ = ["BatchLog", "Counts", "Loader", "worker_artifact"]

Loader = Callable[[str], Trained]


@dataclass(frozen=True)
class Counts:
    scored: int
    rejected: int


@lru_cache(maxsize=4)
def worker_artifact(load: Loader, location: str) -> Trained:
    """The artifact, loaded and verified once per worker process."""
    return load(location)


@dataclass(frozen=True)
class BatchLog:
    """One cluster run's rows for a prediction log (sent to the workers, so plain
    data: the log's folder, row builder and budget, not the log)."""

    folder: str
    to_table: Callable = field(repr=False)
    max_bytes: int
    run: str
    version: str
    contract_hash: str
    task: str

    @classmethod
    def start(cls, log: PredictionLog, scorer: Scorer, artifact: Trained) -> BatchLog:
        """A run of ``scorer`` on ``artifact`` into ``log`` (checked writable)."""
        log.check()
        return cls(
            str(log.folder),
            log.to_table,
            log.max_bytes,
            f"score-{uuid.uuid4().hex}",
            version_of(artifact),
            scorer.contract.hash,
            scorer.task,
        )

    @property
    def staging(self) -> Path:
        return Path(self.folder) / f".{self.run}"

    def write(
        self,
        valid: pd.DataFrame,
        features: pd.DataFrame,
        scored: pd.DataFrame,
        as_of: pd.Timestamp,
    ) -> None:
        """A partition's scored rows, as one staged segment (its own request id)."""
        if scored.empty:
            return
        self.staging.mkdir(exist_ok=True)
        entry = Entry(
            f"{self.run}-{uuid.uuid4().hex[:8]}",
            utc_now(),
            as_of,
            "batch",
            self.version,
            self.contract_hash,
            valid,
            features,
            results_of(scored, self.task),
        )
        staged = PredictionLog(self.staging, self.to_table, max_bytes=2**62)
        staged.write([entry])

    def commit(self) -> int:
        """Move the run's segments into the log; how many there were."""
        if not self.staging.exists():
            return 0
        log = PredictionLog(self.folder, self.to_table, max_bytes=self.max_bytes)
        moved = log.adopt(self.staging)
        self.discard()
        return moved

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
