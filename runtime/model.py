# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The model at training time: fit, evaluate, export to ONNX and save.

The estimator is built from the learners' table (``learners``) with the spec's
``model.params``, or comes from the owner's ``Model.estimator(seed)`` when one is
given; everything else depends only on the task. ``predict``
takes the float matrix built by ``serialization.to_matrix``: the contract,
features and column order are settled before the model is reached. The artifact
is the model exported to ONNX (never pickle, which runs code on load), written
only after onnxruntime was shown to give the estimator's predictions on the
training rows; ``artifact`` loads and serves it without scikit-learn.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Mapping

import fsspec
import numpy as np
from skl2onnx import to_onnx
from sklearn import metrics

from .artifact import METADATA_FILE, MODEL_FILE, OnnxModel, join, sha256
from .artifact import predict as predict_onnx
from .converters import register_converters
from .definition import TASKS, Model
from .errors import ArtifactError, TrainingError
from .learners import LEARNERS, build, learner_of

__all__ = [
    "METRICS",
    "ONNX_OPSET",
    "TOLERANCE",
    "as_served",
    "estimator",
    "evaluate",
    "export_onnx",
    "fit",
    "predict",
    "save_artifact",
]

# Fixed operator sets, so that an artifact exported by a newer skl2onnx still
# loads in the onnxruntime of an older serving image (onnxruntime >= 1.15).
ONNX_OPSET = {"": 17, "ai.onnx.ml": 3}
# A linear model runs in float64 in ONNX too; tree ensembles compare in float32
# (as scikit-learn's trees do) and their thresholds are exported in float32.
LINEAR = tuple(name for name, learner in LEARNERS.items() if learner.linear)
# The largest difference allowed between onnxruntime's and the estimator's
# predictions: class probabilities differ by about 1e-7 in float32; a regression
# is judged relative to its largest predicted magnitude, since float32 keeps
# about 7 significant digits and 1e-5 leaves room for summing many trees.
TOLERANCE = 1e-5
# protobuf's warning for booleans in an integer attribute (a message regex).
BOOLEAN_INTS = r"Field onnx\.AttributeProto\.ints: Expected an int, got a boolean"


def estimator(settings: Model, seed: int, algorithm: str | None = None):
    """The unfitted estimator of ``algorithm`` (default: the first candidate):
    the owner's ``settings.estimator(seed)`` when given, else built from the
    learners' table with its ``settings.params``."""
    algorithm = algorithm or settings.algorithms[0]
    if settings.estimator is not None and len(settings.algorithms) > 1:
        raise TrainingError(
            "an estimator of your own replaces one algorithm, not a list of "
            f"candidates ({', '.join(settings.algorithms)}): name one, or drop it"
        )
    if settings.estimator is not None:
        return settings.estimator(seed)
    return build(algorithm, settings.task, settings.params.get(algorithm, {}), seed)


def as_served(matrix: np.ndarray, model) -> np.ndarray:
    """``matrix`` as ``model``'s ONNX export will compare it. A tree ensemble runs
    in float32 there, so the rows it learns from and is judged on are rounded to
    float32 first: a split threshold between a value and its float32 rounding would
    otherwise send a row one way in training and the other way in serving (the
    export check then refuses the model). Linear models, and an owner's estimator
    the learners table does not know, see the matrix as it is."""
    learner = learner_of(model)
    if learner is None or learner.linear:
        return matrix
    return np.asarray(matrix, dtype=np.float32).astype(np.float64)


def fit(
    settings: Model,
    matrix: np.ndarray,
    target: np.ndarray,
    seed: int | None = None,
    algorithm: str | None = None,
):
    """``algorithm``'s estimator (default: the first candidate) fitted;
    deterministic for a seed (default: the settings' seed)."""
    unfitted = estimator(settings, settings.seed if seed is None else seed, algorithm)
    try:
        return unfitted.fit(as_served(matrix, unfitted), target)
    # A hyperparameter's value is checked by the estimator when it fits
    # (num_leaves: 0, say), each library with its own exception types: say
    # which learner, in one line.
    except Exception as error:
        reason = str(error).splitlines()[0][:300] if str(error) else repr(error)
        raise TrainingError(
            f"cannot fit {algorithm or settings.algorithms[0]}: {reason}"
        ) from error


def predict(task: str, model, matrix: np.ndarray):
    """What a fitted estimator says about each row, as ``artifact.predict`` does
    for its ONNX export: binary, the positive class's probability; multiclass,
    (label, probability of each class in ``model.classes_`` order); regression,
    the value."""
    matrix = as_served(matrix, model)
    if task == "binary_classification":
        return model.predict_proba(matrix)[:, 1]
    if task == "multiclass_classification":
        probabilities = model.predict_proba(matrix)
        return model.classes_[np.argmax(probabilities, axis=1)], probabilities
    return model.predict(matrix)


