"""Running a generated project's own commands from the tool's tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def run_generated(python: Path, project: Path, *args: str, timeout: int = 900):
    """Run `python args...` in a generated project, importing it from its src/ folder."""
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [str(python), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
