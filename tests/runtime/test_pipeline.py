"""Scoring end to end with a small scikit-learn model: frames and one record agree."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from order_rows import order_rows
from sklearn.linear_model import LinearRegression, LogisticRegression

from modelplate.runtime.contract import REASONS, validate_frame
from modelplate.runtime.definition import Decisions, Features, Rule
from modelplate.runtime.pipeline import Scorer
from modelplate.runtime.record import columns_of

AS_OF = pd.Timestamp("2024-06-01")
FEATURES = Features(
    expressions={
        "per_item": lambda inputs, raw, as_of: inputs["amount"] / inputs["items"]
    },
    encodings={"channel": {"web": "channel=web", "shop": "channel=shop"}},
    model_columns=("items", "per_item", "channel=web"),
)


def large(inputs, features, outputs):
    "items > 50"
    return inputs["items"] > 50


DECISIONS = Decisions(output="action", rules=(Rule(large, "check"),), default="ship")


@dataclass(frozen=True)
class Artifact:
    model: object
    columns: tuple[str, ...] = FEATURES.model_columns
    imputation: dict = None


def _predict_probability(model, matrix):
    return model.predict_proba(matrix)[:, 1]


def _predict_classes(model, matrix):
    return model.predict(matrix), model.predict_proba(matrix)


def _records(count: int) -> list[dict]:
    return order_rows(count, **{"Ship To": None})


def _fit(model, target):
    frame = pd.DataFrame(_records(40), dtype=object)
    matrix = np.column_stack(
        [
            frame["items"].astype(float),
            frame["amount"].astype(float) / frame["items"].astype(float),
            (frame["channel"] == "web").astype(float),
        ]
    )
    return Artifact(model.fit(matrix, target(frame)), imputation={})


@pytest.fixture
def binary(contract):
    scorer = Scorer(contract, FEATURES, "binary_classification", _predict_probability)

    def target(frame):
        return (frame["items"].astype(int) > 40).to_numpy()

    return scorer, _fit(LogisticRegression(), target)


def test_a_frame_scores_valid_rows_and_rejects_the_rest(binary):
    scorer, artifact = binary
    records = _records(5)
    records[2] = {**records[2], "items": 0}
    scored, rejects = scorer.score_frame(
        pd.DataFrame(records, dtype=object), artifact, AS_OF
    )
    assert list(scored.index) == [0, 1, 3, 4] and list(rejects.index) == [2]
    assert "items: min" in rejects[REASONS].iloc[0]
    assert list(scored.columns) == ["order_id", "score"]
    assert scored["score"].between(0, 1).all()


def test_an_empty_batch_has_the_columns_of_a_full_one(binary, contract):
    scorer, artifact = binary
    empty = pd.DataFrame(columns=[f.name for f in contract.fields], dtype=object)
    scored, rejects = scorer.score_frame(empty, artifact, AS_OF)
    assert scored.empty and rejects.empty
    assert list(scored.columns) == ["order_id", "score"]


def test_one_record_scores_as_its_one_row_frame(binary, contract):
    scorer, artifact = binary
    decided = Scorer(contract, FEATURES, scorer.task, scorer.predict, DECISIONS)
    for record in _records(8):
        checked = validate_frame(pd.DataFrame([record], dtype=object), contract)[0]
        slow = decided.score_steps(checked, artifact, AS_OF)
        fast = decided.score_record(
            columns_of(record, contract, FEATURES), artifact, AS_OF
        )
        assert list(fast.scored) == list(slow.scored.columns)
        assert fast.scored["order_id"][0] == slow.scored["order_id"].iloc[0]
        assert fast.scored["score"][0] == pytest.approx(slow.scored["score"].iloc[0])
        assert fast.scored["action"][0] == slow.scored["action"].iloc[0]
        expected = "check" if record["items"] > 50 else "ship"
        assert fast.scored["action"][0] == expected


def test_a_multiclass_model_gives_the_label_and_each_class_probability(contract):
    scorer = Scorer(contract, FEATURES, "multiclass_classification", _predict_classes)

    def target(frame):
        return (frame["items"].astype(int) // 31).to_numpy()

    artifact = _fit(LogisticRegression(max_iter=1000), target)
    frame = pd.DataFrame(_records(6), dtype=object)
    scored = scorer.score_frame(frame, artifact, AS_OF)[0]
    classes = [f"probability[{label}]" for label in artifact.model.classes_]
    assert list(scored.columns) == ["order_id", "prediction", *classes]
    np.testing.assert_allclose(scored[classes].sum(axis=1), 1.0)
    empty = scorer.score_frame(frame.head(0), artifact, AS_OF)[0]
    assert list(empty.columns) == list(scored.columns)


def test_a_regression_model_predicts_a_value(contract):
    scorer = Scorer(contract, FEATURES, "regression", lambda m, x: m.predict(x))

    def target(frame):
        return frame["amount"].astype(float).to_numpy()

    artifact = _fit(LinearRegression(), target)
    scored = scorer.score_frame(
        pd.DataFrame(_records(3), dtype=object), artifact, AS_OF
    )
    assert scorer.output == "prediction"
    assert list(scored[0].columns) == ["order_id", "prediction"]
