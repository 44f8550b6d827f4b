"""The generated HTTP service under schemathesis: no request it can make gives a 5xx.

The churn project is generated, trained and fuzzed in a subprocess that imports it
from its src/ folder (like `run_generated_suite`), so the tool's own interpreter
never imports a generated package. schemathesis reads the app's OpenAPI document
in-process (ASGI, no network) and sends bounded, derandomized examples: valid
records drawn from the contract's JSON Schema and invalid ones built against it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from paths import CHURN

import modelplate

EXAMPLES = 60
FUZZ = """
import json, sys
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
import pandas as pd
from churn_predictor.cli import main
from churn_predictor.precompute import PRECOMPUTE
from churn_predictor.service import create_app, feature_store
from churn_predictor.settings import Settings

artifact, examples = sys.argv[1], int(sys.argv[2])
assert main(["train", "--artifact", artifact]) == 0
# Features for every id the contract's pattern allows (C + 6 digits), computed now:
# drawn ids then reach the model instead of all getting 404.
store = artifact + ".features.sqlite"
ids = [f"C{number:06d}" for number in range(1_000_000)]
columns = {column: 1.0 for column in PRECOMPUTE.columns}
table = pd.DataFrame({PRECOMPUTE.entity: ids, **columns})
feature_store(store).write(table, pd.Timestamp.now(tz="UTC").tz_convert(None))
app = create_app(Settings(artifact=artifact, max_batch_records=20, feature_store=store))
calls, failures = {}, []
with TestClient(app):  # runs the lifespan: the model is loaded and verified
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy(
            generation_mode=GenerationMode.POSITIVE
        ) | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)

        @settings(max_examples=examples, deadline=None, derandomize=True,
                  database=None, suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def call(case):
            response = case.call()
            key = f"{operation.method.upper()} {operation.path} {response.status_code}"
            calls[key] = calls.get(key, 0) + 1
            if response.status_code >= 500:
                failures.append(f"{key}: {case.body!r:.300} -> {response.text[:300]}")

        call()
print(json.dumps({"calls": calls, "failures": failures}))
"""


@pytest.mark.slow
def test_schemathesis_finds_no_server_error(tmp_path, service_python):
    # The generated project's own environment, plus the fuzzer.
    subprocess.run(
        [str(service_python), "-m", "pip", "install", "-q", "schemathesis>=3.30"],
        check=True,
    )
    project = tmp_path / "churn-predictor"
    modelplate.generate(CHURN, project)
    script = tmp_path / "fuzz.py"
    script.write_text(FUZZ)
    result = subprocess.run(
        [str(service_python), str(script), str(tmp_path / "model"), str(EXAMPLES)],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project / "src")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["failures"] == [], report["failures"]
    calls = report["calls"]
    # Both kinds of examples reached the model: accepted records and refused ones.
    assert calls.get("POST /predict 200", 0) > 0, calls
    assert calls.get("POST /predict 422", 0) > 0, calls
    assert calls.get("POST /predict/batch 200", 0) > 0, calls


def test_a_generated_project_has_the_service_modules(tmp_path):
    project = Path(tmp_path) / "p"
    modelplate.generate(CHURN, project)
    package = project / "src" / "churn_predictor"
    assert (package / "service.py").is_file()
    for module in (
        "http",
        "requests",
        "openapi",
        "telemetry",
        "distributed",
        "store",
        "pipeline",
        "record",
    ):
        assert (package / "runtime" / f"{module}.py").is_file(), module
    assert "model.onnx" in (project / "README.md").read_text()
    dockerfile = (project / "Dockerfile").read_text()
    assert "USER service" in dockerfile
    assert '"serve", "--host", "0.0.0.0"' in dockerfile
