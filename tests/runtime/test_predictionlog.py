"""The prediction log: rows from requests, segments written whole, rotation, drops."""

from __future__ import annotations

import threading

import pytest
from log_entries import TO_TABLE, batch, one

from modelplate.runtime.errors import ServiceError
from modelplate.runtime.predictionlog import PredictionLog, read_log


def test_a_segment_is_written_whole_and_read_back_in_order(tmp_path):
    log = PredictionLog(tmp_path / "log", TO_TABLE, max_bytes=10**9)
    log.open()
    log.write([one("late")])
    log.write([batch("early")])
    assert not list((tmp_path / "log").glob(".*")), "no temporary file is left"
    frame = read_log(tmp_path / "log")
    assert len(frame) == 4
    assert set(frame["request_id"]) == {"late", "early"}
    log.close()


def test_the_writer_thread_flushes_what_was_queued_on_close(tmp_path):
    log = PredictionLog(tmp_path, TO_TABLE, max_bytes=10**9, flush_seconds=30).open()
    for n in range(50):
        assert log.append(batch(f"r{n}", rows=2))
    log.close()
    frame = read_log(tmp_path)
    assert len(frame) == 100 and frame["request_id"].nunique() == 50


def test_old_segments_are_deleted_over_the_budget_but_never_the_newest(tmp_path):
    log = PredictionLog(tmp_path, TO_TABLE, max_bytes=1).open()
    for n in range(3):
        log.write([batch(f"r{n}")])
    segments = sorted(tmp_path.glob("predictions-*.parquet"))
    assert len(segments) == 1
    assert set(read_log(tmp_path)["request_id"]) == {"r2"}
    log.close()


def test_a_full_queue_drops_and_counts_instead_of_waiting(tmp_path):
    dropped = []
    log = PredictionLog(
        tmp_path, TO_TABLE, max_bytes=10**9, max_pending=2, on_drop=dropped.append
    )
    # Not opened: no writer takes from the queue.
    results = [log.append(one(f"r{n}")) for n in range(5)]
    assert results == [True, True, False, False, False]
    assert dropped == [1, 1, 1]


def test_a_failed_write_is_counted_and_the_writer_goes_on(tmp_path):
    dropped = []
    calls = []

    def flaky(entries):
        calls.append(len(entries))
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return TO_TABLE(entries)

    log = PredictionLog(
        tmp_path, flaky, max_bytes=10**9, flush_seconds=0.05, on_drop=dropped.append
    ).open()
    log.append(one("lost"))
    done = threading.Event()
    for _ in range(100):
        if calls:
            done.set()
            break
        threading.Event().wait(0.05)
    assert done.is_set()
    assert "No space left" in (log.error or "")
    log.append(one("kept"))
    log.close()
    assert dropped == [1]
    assert read_log(tmp_path)["request_id"].tolist() == ["kept"]


def test_a_folder_that_cannot_be_written_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ServiceError, match=r"prediction log .*file/log: cannot write"):
        PredictionLog(blocker / "log", TO_TABLE, max_bytes=1).open()


def test_reading_a_missing_or_broken_log_is_one_line(tmp_path):
    with pytest.raises(ServiceError, match="no such folder"):
        read_log(tmp_path / "missing")
    assert read_log(tmp_path).empty
    (tmp_path / "predictions-20240101T000000-1-000001.parquet").write_bytes(b"PAR1junk")
    with pytest.raises(ServiceError, match="unreadable"):
        read_log(tmp_path)


def test_reading_some_columns_leaves_the_json_of_inputs_unread(tmp_path):
    log = PredictionLog(tmp_path, TO_TABLE, max_bytes=10**9).check()
    log.write([batch("r1"), one("r2")])
    frame = read_log(tmp_path, ("request_id", "result"))
    assert list(frame.columns) == ["request_id", "logged_at", "result"]
    assert frame["request_id"].tolist() == ["r1", "r1", "r1", "r2"]
    assert list(read_log(tmp_path / "..", ("role",)).columns) == ["logged_at", "role"]


def test_the_queue_is_bounded_in_records_too_not_only_in_requests(tmp_path):
    dropped = []
    log = PredictionLog(
        tmp_path, TO_TABLE, max_bytes=10**9, max_pending_rows=5, on_drop=dropped.append
    )
    assert log.append(batch("first", rows=3))
    assert not log.append(batch("second", rows=3))  # 6 records would be over 5
    assert log.append(one("third"))  # 4 fit
    assert dropped == [1]
    log.open().close()  # the writer writes what is queued as it stops
    assert read_log(tmp_path)["request_id"].unique().tolist() == ["first", "third"]
