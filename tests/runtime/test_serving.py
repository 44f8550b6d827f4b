"""Scoring requests of a small service: the frame and one-record paths, results."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from modelplate.runtime.definition import (
    Decisions,
    Drift,
    Features,
    Monitoring,
    Performance,
    Precompute,
    Rule,
)
from modelplate.runtime.errors import MissingEntityError
from modelplate.runtime.pipeline import Scorer
from modelplate.runtime.serving import Serving, refused

AS_OF = pd.Timestamp("2024-06-01")
FEATURES = Features(expressions={}, model_columns=("items", "amount"))


def large(inputs, features, outputs):
    "items > 5"
    return inputs["items"] > 5


@dataclass(frozen=True)
class Artifact:
    model: object
    columns: tuple[str, ...] = FEATURES.model_columns
    imputation: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)


DECISIONS = Decisions("action", (Rule(large, "check"),), "ship")


def _serving(contract, record, task: str, predict) -> Serving:
    return Serving(
        contract=contract,
        request_fields=contract.fields,
        features=FEATURES,
        scorer=Scorer(contract, FEATURES, task, predict, DECISIONS),
        load_artifact=lambda location: None,
        example=record,
        monitoring=Monitoring(Drift(), Performance(metric="roc_auc")),
        namespace="orders",
        decisions=DECISIONS,
    )


def _records(record, count: int) -> list[dict]:
    return [{**record, "items": 1 + n % 9, "amount": 2.5 * n} for n in range(count)]


def _fitted(target) -> Artifact:
    matrix = np.array([[1 + n % 9, 2.5 * n] for n in range(40)])
    return Artifact(LogisticRegression(max_iter=1000).fit(matrix, target(matrix)))


def test_one_record_scores_as_its_row_in_a_batch(contract, record):
    serving = _serving(
        contract,
        record,
        "binary_classification",
        lambda model, matrix: model.predict_proba(matrix)[:, 1],
    )
    artifact = _fitted(lambda matrix: matrix[:, 0] > 4)
    state = serving.new_state(None, lambda: AS_OF, (), artifact)
    serving.load(state)
    records = _records(record, 6)
    batch = serving.predict(state, serving.requests.check_batch(records))
    for one, row in zip(records, batch, strict=True):
        alone = serving.predict_one(state, serving.requests.checked(one)[1])
        assert alone["score"] == pytest.approx(row["score"])
        assert (
            alone["action"]
            == row["action"]
            == ("check" if one["items"] > 5 else "ship")
        )
    assert serving.decision == "action" and state.recent.rows == 12


def test_multiclass_results_carry_the_label_and_the_probabilities(contract, record):
    def predict(model, matrix):
        return model.predict(matrix), model.predict_proba(matrix)

    serving = _serving(contract, record, "multiclass_classification", predict)
    artifact = _fitted(lambda matrix: matrix[:, 0] // 4)
    valid = serving.requests.check_batch(_records(record, 3))
    scored = serving.score_records(valid, artifact, AS_OF).scored
    results = serving.to_results(scored)
    assert len(results) == 3
    assert set(results[0]) >= {"order_id", "prediction", "action"}


def test_an_unknown_entity_is_a_404_on_its_records_only():
    precompute = Precompute("customer", ("spend",), "1h", 3600.0, "store.sqlite")
    error = refused(MissingEntityError("unknown", ["b"]), ["a", "b"], precompute)
    assert error.status == 404
    assert [v["field"] for v in error.violations] == ["customer"]
    assert "customer b" in error.violations[0]["message"]
