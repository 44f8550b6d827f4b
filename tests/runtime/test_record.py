"""The one-record path: the same values as the frame path, without pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelplate.runtime import functions as F
from modelplate.runtime.contract import validate_frame
from modelplate.runtime.definition import Features, Field
from modelplate.runtime.features import assemble, derive_features, impute
from modelplate.runtime.record import (
    api_result,
    columns_of,
    derive_record,
    impute_record,
    model_record,
    result_of,
)

AS_OF = pd.Timestamp("2024-06-01")


def _per_item(inputs, raw, as_of):
    return inputs["amount"] / inputs["items"]


def _age_days(inputs, raw, as_of):
    return F.days_between(inputs["placed"], as_of)


FEATURES = Features(
    expressions={"per_item": _per_item, "age_days": _age_days},
    encodings={"channel": {"web": "channel=web", "shop": "channel=shop"}},
    model_columns=("items", "per_item", "age_days", "channel=web", "channel=shop"),
)


@pytest.fixture
def sent(record):
    """A record the one-record path takes (its nullable boolean is not null)."""
    return {**record, "coupon": True}


@pytest.fixture
def imputed(contract):
    fields = tuple(
        (
            Field(**{**f.__dict__, "nullable": True, "impute": "median"})
            if f.name == "amount"
            else f
        )
        for f in contract.fields
    )
    return type(contract)(title=contract.title, fields=fields)


def test_a_record_derives_and_assembles_as_a_one_row_frame(contract, sent):
    columns = columns_of(sent, contract, FEATURES)
    valid, rejects = validate_frame(pd.DataFrame([sent], dtype=object), contract)
    assert rejects.empty
    derived = derive_features(valid, valid, AS_OF, FEATURES)
    fast = derive_record(columns, columns, AS_OF, FEATURES)
    assert list(fast) == list(derived.columns)
    for name in derived.columns:
        assert fast[name][0] == pytest.approx(derived[name].iloc[0]), name
    model = model_record(columns, fast, FEATURES)
    frame = assemble(valid, derived, FEATURES)
    assert list(model) == list(frame.columns)
    row = np.array([float(values[0]) for values in model.values()])
    np.testing.assert_array_equal(row, frame.to_numpy(np.float64)[0])


def test_a_null_is_imputed_as_on_the_frame_path(imputed, sent):
    columns = columns_of({**sent, "amount": None}, imputed, FEATURES)
    filled = impute_record(columns, {"amount": 7.5}, imputed.fields)
    assert filled["amount"].tolist() == [7.5]
    assert np.isnan(columns["amount"][0])  # the raw record is left as it was
    frame = impute(pd.DataFrame({"amount": [np.nan]}), {"amount": 7.5}, imputed.fields)
    assert frame["amount"].tolist() == filled["amount"].tolist()


def test_looked_up_features_are_taken_as_they_are(contract, sent):
    columns = columns_of(sent, contract, FEATURES)
    looked_up = {"per_item": np.array([99.0]), "channel=web": np.array([5.0])}
    fast = derive_record(columns, columns, AS_OF, FEATURES, looked_up)
    assert fast["per_item"].tolist() == [99.0]
    assert fast["channel=web"].tolist() == [5.0]
    assert fast["channel=shop"].tolist() == [0.0]


def test_records_the_frame_path_must_score_are_handed_back(contract, sent):
    assert columns_of(sent, contract, FEATURES) is not None
    # A null boolean: pandas' nullable boolean has its own logic for nulls.
    assert columns_of({**sent, "coupon": None}, contract, FEATURES) is None
    custom = Features(expressions={}, custom={"x": _per_item}, model_columns=())
    assert columns_of(sent, contract, custom) is None


def test_a_result_has_plain_values_and_probabilities_by_class():
    scored = {
        "order_id": np.array(["O0001"], dtype=object),
        "prediction": np.array(["b"], dtype=object),
        "probability[a]": np.array([0.25]),
        "probability[b]": np.array([0.75]),
    }
    result = result_of(scored)
    assert result == {
        "order_id": "O0001",
        "prediction": "b",
        "probabilities": {"a": 0.25, "b": 0.75},
    }
    assert type(result["probabilities"]["a"]) is float
    assert api_result({"score": np.float64(0.5)}) == {"score": 0.5}
    assert type(api_result({"score": np.float64(0.5)})["score"]) is float
