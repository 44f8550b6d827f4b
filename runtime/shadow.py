# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A challenger model scored on live traffic beside the champion, never in its way.

The request path only puts a job on a bounded queue and returns: the champion's
answer is sent whatever the challenger does. One worker thread takes the jobs in
order. A job that takes longer than the timeout is counted as timed out and its
answer logged as such (compared with nothing); one that raises is counted as an
error; when the worker falls behind and the queue is full, new jobs are dropped and
counted. A thread cannot be stopped mid-predict, so the timeout bounds what is
compared, not the CPU spent: the queue's bound is what keeps a stuck challenger
from growing memory.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["OUTCOMES", "Shadow"]

# How a challenger's job ended, as counted in the service's metrics.
OUTCOMES = ("scored", "timeout", "error", "dropped")
MAX_PENDING = 1000
POLL_SECONDS = 0.05

# A job scores one request with the challenger; it is given its own latency in
# milliseconds and whether it timed out only after it returns, through ``done``.
Job = Callable[[], object]
Done = Callable[[object, float, str], None]


class Shadow:
    """Runs challenger jobs on one thread. ``count(outcome)`` is told how each ended
    (one of ``OUTCOMES``); ``done(result, latency_ms, status)`` receives what a job
    returned, with status ``ok`` or ``timeout``."""

    def __init__(
        self,
        timeout_seconds: float,
        count: Callable[[str], None],
        *,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self.count = count
        self.errors: list[str] = []  # the last few, for an operator
        # A deque the worker drains every POLL_SECONDS: submitting wakes no thread
        # (a queue.Queue's put would switch threads on every request).
        self._pending: deque[tuple[Job, Done]] = deque()
        self.max_pending = max_pending
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="shadow", daemon=True)
        self._thread.start()

    def submit(self, job: Job, done: Done) -> bool:
        """Queue ``job`` without waiting; False (counted as dropped) when full."""
        if len(self._pending) >= self.max_pending:
            self.count("dropped")
            return False
        self._pending.append((job, done))
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Finish the queued jobs (within ``timeout``) and stop."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self._drain()
        self._drain()

    def _drain(self) -> None:
        while self._pending:
            job, done = self._pending.popleft()
            started = time.perf_counter()
            try:
                result = job()
            except Exception as error:  # whatever the challenger raises
                self.count("error")
                self.errors = [*self.errors[-4:], f"{type(error).__name__}: {error}"]
                continue
            elapsed = time.perf_counter() - started
            status = "timeout" if elapsed > self.timeout_seconds else "ok"
            self.count("scored" if status == "ok" else "timeout")
            try:
                done(result, elapsed * 1000, status)
            except Exception as error:  # a failed log write must not stop the worker
                self.errors = [*self.errors[-4:], f"{type(error).__name__}: {error}"]
