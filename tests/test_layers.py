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


def test_every_module_of_the_tool_has_a_layer():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    named = {
        name.strip().removeprefix("modelplate.")
        for layer in layers
        for name in layer.replace("|", ":").split(":")
    }
    modules = {
        path.stem if path.parent.name == "generator" else path.parent.name
        for path in (ROOT / "generator").rglob("*.py")
    } - {"__init__", "generator"}
    assert modules <= named, sorted(modules - named)
