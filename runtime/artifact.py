# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The model artifact as the service and batch scoring see it: ONNX and metadata.

An artifact is a folder (a local path or any fsspec URI: ``s3://``, ``gs://``,
``memory://``, ``file://``) holding ``model.onnx`` and ``metadata.json``. ONNX is
a graph of operators, not code: loading it cannot run anything, unlike pickle,
and onnxruntime predicts one row in microseconds where scikit-learn takes
hundreds. This module needs no scikit-learn, so a serving install stays small.

Loading verifies, before any request is served, that the file is the one
training wrote (sha256), that it was trained against the caller's input contract
(``Contract.hash``) and that its column order is the caller's: each failure is an
``ArtifactError`` naming what differs and how to fix it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import fsspec
import numpy as np
import onnxruntime

from .definition import Contract
from .errors import ArtifactError, SerializationError
from .serialization import check_columns

__all__ = [
    "METADATA_FILE",
    "MODEL_FILE",
    "Artifact",
    "OnnxModel",
    "join",
    "load_artifact",
    "predict",
    "predictor",
    "sha256",
    "version_id",
]

MODEL_FILE = "model.onnx"
METADATA_FILE = "metadata.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# What a version id is made of: the model, the data it learned from, how well it did,
# the contract it expects and when it was trained. Two trainings differ in one of them.
VERSION_KEYS = (
    "model_sha256",
    "data_fingerprint",
    "metrics",
    "contract_hash",
    "trained_at",
)


def version_id(metadata: Mapping) -> str:
    """A short content hash naming the model version ``metadata`` describes."""
    made_of = [metadata.get(key) for key in VERSION_KEYS]
    return sha256(json.dumps(made_of, sort_keys=True).encode())[:12]


def join(location: str, name: str) -> str:
    """``location/name`` for a local path or a URI alike."""
    return f"{str(location).rstrip('/')}/{name}"


class OnnxModel:
    """An onnxruntime session that predicts like the trained estimator did."""

    def __init__(self, data: bytes, classes: list | None = None) -> None:
        options = onnxruntime.SessionOptions()
        # One thread per predict: single rows are faster on one thread, and the
        # service scales with processes rather than threads inside one predict.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            data, sess_options=options, providers=["CPUExecutionProvider"]
        )
        source = self.session.get_inputs()[0]
        self.input_name = source.name
        # Tree ensembles run in float32 in ONNX; linear models keep float64.
        self.dtype = np.float32 if source.type == "tensor(float)" else np.float64
        self.output_names = [output.name for output in self.session.get_outputs()]
        self.classes_ = np.asarray(classes) if classes is not None else None

    def run(self, matrix: np.ndarray) -> list[np.ndarray]:
        feed = {self.input_name: np.ascontiguousarray(matrix, dtype=self.dtype)}
        return self.session.run(self.output_names, feed)


def predict(task: str, model: OnnxModel, matrix: np.ndarray):
    """What the model says about each row, by task: binary, the probability of the
    positive class (the model's second class); multiclass, (predicted label,
    probability of each class in ``model.classes_`` order); regression, the value.
    """
    if task == "binary_classification":
        return model.run(matrix)[1][:, 1].astype(np.float64)
    if task == "multiclass_classification":
        probabilities = model.run(matrix)[1].astype(np.float64)
        return model.classes_[np.argmax(probabilities, axis=1)], probabilities
    return model.run(matrix)[0].reshape(-1).astype(np.float64)


def predictor(task: str) -> Callable[[OnnxModel, np.ndarray], object]:
    """``predict`` for one task: ``predict(model, matrix)``, as scoring calls it."""
    return partial(predict, task)


@dataclass(frozen=True)
class Artifact:
    """A loaded, verified model with the metadata it was saved with."""

    model: OnnxModel
    metadata: Mapping = field(default_factory=dict)
    location: str = ""

    @property
    def version(self) -> str:
        """The version id (``version_id``), the registry's name for this model."""
        return version_id(self.metadata)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.metadata["columns"])

    @property
    def imputation(self) -> Mapping[str, object]:
        return self.metadata.get("imputation", {})


