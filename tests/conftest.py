"""Shared paths, fixtures and hypothesis profiles of the test suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from paths import BROKEN, CHURN, EXAMPLES, MINIMAL, ROOT  # noqa: F401 - re-exported

import modelplate
from modelplate.checks import field_symbol
from modelplate.expressions import DATE, Symbol

# "ci" is deterministic (the same examples every run, so a red build is reproducible);
# HYPOTHESIS_PROFILE=explore searches with fresh randomness and more examples.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    deadline=None,
    max_examples=2000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session", autouse=True)
def template_cache(tmp_path_factory):
    """Compiled templates go to a folder of this run, not to the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield


@pytest.fixture(scope="session")
def churn_spec():
    """The typed churn reference spec."""
    return modelplate.load_spec(CHURN)


@pytest.fixture(scope="session")
def churn_scope(churn_spec) -> dict[str, Symbol]:
    """What a feature expression of churn.yaml may read: its fields and `as_of`."""
    scope = {f.name: field_symbol(f) for f in churn_spec.inputs.values()}
    scope["as_of"] = Symbol("as_of", DATE, "as_of")
    return scope


@pytest.fixture(scope="session")
def service_python(tmp_path_factory) -> Path:
    """A virtual environment with what a generated project installs from PyPI.

    The generated suites run in it, not in the tool's own environment: a generated
    project must install from its own pyproject.toml alone (churn's `[test]` extra pulls
    every dependency any reference project has).
    """
    root = tmp_path_factory.mktemp("service-venv")
    project = root / "churn-predictor"
    modelplate.generate(CHURN, project)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            f"{project}[test]",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    # Only the dependencies stay: each test imports its own project from its src/.
    subprocess.run(
        [str(python), "-m", "pip", "uninstall", "-q", "-y", "churn-predictor"],
        check=True,
    )
    return python
