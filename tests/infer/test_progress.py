"""`modelplate.infer.progress`: a progress line on a terminal, one summary elsewhere."""

from __future__ import annotations

import io

from modelplate.infer.progress import Progress


def test_progress_draws_on_a_terminal_only_after_a_second():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    times = iter([0.0, 0.5, 1.5, 2.0])
    stream = Terminal()
    progress = Progress("reading x.csv", stream, clock=lambda: next(times))
    progress.update(0.1, 10)  # at 0.5 s: silent
    assert stream.getvalue() == ""
    progress.update(0.5, 50)  # at 1.5 s: drawn
    assert (
        "\rreading x.csv [###############---------------]  50% 50 rows"
        in stream.getvalue()
    )
    progress.close(100)
    assert stream.getvalue().endswith("reading x.csv: 100 rows in 2.0 s\n")


def test_progress_elsewhere_is_one_line_at_the_end():
    times = iter([0.0, 6.0])  # update asks no clock when it will not draw
    stream = io.StringIO()
    progress = Progress("reading x.csv", stream, clock=lambda: next(times))
    progress.update(0.5, 50)
    progress.close(100)
    assert stream.getvalue() == "reading x.csv: 100 rows in 6.0 s\n"
