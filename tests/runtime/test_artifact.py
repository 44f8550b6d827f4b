"""Loading an artifact: verified (checksum, contract, columns) before it is used."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from dataclasses import replace

import fsspec
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from modelplate.runtime.artifact import (
    METADATA_FILE,
    MODEL_FILE,
    load_artifact,
    predict,
    predictor,
    sha256,
)
from modelplate.runtime.definition import Field, Model
from modelplate.runtime.errors import ArtifactError
from modelplate.runtime.model import fit, save_artifact

COLUMNS = ("items", "amount")
MATRIX = np.random.default_rng(3).normal(size=(80, 2))
TARGET = MATRIX[:, 0] > 0
MODEL = Model(
    task="binary_classification",
    algorithm="logistic_regression",
    estimator=lambda seed: LogisticRegression(random_state=seed),
    target=Field(name="late", type="boolean"),
    metric="roc_auc",
)


@pytest.fixture
def saved(tmp_path, contract):
    """An artifact trained against ``contract`` with ``COLUMNS``."""
    metadata = {
        "columns": list(COLUMNS),
        "contract_hash": contract.hash,
        "imputation": {"items": 1},
    }
    fitted = fit(MODEL, MATRIX, TARGET)
    return save_artifact(tmp_path / "model", MODEL, fitted, metadata, MATRIX)


def _load(location, contract):
    return load_artifact(location, contract, COLUMNS, train_command="orders train")


def _edit_metadata(location, **changes) -> None:
    path = f"{location}/{METADATA_FILE}"
    with open(path) as file:
        metadata = json.load(file)
    with open(path, "w") as file:
        json.dump({**metadata, **changes}, file)


def test_a_saved_artifact_loads_with_its_metadata(saved, contract):
    artifact = _load(saved, contract)
    assert artifact.columns == COLUMNS
    assert artifact.imputation == {"items": 1}
    assert artifact.location == saved
    scores = predict("binary_classification", artifact.model, MATRIX)
    assert scores.shape == (80,) and ((scores >= 0) & (scores <= 1)).all()
    assert np.array_equal(predictor(MODEL.task)(artifact.model, MATRIX), scores)


def test_a_missing_artifact_names_the_train_command(tmp_path, contract):
    with pytest.raises(ArtifactError, match="no model artifact .*`orders train`"):
        _load(tmp_path / "nowhere", contract)


def test_a_missing_metadata_file_is_refused(saved, contract):
    (fsspec.filesystem("file")).rm(f"{saved}/{METADATA_FILE}")
    with pytest.raises(ArtifactError, match="no model artifact"):
        _load(saved, contract)


def test_a_tampered_model_file_is_refused(saved, contract):
    with open(f"{saved}/{MODEL_FILE}", "ab") as file:
        file.write(b"\0")
    with pytest.raises(ArtifactError, match="checksum"):
        _load(saved, contract)


def test_another_contract_is_refused(saved, contract):
    wider = replace(contract, fields=contract.fields[:-1])
    with pytest.raises(ArtifactError, match="another input contract.*orders train"):
        _load(saved, wider)


def test_a_different_column_order_is_refused(saved, contract):
    _edit_metadata(saved, columns=list(reversed(COLUMNS)))
    with pytest.raises(ArtifactError, match="columns do not match"):
        _load(saved, contract)


def test_metadata_that_is_not_json_is_refused(saved, contract):
    with open(f"{saved}/{METADATA_FILE}", "w") as file:
        file.write("{not json")
    with pytest.raises(ArtifactError, match="not valid JSON"):
        _load(saved, contract)


def test_a_model_file_onnxruntime_cannot_read_is_refused(saved, contract):
    junk = b"not an onnx graph"
    with open(f"{saved}/{MODEL_FILE}", "wb") as file:
        file.write(junk)
    _edit_metadata(saved, model_sha256=sha256(junk))
    with pytest.raises(ArtifactError, match="onnxruntime cannot load it"):
        _load(saved, contract)


def test_an_unknown_filesystem_is_refused(contract):
    with pytest.raises(ArtifactError, match="cannot open"):
        _load("no-such-protocol://bucket/model", contract)


def test_an_fsspec_memory_uri_saves_and_loads(saved, contract):
    location = f"memory://{uuid.uuid4().hex}/model"
    metadata = {"columns": list(COLUMNS), "contract_hash": contract.hash}
    save_artifact(location, MODEL, fit(MODEL, MATRIX, TARGET), metadata, MATRIX)
    try:
        from_memory = _load(location, contract)
        from_disk = _load(saved, contract)
        assert from_memory.location == location
        assert np.array_equal(
            predict(MODEL.task, from_memory.model, MATRIX),
            predict(MODEL.task, from_disk.model, MATRIX),
        )
        memory = fsspec.filesystem("memory")
        memory.pipe_file(f"{location}/{MODEL_FILE}", b"not the trained model")
        with pytest.raises(ArtifactError, match="checksum"):
            _load(location, contract)
    finally:
        fsspec.filesystem("memory").rm(location, recursive=True)


def test_a_file_uri_loads(saved, contract):
    uri = f"file://{saved}"
    assert _load(uri, contract).columns == COLUMNS


def test_loading_an_artifact_needs_no_scikit_learn():
    code = (
        "import sys, modelplate.runtime.artifact\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sklearn', 'skl2onnx', 'onnx'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
