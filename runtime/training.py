# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Training: from a labelled frame to a model that clears the spec's bar, or nothing.

Pure like the rest of the pipeline (frame in, model and metadata out): the CLI
reads the data, passes the clock in and writes the artifact, so a test can run
the exact training the command runs. The service's contract, features and model
settings come in as arguments.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from .contract import validate_frame
from .definition import Contract, Features, Field, Model
from .drift import column_drift
from .errors import TrainingError
from .estimation import fit_calibration
from .featurecalibration import fit_feature_calibration
from .features import Imputer, build_features
from .model import evaluate, fit, predict
from .selection import Candidate, best, cross_validate, fold_count, out_of_fold
from .serialization import to_matrix
from .statistics import describe

__all__ = [
    "CALIBRATION_ROWS",
    "FROM_SETTINGS",
    "MIN_ROWS",
    "TrainingResult",
    "calibration_of",
    "fingerprint",
    "output_gap",
    "split_target",
    "train",
    "training_fields",
]

# Below this many valid rows a held-out metric means little.
MIN_ROWS = 50
# Below this many held-out rows, the calibration of a classifier's outputs
# (runtime.estimation) also learns from the training split's out-of-fold outputs:
# calibrated on the churn sample's 400 held-out rows, its roc_auc estimate was 0.036
# off; on 2,000 with the out-of-fold ones, 0.027 (bench estimation, along tenure).
CALIBRATION_ROWS = 5000


class _FromSettings:
    def __repr__(self) -> str:
        return "FROM_SETTINGS"


# A bar left to the model's settings (None is a value: no bar).
FROM_SETTINGS: float | None = _FromSettings()  # type: ignore[assignment]


@dataclass(frozen=True)
class TrainingResult:
    """A fitted model with the metadata to save beside it, and the rejected rows."""

    model: object
    metadata: dict
    rejects: pd.DataFrame
    score: float
    # Every valid row as the model sees it: the ONNX export is checked on it.
    matrix: np.ndarray
    # The algorithm trained, and (several candidates) each one's cross-validated
    # metric on the training split, in the spec's order.
    algorithm: str = ""
    candidates: tuple[Candidate, ...] = ()


def training_fields(contract: Contract, settings: Model) -> tuple[Field, ...]:
    """What a labelled row carries: the inputs and the target."""
    return (*contract.fields, settings.target)


def split_target(
    valid: pd.DataFrame, settings: Model
) -> tuple[pd.DataFrame, np.ndarray]:
    """(inputs, target as the model learns it) from contract-checked rows."""
    target = valid[settings.target.name]
    if settings.task == "binary_classification":
        labels = (target == settings.positive).to_numpy(dtype=bool)
    elif settings.task == "regression":
        labels = target.to_numpy(dtype=np.float64)
    elif settings.target.type == "integer":
        labels = target.to_numpy(dtype=np.int64)  # the contract parsed them as floats
    else:
        labels = target.to_numpy(dtype=object)
    return valid.drop(columns=[settings.target.name]), labels


