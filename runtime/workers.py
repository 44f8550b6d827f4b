# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""What the cluster engines (``distributed``: Dask, ``spark``: Spark) share: the
artifact loaded and verified once per worker process, and what a run counts.

Its own module so that neither engine imports the other's library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .pipeline import Trained

__all__ = ["Counts", "Loader", "worker_artifact"]

Loader = Callable[[str], Trained]


@dataclass(frozen=True)
class Counts:
    scored: int
    rejected: int


@lru_cache(maxsize=4)
def worker_artifact(load: Loader, location: str) -> Trained:
    """The artifact, loaded and verified once per worker process."""
    return load(location)
