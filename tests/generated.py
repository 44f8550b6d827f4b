"""A generated project in the tool's tests: its files, and running its own commands."""

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


def project_files(root: Path) -> dict[str, bytes]:
    """Every file of a generated project (its git folder aside) -> its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
