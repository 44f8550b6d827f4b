"""The learners' table: it names the libraries' real parameters, builds the
estimators, and every learner's ONNX export predicts like it on every task."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from modelplate.runtime.artifact import OnnxModel
from modelplate.runtime.artifact import predict as predict_onnx
from modelplate.runtime.definition import TASKS, Field, Model
from modelplate.runtime.errors import TrainingError
from modelplate.runtime.learners import (
    LEARNERS,
    build,
    kind_of,
    learner_of,
    names_for,
    parameter_problems,
)
from modelplate.runtime.model import TOLERANCE, export_onnx, fit, predict

# skl2onnx hands numpy booleans to onnx.helper for tree ensembles, which protobuf 6
# only warns about (the generated projects ignore the same warning).
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:onnx[.]")

RNG = np.random.default_rng(11)
MATRIX = RNG.normal(size=(150, 4))
TARGETS = {
    "binary_classification": MATRIX[:, 0] + 0.5 * RNG.normal(size=150) > 0,
    "multiclass_classification": np.array(["low", "mid", "high"], dtype=object)[
        np.digitize(MATRIX[:, 1], [-0.5, 0.5])
    ],
    "regression": 3.0 * MATRIX[:, 0] - MATRIX[:, 2] ** 2 + 10.0,
}
PAIRS = [(name, task) for task in TASKS for name in names_for(task)]


def _settings(task: str, algorithm, params=None) -> Model:
    target = Field(name="y", type="float" if task == "regression" else "string")
    metric = {"regression": "r2", "binary_classification": "roc_auc"}
    return Model(
        task,
        algorithm,
        None,
        target,
        metric.get(task, "accuracy"),
        params=params or {},
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [(name, kind) for name, learner in LEARNERS.items() for kind in learner.estimators],
)
def test_the_table_names_each_estimators_own_parameters(name, kind):
    module, _, cls = LEARNERS[name].estimators[kind].rpartition(".")
    estimator_class = getattr(importlib.import_module(module), cls)
    assert LEARNERS[name].params[kind] == set(estimator_class().get_params(deep=False))


def test_the_table_is_read_without_importing_a_learning_library():
    import subprocess
    import sys

    code = (
        "import sys, modelplate.runtime.learners\n"
        "heavy = {'sklearn', 'lightgbm', 'xgboost', 'numpy'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(("name", "task"), PAIRS)
def test_every_learner_exports_an_onnx_model_that_predicts_like_it(name, task):
    settings = _settings(task, name)
    target = TARGETS[task]
    model = fit(settings, MATRIX, target, seed=0)
    assert learner_of(model) is LEARNERS[name]
    exported, difference = export_onnx(settings, model, MATRIX)
    assert 0.0 <= difference <= TOLERANCE
    classes = model.classes_.tolist() if settings.classifier else None
    onnx = predict_onnx(task, OnnxModel(exported, classes=classes), MATRIX)
    expected = predict(task, model, MATRIX)
    if task == "multiclass_classification":
        assert (onnx[0] == expected[0]).all()
        assert sorted(model.classes_) == ["high", "low", "mid"]
    else:
        scale = max(1.0, float(np.abs(expected).max()))
        assert np.abs(onnx - expected).max() <= TOLERANCE * scale


@pytest.mark.parametrize(("name", "task"), PAIRS)
def test_a_seed_gives_one_model(name, task):
    settings = _settings(task, name)
    first, second = (fit(settings, MATRIX, TARGETS[task], seed=3) for _ in range(2))
    a, b = predict(task, first, MATRIX), predict(task, second, MATRIX)
    if task == "multiclass_classification":
        a, b = a[1], b[1]
    assert np.array_equal(a, b)


def test_params_reach_the_estimator_and_the_runtime_keeps_its_own():
    estimator = build("lightgbm", "regression", {"num_leaves": 7}, seed=5)
    params = estimator.get_params()
    assert (params["num_leaves"], params["random_state"], params["n_jobs"]) == (7, 5, 1)
    scaled = build("logistic_regression", "binary_classification", {"C": 0.5}, 2)
    assert scaled.steps[-1][1].get_params()["C"] == 0.5


def test_a_misspelled_parameter_is_named_with_a_suggestion():
    problems = parameter_problems("lightgbm", "regression", {"num_leafs": 15})
    assert problems == {
        "num_leafs": "lightgbm takes no parameter 'num_leafs'; did you mean 'num_leaves'?"
    }


@pytest.mark.parametrize("name", ["random_state", "n_jobs", "verbose"])
def test_parameters_the_runtime_sets_are_refused_with_the_reason(name):
    problems = parameter_problems("random_forest", "regression", {name: 1})
    assert "is not set in model.params" in problems[name]
    assert ("model.seed" in problems[name]) == (name == "random_state")


def test_only_simple_values_are_accepted():
    problems = parameter_problems("xgboost", "regression", {"max_depth": [3]})
    assert "got list" in problems["max_depth"]
    assert parameter_problems("xgboost", "regression", {"max_depth": None}) == {}


def test_build_refuses_bad_parameters_and_unknown_learners():
    with pytest.raises(TrainingError, match="did you mean 'max_depth'"):
        build("xgboost", "regression", {"max_dept": 3}, 0)
    with pytest.raises(TrainingError, match="no learner 'ridge' for binary"):
        build("ridge", "binary_classification", {}, 0)


def test_a_bad_parameter_value_is_one_line_at_fit():
    settings = _settings("regression", "lightgbm", {"lightgbm": {"num_leaves": 0}})
    with pytest.raises(TrainingError, match="^cannot fit lightgbm: "):
        fit(settings, MATRIX, TARGETS["regression"], seed=0)


def test_each_task_has_learners_of_its_kind():
    assert kind_of("regression") == "regressor"
    assert "ridge" in names_for("regression")
    assert "ridge" not in names_for("multiclass_classification")
    assert {"lightgbm", "xgboost"} <= set(names_for("binary_classification"))
