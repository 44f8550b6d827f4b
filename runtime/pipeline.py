# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Scoring, end to end: contract -> features -> matrix -> model -> decisions.

Pure functions of their arguments: the caller reads the files and the clock, so
the same frame, artifact and ``as_of`` always give the same result, in a batch
job, a Dask partition, a test or an HTTP request. A service's ``pipeline.py``
binds them to its contract, features, rules and model (``Scorer``); the trained
model comes in as its artifact and the function that runs it (``predict``).
``score_valid`` is the step after the contract, for callers (the service) that
check the contract themselves; ``score_record`` is the one-record path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from .contract import validate_frame
from .decisions import choose, decide
from .definition import Contract, Decisions, Features
from .features import assemble, derive_features, impute
from .record import Record, derive_record, impute_record, model_record
from .serialization import record_matrix, to_matrix

__all__ = ["Scorer", "Scoring", "Table", "Trained"]

# A batch as a frame, or one record as columns of length-1 arrays (``record``).
Table = pd.DataFrame | Mapping[str, np.ndarray]


class Trained(Protocol):
    """What scoring reads from a loaded artifact."""

    model: object  # run by ``Scorer.predict``; a classifier has ``classes_``
    columns: tuple[str, ...]
    imputation: Mapping[str, object]


@dataclass(frozen=True)
class Scoring:
    """What scoring computed, kept for monitoring: a batch's frames, or one record's
    columns of length-1 arrays."""

    derived: Table  # every derived feature
    features: Table  # the model's input columns, as the model saw them
    scored: Table  # ``score_valid``'s result
    matrix: np.ndarray  # what the model was given: ``features`` in column order


@dataclass(frozen=True)
class Scorer:
    """One service's scoring: its contract, features, rules (if any), task and the
    function that runs its model (``predict(model, matrix)``: the outputs, or for
    multiclass the labels and the probability of each class)."""

    contract: Contract
    features: Features
    task: str
    predict: Callable[[object, np.ndarray], object]
    decisions: Decisions | None = None

    @property
    def output(self) -> str:
        """The model's output column: a probability or a predicted value."""
        return "score" if self.task == "binary_classification" else "prediction"

    def model_outputs(self, artifact: Trained, matrix: np.ndarray) -> dict:
        """The model's output columns (for multiclass the label, then one
        probability per class) for a non-empty matrix."""
        if self.task != "multiclass_classification":
            return {self.output: self.predict(artifact.model, matrix)}
        labels, probabilities = self.predict(artifact.model, matrix)
        columns = {self.output: labels}
        for position, label in enumerate(artifact.model.classes_):
            columns[f"probability[{label}]"] = probabilities[:, position]
        return columns

    def _outputs(
        self, artifact: Trained, matrix: np.ndarray, index: pd.Index
    ) -> pd.DataFrame:
        if len(index):
            return pd.DataFrame(self.model_outputs(artifact, matrix), index=index)
        # onnxruntime refuses an empty matrix; the same columns, so that batches of
        # any size concatenate.
        if self.task != "multiclass_classification":
            return pd.DataFrame({self.output: pd.Series(dtype="float64")}, index=index)
        columns = {self.output: pd.Series(dtype=object)}
        for label in artifact.model.classes_:
            columns[f"probability[{label}]"] = pd.Series(dtype="float64")
        return pd.DataFrame(columns, index=index)

    def score_steps(
        self,
        valid: pd.DataFrame,
        artifact: Trained,
        as_of: pd.Timestamp,
        looked_up: pd.DataFrame | None = None,
    ) -> Scoring:
        """``score_valid`` with the steps on the way; ``looked_up`` holds features
        precomputed for these rows (the service's feature store), used as they are."""
        inputs = impute(valid, artifact.imputation, self.contract.fields)
        derived = derive_features(inputs, valid, as_of, self.features, looked_up)
        features = assemble(inputs, derived, self.features)
        matrix = to_matrix(features, artifact.columns)
        outputs = self._outputs(artifact, matrix, valid.index)
        id_field = self.contract.id_field
        parts: list[pd.DataFrame | pd.Series] = [valid[[id_field]]] if id_field else []
        parts.append(outputs)
        if self.decisions is not None:
            parts.append(decide(self.decisions, valid, derived, outputs))
        return Scoring(derived, features, pd.concat(parts, axis=1), matrix)

    def score_valid(
        self, valid: pd.DataFrame, artifact: Trained, as_of: pd.Timestamp
    ) -> pd.DataFrame:
        """Score rows that passed ``validate_frame`` (parsed as it returns them).

        The result keeps the input's index and holds the id field (if any), the
        model's output and, when the service has rules, the decision.
        """
        return self.score_steps(valid, artifact, as_of).scored

    def score_frame(
        self, frame: pd.DataFrame, artifact: Trained, as_of: pd.Timestamp
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(scored rows, rejected rows); together they are every input row, in order.

        Rejected rows are the input rows that broke the contract, with their reasons.
        """
        valid, rejects = validate_frame(frame, self.contract)
        return self.score_valid(valid, artifact, as_of), rejects

    def score_record(
        self,
        columns: Record,
        artifact: Trained,
        as_of: pd.Timestamp,
        looked_up: Mapping[str, np.ndarray] | None = None,
    ) -> Scoring:
        """``score_steps`` for one record from ``record.columns_of``, as columns."""
        inputs = impute_record(columns, artifact.imputation, self.contract.fields)
        derived = derive_record(inputs, columns, as_of, self.features, looked_up)
        model_inputs = model_record(inputs, derived, self.features)
        matrix = record_matrix(model_inputs, artifact.columns)
        outputs = self.model_outputs(artifact, matrix)
        id_field = self.contract.id_field
        scored = {id_field: columns[id_field]} if id_field else {}
        scored.update(outputs)
        if self.decisions is not None:
            decided = choose(self.decisions, columns, derived, outputs, 1)
            scored[self.decisions.output] = decided
        features = dict(zip(artifact.columns, matrix.T, strict=True))
        return Scoring(derived, features, scored, matrix)
