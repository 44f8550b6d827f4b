"""The features engine: imputation, derivation, encodings and the model's frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelplate.runtime.definition import Features, Field
from modelplate.runtime.errors import FeatureError
from modelplate.runtime.features import (
    Imputer,
    assemble,
    build_features,
    derive_features,
    imputation_value,
    impute,
)

AS_OF = pd.Timestamp("2024-06-01")
FIELDS = (
    Field(name="items", type="integer", impute="median"),
    Field(name="amount", type="float", impute="mean"),
    Field(
        name="channel", type="category", values=("web", "shop"), impute="most_frequent"
    ),
    Field(name="coupon", type="boolean", impute="constant", impute_value=False),
    Field(name="placed", type="date", nullable=True),
)


def _per_item(inputs, raw, as_of):
    return inputs["amount"] / inputs["items"]


def _was_missing(inputs, raw, as_of):
    return raw["amount"].isna()


FEATURES = Features(
    expressions={"per_item": _per_item},
    custom={"was_missing": _was_missing},
    encodings={"channel": {"web": "channel=web", "shop": "channel=shop"}},
    model_columns=("items", "per_item", "was_missing", "channel=web", "coupon"),
)


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "items": [1.0, 3.0, np.nan, 3.0],
            "amount": [10.0, np.nan, 30.0, 20.0],
            "channel": ["web", "shop", "shop", None],
            "coupon": pd.array([True, None, False, None], dtype="boolean"),
            "placed": pd.to_datetime(["2024-01-01", None, "2024-03-01", None]),
        }
    )


def test_the_imputer_learns_each_statistic_from_the_training_rows(frame):
    values = Imputer(FIELDS).fit(frame).values_
    assert values == {"items": 3.0, "amount": 20.0, "channel": "shop", "coupon": False}


def test_a_tie_imputes_the_smallest_value_whatever_the_row_order(frame):
    tied = frame.assign(channel=["web", "shop", None, None])
    first = Imputer(FIELDS).fit(tied).values_["channel"]
    again = Imputer(FIELDS).fit(tied.iloc[::-1]).values_["channel"]
    assert first == again == "shop"


def test_a_column_with_only_nulls_cannot_be_imputed(frame):
    with pytest.raises(FeatureError, match="items: cannot learn the median"):
        Imputer(FIELDS).fit(frame.assign(items=np.nan))


def test_transform_before_fit_is_refused(frame):
    with pytest.raises(FeatureError, match="before fit"):
        Imputer(FIELDS).transform(frame)


def test_impute_fills_only_nulls_and_leaves_the_input_unchanged(frame):
    before = frame.copy()
    filled = Imputer(FIELDS).fit(frame).transform(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert filled["items"].tolist() == [1.0, 3.0, 3.0, 3.0]
    assert filled["amount"].tolist() == [10.0, 20.0, 30.0, 20.0]
    assert filled["placed"].isna().sum() == 2  # not imputed by the spec


def test_an_imputation_value_missing_from_the_artifact_asks_for_retraining(frame):
    with pytest.raises(FeatureError, match="amount: no imputation value; retrain"):
        impute(frame, {"items": 1.0}, FIELDS)


def test_a_date_is_imputed_as_a_timestamp():
    field = Field(name="placed", type="date", impute="median")
    assert imputation_value(field, {"placed": "2024-02-01"}) == pd.Timestamp(
        "2024-02-01"
    )


def test_features_see_imputed_inputs_and_raw_inputs(frame):
    values = Imputer(FIELDS).fit(frame).values_
    inputs = impute(frame, values, FIELDS)
    derived = derive_features(inputs, frame, AS_OF, FEATURES)
    assert list(derived.columns) == [
        "per_item",
        "was_missing",
        "channel=web",
        "channel=shop",
    ]
    assert derived["per_item"].tolist() == [10.0, 20.0 / 3.0, 10.0, 20.0 / 3.0]
    assert derived["was_missing"].tolist() == [False, True, False, False]


def test_a_null_or_undeclared_category_encodes_as_zeros(frame):
    odd = frame.assign(channel=[None, "post", "web", "shop"])
    derived = derive_features(odd, odd, AS_OF, FEATURES)
    assert derived["channel=web"].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert derived["channel=shop"].tolist() == [0.0, 0.0, 0.0, 1.0]


def test_looked_up_columns_are_used_as_they_are(frame):
    looked_up = pd.DataFrame({"per_item": [7.0] * 4, "channel=web": [5.0] * 4})
    derived = derive_features(frame, frame, AS_OF, FEATURES, looked_up)
    assert derived["per_item"].tolist() == [7.0] * 4
    assert derived["channel=web"].tolist() == [5.0] * 4
    assert derived["channel=shop"].tolist() == [0.0, 1.0, 1.0, 0.0]


def test_a_constant_feature_is_broadcast_and_a_misaligned_one_refused(frame):
    constant = Features(expressions={"one": lambda i, r, a: 1.0}, model_columns=())
    assert derive_features(frame, frame, AS_OF, constant)["one"].tolist() == [1.0] * 4
    shifted = Features(
        expressions={"bad": lambda i, r, a: i["items"].reset_index(drop=True).shift()},
        model_columns=(),
    )
    with pytest.raises(FeatureError, match="bad: result is not aligned"):
        derive_features(frame.set_index(pd.Index([5, 6, 7, 8])), frame, AS_OF, shifted)


def test_the_model_frame_is_exactly_the_model_columns_as_floats(frame):
    values = Imputer(FIELDS).fit(frame).values_
    built = build_features(frame, AS_OF, values, FEATURES, FIELDS)
    assert tuple(built.columns) == FEATURES.model_columns
    assert (built.dtypes == "float64").all()
    assert built["coupon"].tolist() == [1.0, 0.0, 0.0, 0.0]
    inputs = impute(frame, values, FIELDS)
    derived = derive_features(inputs, frame, AS_OF, FEATURES)
    pd.testing.assert_frame_equal(assemble(inputs, derived, FEATURES), built)
