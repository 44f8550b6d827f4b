"""Choosing among candidate algorithms by cross-validation on the training split."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics

from modelplate.runtime.definition import Contract, Features, Field, Model
from modelplate.runtime.errors import TrainingError
from modelplate.runtime.model import fit, predict
from modelplate.runtime.selection import (
    FOLDS,
    Candidate,
    best,
    cross_validate,
    fold_count,
    folds,
    out_of_fold,
)
from modelplate.runtime.training import train

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:onnx[.]")

RNG = np.random.default_rng(3)
MATRIX = RNG.normal(size=(200, 5))
# A straight line with little noise: a linear model is clearly better than trees,
# which can only approximate it by steps.
LINE = MATRIX @ np.array([3.0, -2.0, 1.0, 0.5, 4.0]) + RNG.normal(0, 0.1, 200)
# A checkerboard of the first two columns: no straight boundary separates it.
BOARD = (MATRIX[:, 0] > 0) ^ (MATRIX[:, 1] > 0)

REGRESSION = Model(
    task="regression",
    algorithm=("random_forest", "linear_regression", "hist_gradient_boosting"),
    estimator=None,
    target=Field(name="y", type="float"),
    metric="r2",
    params={"random_forest": {"n_estimators": 20}},
)
CLASSIFICATION = Model(
    task="binary_classification",
    algorithm=("logistic_regression", "random_forest"),
    estimator=None,
    target=Field(name="y", type="boolean"),
    metric="roc_auc",
    params={"random_forest": {"n_estimators": 50}},
)


def test_the_clearly_better_learner_wins_on_a_line():
    candidates = cross_validate(REGRESSION, MATRIX, LINE, seed=0)
    assert [c.algorithm for c in candidates] == list(REGRESSION.algorithms)
    assert best(candidates, "r2").algorithm == "linear_regression"
    # The same folds, scored as an error: the smallest wins.
    errors = cross_validate(replace(REGRESSION, metric="rmse"), MATRIX, LINE, seed=0)
    assert best(errors, "rmse").algorithm == "linear_regression"
    assert all(c.folds == FOLDS and c.std >= 0.0 for c in candidates)


def test_the_clearly_better_learner_wins_on_a_checkerboard():
    candidates = cross_validate(CLASSIFICATION, MATRIX, BOARD, seed=0)
    assert best(candidates, "roc_auc").algorithm == "random_forest"
    logistic, forest = candidates
    assert logistic.mean < 0.7 < forest.mean


def test_cross_validation_is_deterministic_for_a_seed():
    first = cross_validate(CLASSIFICATION, MATRIX, BOARD, seed=4)
    assert cross_validate(CLASSIFICATION, MATRIX, BOARD, seed=4) == first


def test_the_first_of_equals_wins_and_nan_never_does():
    tied = [Candidate("a", 0.5, 0.1, 5), Candidate("b", 0.5, 0.0, 5)]
    assert best(tied, "r2").algorithm == "a"
    undefined = [Candidate("a", float("nan"), 0.0, 5), Candidate("b", 0.1, 0.0, 5)]
    assert best(undefined, "r2").algorithm == "b"


def test_a_small_training_split_gets_fewer_folds():
    assert folds(REGRESSION, LINE[:30], seed=0).get_n_splits() == 3
    rare = np.array([True] * 3 + [False] * 57)
    assert folds(CLASSIFICATION, rare, seed=0).get_n_splits() == 3


def test_out_of_fold_outputs_come_from_models_that_never_saw_the_row():
    """Pure-noise labels: a forest fitted on them scores its own rows almost
    perfectly, and rows it never saw no better than chance."""
    noise = np.random.default_rng(9).random(200) < 0.5
    forest = replace(CLASSIFICATION, algorithm=("random_forest",))
    folded = out_of_fold(forest, MATRIX, noise, seed=0, algorithm="random_forest")
    seen = predict(forest.task, fit(forest, MATRIX, noise, 0), MATRIX)
    assert folded.shape == (200,) and ((0 <= folded) & (folded <= 1)).all()
    assert metrics.roc_auc_score(noise, seen) > 0.95
    assert abs(metrics.roc_auc_score(noise, folded) - 0.5) < 0.1
    assert out_of_fold(forest, MATRIX, noise, 0, "random_forest").tolist() == (
        folded.tolist()
    )


def test_out_of_fold_multiclass_outputs_are_labels_and_probabilities():
    cells = (MATRIX[:, 0] > 0).astype(int) + (MATRIX[:, 1] > 1).astype(int)
    classes = np.array(["a", "b", "c"])[cells]
    model = replace(
        CLASSIFICATION,
        task="multiclass_classification",
        target=Field(name="y", type="category", values=("a", "b", "c")),
        metric="accuracy",
    )
    labels, probabilities = out_of_fold(model, MATRIX, classes, 0, "random_forest")
    assert probabilities.shape == (200, 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert set(labels) <= {"a", "b", "c"} and np.mean(labels == classes) > 0.8
    assert fold_count(model, classes) == FOLDS


def test_too_small_a_split_to_compare_is_refused_with_a_way_out():
    rare = np.array([True] + [False] * 59)
    with pytest.raises(TrainingError, match="name one algorithm, or add data"):
        folds(CLASSIFICATION, rare, seed=0)


def test_training_fits_the_winner_and_records_every_candidate():
    contract = Contract(
        title="line",
        fields=tuple(Field(name=f"x{i}", type="float") for i in range(5)),
    )
    features = Features(expressions={}, model_columns=tuple(f"x{i}" for i in range(5)))
    data = pd.DataFrame(MATRIX, columns=list(features.model_columns)).assign(y=LINE)
    result = train(
        data,
        contract,
        features,
        REGRESSION,
        as_of=pd.Timestamp("2024-01-01"),
        trained_at="2024-01-01T00:00:00+00:00",
    )
    assert result.algorithm == result.metadata["algorithm"] == "linear_regression"
    recorded = result.metadata["candidates"]
    assert list(recorded) == list(REGRESSION.algorithms)
    assert recorded["linear_regression"] == result.candidates[1].as_dict()
    assert result.score > 0.99