def fingerprint(valid: pd.DataFrame) -> str:
    """The sha256 of the rows a model learned from, as the contract parsed them
    (names, order and values): the same rows give the same fingerprint whatever
    file they were read from."""
    digest = hashlib.sha256(json.dumps(list(map(str, valid.columns))).encode())
    digest.update(pd.util.hash_pandas_object(valid, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _check_bar(
    metric: str, score: float, min_metric: float | None, max_metric: float | None
) -> None:
    if min_metric is not None and score < min_metric:
        raise TrainingError(
            f"held-out {metric} {score:.4f} is below min_metric {min_metric}; "
            "no artifact was written (check the data, or the bar in spec.yaml)"
        )
    if max_metric is not None and score > max_metric:
        raise TrainingError(
            f"held-out {metric} {score:.4f} is above max_metric {max_metric}; "
            "no artifact was written (check the data, or the bar in spec.yaml)"
        )


def _split(target: np.ndarray, settings: Model, seed: int, test_size: float):
    try:
        return train_test_split(
            np.arange(len(target)),
            test_size=test_size,
            random_state=seed,
            # Keep the class mix of both splits.
            stratify=target if settings.classifier else None,
        )
    except ValueError as error:
        raise TrainingError(f"cannot split the training data: {error}") from error


def outputs_frame(settings: Model, model, outputs) -> pd.DataFrame:
    """What ``predict`` returned, as the columns scoring writes (``score``, or a
    classifier's ``probability[<class>]``)."""
    if settings.task == "multiclass_classification":
        probabilities = outputs[1]
        return pd.DataFrame(
            {
                f"probability[{label}]": probabilities[:, i]
                for i, label in enumerate(model.classes_)
            }
        )
    return pd.DataFrame({settings.output: outputs})


def calibration_of(
    settings: Model,
    model,
    held_out,
    *,
    held_out_rows: tuple[np.ndarray, np.ndarray],
    train_rows: tuple[np.ndarray, np.ndarray],
    algorithm: str,
    seed: int,
    columns: list[str],
) -> tuple[dict | None, dict | None]:
    """(the calibration of the classifier's outputs, the calibration given the
    features too) on rows it did not learn from (``runtime.estimation``): the
    held-out rows, and the training rows' out-of-fold outputs as well while the
    held-out rows are fewer than CALIBRATION_ROWS (so training fits FOLDS more
    models then). ``held_out`` is what ``predict`` gave for ``held_out_rows``
    (matrix, target); ``train_rows`` are the training split's. None for a
    regressor."""
    if not settings.classifier:
        return None, None
    test_matrix, held_out_target = held_out_rows
    train_matrix, train_target = train_rows
    outputs = outputs_frame(settings, model, held_out)
    labels, matrix = held_out_target, test_matrix
    if len(labels) < CALIBRATION_ROWS and fold_count(settings, train_target) >= 2:
        folded = out_of_fold(settings, train_matrix, train_target, seed, algorithm)
        outputs = pd.concat(
            [outputs_frame(settings, model, folded), outputs], ignore_index=True
        )
        labels = np.concatenate([train_target, held_out_target])
        matrix = np.vstack((train_matrix, test_matrix))
    return (
        fit_calibration(settings.task, outputs, labels),
        fit_feature_calibration(settings.task, outputs, labels, matrix, columns),
    )


def output_gap(described: dict, output: str, fitted: np.ndarray) -> dict:
    """How far the model's outputs on its training rows are from those on held-out
    rows (``described``), as both drift statistics: its overfitting, which drift
    on the output must exceed to be told from data like the training data."""
    gap = column_drift(
        "output", output, described[output]["histogram"], pd.Series(fitted), "psi", 0, 0
    )
    return {output: {"psi": gap.psi, "ks": gap.ks}}


def train(
    data: pd.DataFrame,
    contract: Contract,
    features: Features,
    settings: Model,
    *,
    as_of: pd.Timestamp,
    trained_at: str,
    bins: int = 10,
    seed: int | None = None,
    test_size: float | None = None,
    min_metric: float | None = FROM_SETTINGS,
    max_metric: float | None = FROM_SETTINGS,
) -> TrainingResult:
    """Validate, split, impute, build features, fit, and hold the model to its bar.

    With several candidate algorithms, the one with the best cross-validated
    metric on the training split is fitted (``selection``).

    Rows that break the contract are set aside (returned as ``rejects``) and the
    rest are used; the imputation values are learned from the training split
    only, so the held-out metric is honest. ``seed``, ``test_size`` and the bars
    default to ``settings``'; a bar of None is no bar. ``bins`` is the number of
    histogram bins of the statistics drift is later measured against.
    """
    seed = settings.seed if seed is None else seed
    test_size = settings.test_size if test_size is None else test_size
    if min_metric is FROM_SETTINGS:
        min_metric = settings.min_metric
    if max_metric is FROM_SETTINGS:
        max_metric = settings.max_metric
    target_name = settings.target.name
    if target_name not in data.columns:
        raise TrainingError(f"the training data has no target column {target_name!r}")
    valid, rejects = validate_frame(data, contract, training_fields(contract, settings))
    if len(valid) < MIN_ROWS:
        raise TrainingError(
            f"only {len(valid)} of {len(data)} rows pass the contract; "
            f"training needs at least {MIN_ROWS}"
        )
    inputs, target = split_target(valid, settings)
    if settings.classifier and len(np.unique(target)) < 2:
        raise TrainingError(f"the target {target_name!r} has a single class")
    train_at, test_at = _split(target, settings, seed, test_size)
    train_inputs, test_inputs = inputs.iloc[train_at], inputs.iloc[test_at]
    imputer = Imputer(contract.fields).fit(train_inputs)
    frames = [
        build_features(part, as_of, imputer.values_, features, contract.fields)
        for part in (train_inputs, test_inputs)
    ]
    train_matrix, test_matrix = (to_matrix(f, features.model_columns) for f in frames)
    candidates: tuple[Candidate, ...] = ()
    algorithm = settings.algorithms[0]
    if len(settings.algorithms) > 1:
        candidates = tuple(
            cross_validate(settings, train_matrix, target[train_at], seed)
        )
        algorithm = best(list(candidates), settings.metric).algorithm
    model = fit(settings, train_matrix, target[train_at], seed, algorithm)
    score = evaluate(
        settings.task, settings.metric, model, test_matrix, target[test_at]
    )
    held_out = predict(settings.task, model, test_matrix)
    fitted = predict(settings.task, model, train_matrix)
    calibration, feature_calibration = calibration_of(
        settings,
        model,
        held_out,
        held_out_rows=(test_matrix, target[test_at]),
        train_rows=(train_matrix, target[train_at]),
        algorithm=algorithm,
        seed=seed,
        columns=list(features.model_columns),
    )
    if settings.task == "multiclass_classification":
        held_out, fitted = held_out[0], fitted[0]  # the labels, not probabilities
    _check_bar(settings.metric, score, min_metric, max_metric)
    described = [field.name for field in contract.fields if field.role != "id"]
    metadata = {
        "task": settings.task,
        "algorithm": algorithm,
        "target": target_name,
        "columns": list(features.model_columns),
        "contract_hash": contract.hash,
        "data_fingerprint": fingerprint(valid),
        "imputation": imputer.values_,
        "metrics": {settings.metric: score},
        "rows": {
            "read": len(data),
            "rejected": len(rejects),
            "train": len(train_at),
            "test": len(test_at),
        },
    }
    if candidates:
        metadata["candidates"] = {c.algorithm: c.as_dict() for c in candidates}
    if settings.classifier:
        metadata["classes"] = model.classes_.tolist()
    metadata["statistics"] = {
        "inputs": describe(train_inputs[described], bins),
        "features": describe(frames[0], bins),
        # Held-out predictions look like live traffic's; the training rows'
        # do not (the model has fitted them).
        "output": describe(pd.DataFrame({settings.output: held_out}), bins),
    }
    if calibration is not None:
        # Performance is estimated from it before labels arrive (runtime.estimation).
        metadata["calibration"] = calibration
        metadata["feature_calibration"] = feature_calibration
    metadata["statistics"]["output_gap"] = output_gap(
        metadata["statistics"]["output"], settings.output, fitted
    )
    metadata.update(seed=seed, as_of=as_of.isoformat(), trained_at=trained_at)
    return TrainingResult(
        model=model,
        metadata=metadata,
        rejects=rejects,
        score=score,
        matrix=np.vstack((train_matrix, test_matrix)),
        algorithm=algorithm,
        candidates=candidates,
    )
