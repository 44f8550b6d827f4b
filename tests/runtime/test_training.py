"""Training from a labelled frame: contract, split, features, fit, the bar."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics
from sklearn.linear_model import LinearRegression, LogisticRegression

from modelplate.runtime.contract import REASONS
from modelplate.runtime.definition import Contract, Features, Field, Model
from modelplate.runtime.errors import TrainingError
from modelplate.runtime.featurecalibration import chances_given_features
from modelplate.runtime.model import fit, predict
from modelplate.runtime.training import (
    MIN_ROWS,
    calibration_of,
    fingerprint,
    split_target,
    train,
    training_fields,
)

AS_OF = pd.Timestamp("2024-06-01")
CONTRACT = Contract(
    title="orders",
    fields=(
        Field(name="order_id", type="string", role="id"),
        Field(name="items", type="integer", minimum=1, maximum=100),
        Field(name="amount", type="float", minimum=0.0, nullable=True, impute="median"),
    ),
)
FEATURES = Features(
    expressions={
        "per_item": lambda inputs, raw, as_of: inputs["amount"] / inputs["items"]
    },
    model_columns=("items", "amount", "per_item"),
)
LATE = Model(
    task="binary_classification",
    algorithm="logistic_regression",
    estimator=lambda seed: LogisticRegression(random_state=seed),
    target=Field(name="status", type="category", values=("ok", "late")),
    metric="roc_auc",
    positive="late",
    min_metric=0.5,
)


# Two columns and labels that follow the first: a matrix as training builds one.
MATRIX = np.random.default_rng(8).normal(size=(160, 2))
LABELS = MATRIX[:, 0] + np.random.default_rng(9).normal(0, 0.5, 160) > 0


def labelled(rows: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    items = rng.integers(1, 100, rows)
    amount = rng.uniform(0, 500, rows)
    late = items + rng.normal(0, 20, rows) > 50
    return pd.DataFrame(
        {
            "order_id": [f"O{n}" for n in range(rows)],
            "items": items,
            "amount": np.where(np.arange(rows) % 10 == 0, np.nan, amount),
            "status": np.where(late, "late", "ok"),
        }
    )


def _train(data: pd.DataFrame, settings: Model = LATE, **options):
    return train(
        data,
        CONTRACT,
        FEATURES,
        settings,
        as_of=AS_OF,
        trained_at="2024-06-01T00:00:00+00:00",
        bins=5,
        **options,
    )


def test_training_stores_what_scoring_and_monitoring_need():
    result = _train(labelled())
    metadata = result.metadata
    assert metadata["columns"] == list(FEATURES.model_columns)
    assert metadata["contract_hash"] == CONTRACT.hash
    assert set(metadata["imputation"]) == {"amount"}
    assert metadata["classes"] == [False, True]
    assert metadata["metrics"] == {"roc_auc": result.score}
    assert set(metadata["statistics"]["inputs"]) == {"items", "amount"}  # no id
    assert set(metadata["statistics"]["output"]) == {"score"}
    assert metadata["rows"] == {"read": 200, "rejected": 0, "train": 160, "test": 40}
    assert result.matrix.shape == (200, 3)
    # Monitoring's allowances: the output's own train/held-out gap, and the
    # held-out calibration that estimates performance before labels arrive.
    assert set(metadata["statistics"]["output_gap"]["score"]) == {"psi", "ks"}
    knots = metadata["calibration"]["score"]
    assert len(knots["x"]) == len(knots["y"]) > 1
    given = metadata["feature_calibration"]
    assert given["columns"] == list(FEATURES.model_columns)
    assert len(given["weights"]["score"]["features"]) == 3


def test_few_held_out_rows_are_calibrated_with_the_training_rows_out_of_fold():
    """Held-out rows of one class alone say nothing about calibration; the
    training split's out-of-fold outputs, of both classes, do."""
    model = fit(LATE, MATRIX, LABELS[:160], 0)
    held_out_rows = (MATRIX[:10], np.zeros(10, dtype=bool))
    calibration, given = calibration_of(
        LATE,
        model,
        predict(LATE.task, model, held_out_rows[0]),
        held_out_rows=held_out_rows,
        train_rows=(MATRIX, LABELS[:160]),
        algorithm="logistic_regression",
        seed=0,
        columns=["a", "b"],
    )
    knots = calibration["score"]["y"]
    assert knots[0] < 0.2 and knots[-1] > 0.8  # both classes were seen
    scores = predict(LATE.task, model, MATRIX)
    chances = chances_given_features(given, "score", scores, MATRIX)
    assert metrics.roc_auc_score(LABELS[:160], chances) > 0.9
    assert calibration_of(
        replace(LATE, task="regression"),
        model,
        None,
        held_out_rows=held_out_rows,
        train_rows=(MATRIX, LABELS[:160]),
        algorithm="logistic_regression",
        seed=0,
        columns=["a", "b"],
    ) == (None, None)


