"""The shadow worker: every job ends counted, none is waited for."""

from __future__ import annotations

import threading
import time

from modelplate.runtime.shadow import Shadow


def _counter():
    counts: dict[str, int] = {}

    def count(outcome: str) -> None:
        counts[outcome] = counts.get(outcome, 0) + 1

    return counts, count


def test_jobs_are_scored_in_order_and_handed_on():
    counts, count = _counter()
    shadow = Shadow(1.0, count)
    seen = []
    for n in range(5):
        shadow.submit(
            lambda n=n: n * n, lambda result, ms, status: seen.append((result, status))
        )
    shadow.close()
    assert seen == [(n * n, "ok") for n in range(5)]
    assert counts == {"scored": 5}


def test_a_slow_job_is_timed_out_and_a_failing_one_counted():
    counts, count = _counter()
    shadow = Shadow(0.01, count)
    seen = []

    def boom():
        raise ValueError("no such column")

    shadow.submit(
        lambda: time.sleep(0.05) or "late", lambda r, ms, s: seen.append((r, s, ms))
    )
    shadow.submit(boom, lambda r, ms, s: seen.append(r))
    shadow.close()
    assert [(r, s) for r, s, _ in seen] == [("late", "timeout")]
    assert seen[0][2] >= 50
    assert counts == {"timeout": 1, "error": 1}
    assert shadow.errors == ["ValueError: no such column"]


def test_submitting_never_waits_for_a_stuck_challenger():
    counts, count = _counter()
    release = threading.Event()
    shadow = Shadow(1.0, count, max_pending=2)
    started = time.perf_counter()
    accepted = [shadow.submit(release.wait, lambda *a: None) for _ in range(6)]
    assert time.perf_counter() - started < 0.5
    # One job runs (stuck), two wait in the queue, the rest are dropped.
    assert accepted.count(False) >= 3 and counts["dropped"] == accepted.count(False)
    release.set()
    shadow.close()
