"""The monitoring page of a real run, opened in a real headless browser: it loads
with no console message (it has no script and fetches nothing) and draws."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from orders import program, write_sample
from test_monitorrun import write_days

from modelplate.runtime import cli

CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not installed (apt-get install chromium; .ci/run does)",
    ),
]
WIDTH, HEIGHT = 1280, 2000


def open_page(page: Path, screenshot: Path) -> list[str]:
    """Load ``page`` in headless Chromium, screenshot it; its console messages."""
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={screenshot.parent / 'profile'}",
            f"--screenshot={screenshot}",
            f"--window-size={WIDTH},{HEIGHT}",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return re.findall(r":CONSOLE[^\]]*\] (.*)", done.stderr)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def page(tmp_path, capsys) -> Path:
    """The report of a monitoring run over three days, the last one shifted."""
    write_sample(tmp_path)
    orders = program(tmp_path)
    assert cli.main(orders, ["train"]) == 0
    write_days(tmp_path, pd.read_csv(tmp_path / "sample.csv"))
    argv = ["monitor", "--current", str(tmp_path / "current.csv")]
    assert cli.main(orders, argv) == 2
    capsys.readouterr()
    return tmp_path / "reports" / "monitoring.html"


def test_the_report_loads_without_console_errors_and_draws(tmp_path, page):
    screenshot = tmp_path / "report.png"
    assert open_page(page, screenshot) == []
    assert _png_size(screenshot) == (WIDTH, HEIGHT)
    # A blank page of this size compresses to a few kilobytes; charts do not.
    assert screenshot.stat().st_size > 30_000


def test_the_check_sees_an_error_on_the_page(tmp_path, page):
    broken = tmp_path / "broken.html"
    text = page.read_text()
    broken.write_text(text.replace("</body>", "<script>notDefined()</script></body>"))
    messages = open_page(broken, tmp_path / "broken.png")
    assert any("notDefined is not defined" in m for m in messages), messages
