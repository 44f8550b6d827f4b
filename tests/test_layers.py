"""The tool's import layers, as declared in pyproject.toml, hold (import-linter)."""

from __future__ import annotations

import shutil
import subprocess

from paths import ROOT


def test_the_tool_keeps_its_layers():
    command = shutil.which("lint-imports")
    assert command, "import-linter is part of the test extra: pip install -e '.[test]'"
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "0 broken" in result.stdout