def _scores(task: str) -> dict[str, Callable]:
    """metric name -> (target, model, matrix) -> score, for one task."""

    def out(model, X):
        return predict(task, model, X)

    if task == "binary_classification":
        return {
            "roc_auc": lambda y, m, X: metrics.roc_auc_score(y, out(m, X)),
            "average_precision": lambda y, m, X: metrics.average_precision_score(
                y, out(m, X)
            ),
            "log_loss": lambda y, m, X: metrics.log_loss(y, out(m, X)),
            "brier": lambda y, m, X: metrics.brier_score_loss(y, out(m, X)),
            "accuracy": lambda y, m, X: metrics.accuracy_score(y, m.predict(X)),
            "balanced_accuracy": lambda y, m, X: metrics.balanced_accuracy_score(
                y, m.predict(X)
            ),
            "f1": lambda y, m, X: metrics.f1_score(y, m.predict(X)),
            "precision": lambda y, m, X: metrics.precision_score(
                y, m.predict(X), zero_division=0.0
            ),
            "recall": lambda y, m, X: metrics.recall_score(y, m.predict(X)),
        }
    if task == "multiclass_classification":
        return {
            "accuracy": lambda y, m, X: metrics.accuracy_score(y, out(m, X)[0]),
            "balanced_accuracy": lambda y, m, X: metrics.balanced_accuracy_score(
                y, out(m, X)[0]
            ),
            "f1_macro": lambda y, m, X: metrics.f1_score(
                y, out(m, X)[0], average="macro"
            ),
            "log_loss": lambda y, m, X: metrics.log_loss(
                y, out(m, X)[1], labels=m.classes_
            ),
            "roc_auc": lambda y, m, X: metrics.roc_auc_score(
                y, out(m, X)[1], multi_class="ovr", labels=m.classes_
            ),
        }
    return {
        "rmse": lambda y, m, X: metrics.root_mean_squared_error(y, out(m, X)),
        "mae": lambda y, m, X: metrics.mean_absolute_error(y, out(m, X)),
        "r2": lambda y, m, X: metrics.r2_score(y, out(m, X)),
        "mape": lambda y, m, X: metrics.mean_absolute_percentage_error(y, out(m, X)),
    }


# Every metric each task knows.
METRICS = {task: tuple(_scores(task)) for task in TASKS}


def evaluate(
    task: str, metric: str, model, matrix: np.ndarray, target: np.ndarray
) -> float:
    """The model's ``metric`` on held-out rows (as served: ``as_served``)."""
    scores = _scores(task)
    if metric not in scores:
        raise TrainingError(f"unknown metric {metric!r}; known: {sorted(scores)}")
    return float(scores[metric](target, model, as_served(matrix, model)))


def _largest_difference(task: str, exported, expected) -> float:
    if task == "multiclass_classification":
        return float(np.max(np.abs(exported[1] - expected[1]), initial=0.0))
    difference = float(np.max(np.abs(exported - expected), initial=0.0))
    if task == "regression":
        return difference / max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    return difference


def export_onnx(
    settings: Model, model, matrix: np.ndarray, tolerance: float = TOLERANCE
) -> tuple[bytes, float]:
    """(the model as ONNX, its largest difference from ``model`` on ``matrix``).

    Refuses (``ArtifactError``) when onnxruntime's predictions on ``matrix`` differ
    from the estimator's by more than ``tolerance``: serving would then give other
    answers than the model that was evaluated.
    """
    if len(matrix) == 0:
        raise ArtifactError("cannot check the ONNX export on an empty matrix")
    learner = learner_of(model)
    linear = learner.linear if learner else settings.algorithms[0] in LINEAR
    dtype = np.float64 if linear else np.float32
    # Probabilities as one array, not a list of dicts.
    options = {"zipmap": False} if settings.classifier else None
    try:
        register_converters(learner.extra if learner else None)
        with warnings.catch_warnings():
            # skl2onnx writes some tree flags as booleans into integer attributes;
            # protobuf still takes them and only warns, so a test run that makes
            # warnings errors (pytest -W error) must not turn it into a refusal.
            warnings.filterwarnings("ignore", BOOLEAN_INTS, DeprecationWarning)
            exported = to_onnx(
                model,
                matrix[:1].astype(dtype),
                options=options,
                target_opset=ONNX_OPSET,
            ).SerializeToString()
        classes = model.classes_.tolist() if settings.classifier else None
        onnx_model = OnnxModel(exported, classes=classes)
    # skl2onnx and onnxruntime raise many undocumented exception types, some
    # with every attribute of the graph node in the message: keep its first line.
    except Exception as error:
        reason = str(error).splitlines()[0][:300] if str(error) else repr(error)
        cause = f"; caused by {error.__cause__}" if error.__cause__ else ""
        raise ArtifactError(
            f"cannot export the model to ONNX: {reason}{cause}"
        ) from error
    difference = _largest_difference(
        settings.task,
        predict_onnx(settings.task, onnx_model, matrix),
        predict(settings.task, model, matrix),
    )
    if not difference <= tolerance:
        raise ArtifactError(
            f"the ONNX export predicts differently from the trained model (largest "
            f"difference {difference:.3g} > {tolerance:g} over {len(matrix)} rows); "
            "no artifact was written"
        )
    return exported, difference


def save_artifact(
    location: object,
    settings: Model,
    model,
    metadata: Mapping,
    matrix: np.ndarray,
    tolerance: float = TOLERANCE,
) -> str:
    """Export ``model`` to ONNX, check it on ``matrix`` and write the artifact.

    ``location`` is a folder path or an fsspec URI; ``model.onnx`` is written
    first and ``metadata.json`` (with the model's sha256) last, so an interrupted
    save leaves no metadata, which loading refuses.
    """
    data, difference = export_onnx(settings, model, matrix, tolerance)
    location = str(location)
    recorded = dict(metadata)
    if settings.classifier:
        # The ONNX graph's class order, which serving labels predictions with.
        recorded["classes"] = model.classes_.tolist()
    recorded["model_sha256"] = sha256(data)
    recorded["onnx"] = {
        "opset": ONNX_OPSET,
        "rows_checked": len(matrix),
        "largest_difference": difference,
        "tolerance": tolerance,
    }
    try:
        fs, root = fsspec.core.url_to_fs(location)
        fs.makedirs(root, exist_ok=True)
        fs.pipe_file(join(root, MODEL_FILE), data)
        text = json.dumps(recorded, indent=2) + "\n"
        fs.pipe_file(join(root, METADATA_FILE), text.encode())
    except (ImportError, OSError, ValueError) as error:
        raise ArtifactError(
            f"cannot write the artifact to {location}: {error}"
        ) from error
    return location