def test_rows_that_break_the_contract_are_set_aside():
    data = labelled()
    data.loc[3, "status"] = "lost"
    data.loc[7, "items"] = 0
    result = _train(data)
    assert result.rejects.index.tolist() == [3, 7]
    assert "status: " in result.rejects[REASONS].loc[3]
    assert result.metadata["rows"]["rejected"] == 2


def test_training_is_deterministic_for_a_seed():
    first, again = _train(labelled(), seed=3), _train(labelled(), seed=3)
    assert first.score == again.score and first.metadata["seed"] == 3
    assert np.array_equal(first.matrix, again.matrix)


def test_the_positive_class_is_the_one_scored():
    inputs, labels = split_target(labelled().head(4), LATE)
    assert "status" not in inputs.columns
    assert labels.tolist() == (labelled().head(4)["status"] == "late").tolist()


def test_a_regression_target_is_learned_as_numbers():
    data = labelled().assign(status=lambda frame: frame["items"] * 2.5)
    settings = Model(
        task="regression",
        algorithm="linear_regression",
        estimator=lambda seed: LinearRegression(),
        target=Field(name="status", type="float"),
        metric="r2",
    )
    result = _train(data, settings)
    assert result.score > 0.99
    assert "classes" not in result.metadata
    assert "calibration" not in result.metadata  # a regressor's error is not estimated
    assert training_fields(CONTRACT, settings)[-1] == settings.target


def test_the_bar_comes_from_the_settings_unless_overridden():
    score = _train(labelled(), min_metric=None).score
    missed = math.nextafter(score, math.inf)
    with pytest.raises(TrainingError, match=re.escape(f"below min_metric {missed};")):
        _train(labelled(), replace(LATE, min_metric=missed))
    assert _train(labelled(), replace(LATE, min_metric=missed), min_metric=None)
    assert _train(labelled(), min_metric=score).score == score


def test_a_max_metric_is_a_ceiling():
    settings = replace(LATE, metric="log_loss", min_metric=None)
    score = _train(labelled(), settings).score
    with pytest.raises(TrainingError, match="above max_metric"):
        _train(labelled(), settings, max_metric=math.nextafter(score, -math.inf))


def test_data_without_the_target_is_refused():
    with pytest.raises(TrainingError, match="no target column 'status'"):
        _train(labelled().drop(columns=["status"]))


def test_too_few_valid_rows_are_refused():
    with pytest.raises(TrainingError, match=f"at least {MIN_ROWS}"):
        _train(labelled(MIN_ROWS - 1))


def test_a_single_class_is_refused():
    with pytest.raises(TrainingError, match="single class"):
        _train(labelled().assign(status="ok"))


def test_a_split_that_cannot_be_made_is_one_clear_error():
    data = labelled()
    data["status"] = "ok"
    data.loc[0, "status"] = "late"  # one late row cannot be in both splits
    with pytest.raises(TrainingError, match="cannot split the training data"):
        _train(data)


def test_the_data_fingerprint_is_the_rows_as_parsed_not_the_file():
    rows = pd.DataFrame({"items": [1.0, 2.0, 3.0], "late": [True, False, True]})
    reindexed = rows.set_axis([7, 8, 9])
    assert fingerprint(rows) == fingerprint(reindexed)
    changed = rows.assign(items=[1.0, 2.0, 4.0])
    renamed = rows.rename(columns={"items": "count"})
    reordered = rows.iloc[::-1]
    others = {fingerprint(frame) for frame in (changed, renamed, reordered)}
    assert len(others | {fingerprint(rows)}) == 4