def _read(fs, path: str, location: str, train_command: str) -> bytes:
    try:
        # A FIFO would block and /dev/zero fill memory: only a file is read.
        kind = fs.info(path).get("type")
        if kind != "file":
            raise ArtifactError(f"cannot read {path}: not a regular file ({kind})")
        return fs.cat_file(path)
    except FileNotFoundError as error:
        raise ArtifactError(
            f"no model artifact at {location} (needs {MODEL_FILE} and "
            f"{METADATA_FILE}): run `{train_command}` first"
        ) from error
    except OSError as error:
        raise ArtifactError(f"cannot read {path}: {error}") from error


# What the runtime reads from the metadata and the JSON type each must have: the
# keys every artifact has, then those a trained service's has (its commands read them).
_REQUIRED = {
    "columns": list,
    "contract_hash": str,
    "model_sha256": str,
}
_OPTIONAL = {"imputation": dict, "target": str, "statistics": dict, "classes": list}
_JSON = {str: "a string", list: "an array", dict: "an object"}


def _check_shape(metadata: object, path: str, train_command: str) -> None:
    """Raise unless the metadata is an object holding what the runtime reads."""
    if not isinstance(metadata, dict):
        raise ArtifactError(
            f"{path}: expected a JSON object, got {type(metadata).__name__}; "
            f"retrain with `{train_command}`"
        )
    for key, kind in (_REQUIRED | _OPTIONAL).items():
        value = metadata.get(key)
        if not isinstance(value, kind) and (key in _REQUIRED or value is not None):
            raise ArtifactError(
                f"{path}: {key!r} is missing or not {_JSON[kind]}; "
                f"retrain with `{train_command}`"
            )


def _verify(
    metadata: Mapping,
    data: bytes,
    location: str,
    contract: Contract,
    columns: Sequence[str],
    train_command: str,
) -> None:
    """Raise unless the model file and its metadata fit each other and the caller."""
    if sha256(data) != metadata.get("model_sha256"):
        raise ArtifactError(
            f"{join(location, MODEL_FILE)}: checksum differs from {METADATA_FILE}; "
            "the file was changed after training. Retrain, or restore the original"
        )
    if metadata.get("contract_hash") != contract.hash:
        raise ArtifactError(
            f"{location}: trained against another input contract (hash "
            f"{str(metadata.get('contract_hash'))[:12]}..., this code expects "
            f"{contract.hash[:12]}...). Retrain with `{train_command}`"
        )
    try:
        check_columns(metadata.get("columns", []), tuple(columns))
    except SerializationError as error:
        raise ArtifactError(
            f"{location}: its columns do not match this code's: {error}"
        ) from error


def load_artifact(
    location: object,
    contract: Contract,
    columns: Sequence[str],
    *,
    train_command: str = "train",
) -> Artifact:
    """Load and verify an artifact saved by ``runtime.model.save_artifact`` for
    ``contract`` with the model's input ``columns`` in this order.

    ``train_command`` is how the caller's users train a model (named in errors).
    """
    location = str(location)
    try:
        fs, root = fsspec.core.url_to_fs(location)
    except (ImportError, ValueError) as error:  # e.g. s3:// without s3fs installed
        raise ArtifactError(f"cannot open {location}: {error}") from error
    metadata_bytes = _read(fs, join(root, METADATA_FILE), location, train_command)
    data = _read(fs, join(root, MODEL_FILE), location, train_command)
    try:
        metadata = json.loads(metadata_bytes)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ArtifactError(
            f"{join(location, METADATA_FILE)}: not valid JSON ({error})"
        ) from error
    _check_shape(metadata, join(location, METADATA_FILE), train_command)
    _verify(metadata, data, location, contract, columns, train_command)
    try:
        model = OnnxModel(data, classes=metadata.get("classes"))
    except Exception as error:  # onnxruntime raises its own, undocumented types
        raise ArtifactError(
            f"{join(location, MODEL_FILE)}: onnxruntime cannot load it ({error})"
        ) from error
    return Artifact(model=model, metadata=metadata, location=location)
