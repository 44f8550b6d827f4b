"""The one-line progress report `modelplate infer` shows while it reads a large file."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import IO

PROGRESS_AFTER_SECONDS = 1.0


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
