# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Derived features, and the frame of model inputs built from them.

A service's ``features.py`` compiles each feature of its spec into one pure
function of the imputed inputs (``inputs``), the inputs before imputation
(``raw``, for ``is_null``) and the scoring time (``as_of``), and describes them
with a ``Features`` object. This module runs them: imputation, derivation,
one-hot encoding and the model's input frame, the same for training and scoring,
with nothing depending on the clock or the machine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from .definition import Columns, Features, Field
from .errors import FeatureError

__all__ = [
    "Imputer",
    "assemble",
    "build_features",
    "derive_features",
    "derived_columns",
    "impute",
    "imputation_value",
]


class Imputer:
    """Learns the value to fill each null with, for the fields the spec imputes.

    Follows scikit-learn's conventions: ``fit`` learns from training data only
    (so the test split does not leak into it) and returns ``self``; the learned
    values end in ``_`` and are JSON-able, so they are stored with the model.
    """

    def __init__(self, fields: tuple[Field, ...]) -> None:
        self.fields = fields

    def fit(self, frame: pd.DataFrame) -> Imputer:
        values = {}
        for field in self.fields:
            if field.impute is None:
                continue
            if field.impute == "constant":
                values[field.name] = field.impute_value
                continue
            column = frame[field.name].dropna()
            if column.empty:
                raise FeatureError(
                    f"{field.name}: cannot learn the {field.impute} to impute with: "
                    "every training value is null"
                )
            values[field.name] = _jsonable(_statistic(column, field.impute))
        self.values_ = values
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        if not hasattr(self, "values_"):
            raise FeatureError("Imputer.transform called before fit")
        return impute(frame, self.values_, self.fields)


def _statistic(column: pd.Series, how: str) -> object:
    if how == "mean":
        return float(column.astype("float64").mean())
    if how == "median":
        return float(column.astype("float64").median())
    counts = column.value_counts()
    # Ties go to the smallest value, so the choice does not depend on row order.
    return min(counts[counts == counts.max()].index)


def _jsonable(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if isinstance(value, np.generic) else value


def impute(
    frame: pd.DataFrame, values: Mapping[str, object], fields: tuple[Field, ...]
) -> pd.DataFrame:
    """``frame`` with the nulls of each imputed field filled with its learned value."""
    filled = {}
    for field in fields:
        if field.impute is None or field.name not in frame.columns:
            continue
        filled[field.name] = frame[field.name].fillna(imputation_value(field, values))
    # Not ``frame.assign(**filled)``: a field called ``self`` would collide with
    # assign's own parameter.
    result = frame.copy(deep=False)
    for name, column in filled.items():
        result[name] = column
    return result


def imputation_value(field: Field, values: Mapping[str, object]) -> object:
    """The value an imputed field's nulls are filled with (a Timestamp for dates)."""
    if field.name not in values:
        raise FeatureError(
            f"{field.name}: no imputation value; retrain the model with this spec"
        )
    value = values[field.name]
    if field.type in ("date", "datetime") and value is not None:
        return pd.Timestamp(value)
    return value


def _aligned(result: object, index: pd.Index, name: str) -> pd.Series:
    """A feature's value as a Series on ``index`` (a constant is broadcast)."""
    if isinstance(result, pd.Series):
        if not result.index.equals(index):
            raise FeatureError(f"{name}: result is not aligned with the input rows")
        return result.rename(name)
    return pd.Series(result, index=index, name=name)


def derive_features(
    inputs: pd.DataFrame,
    raw: pd.DataFrame,
    as_of: pd.Timestamp,
    features: Features,
    looked_up: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every derived column (expressions, custom, then encodings), in spec order.

    Columns of ``looked_up`` (features precomputed in batch, on the same rows) are
    taken from it instead: online, the fields they read may not be sent at all.
    """
    given = looked_up if looked_up is not None else pd.DataFrame(index=inputs.index)
    columns = derived_columns(
        inputs,
        raw,
        as_of,
        features,
        given,
        lambda result, name: _aligned(result, inputs.index, name),
        lambda column, value: (column == value).astype("float64"),
    )
    return pd.DataFrame(columns, index=inputs.index)


def derived_columns(
    inputs: Columns,
    raw: Columns,
    as_of: pd.Timestamp,
    features: Features,
    given: Columns,
    shaped: Callable[[object, str], object],
    encoded: Callable[[object, str], object],
) -> dict[str, object]:
    """The one derivation, for a frame and for one record (``record.derive_record``).

    ``shaped(result, name)`` makes a feature's result a column of the caller's kind,
    ``encoded(column, value)`` one-hot encodes a category column; columns ``given``
    (precomputed, looked up) are taken as they are.
    """
    columns = {}
    for name, function in {**features.expressions, **features.custom}.items():
        if name in given:
            columns[name] = given[name]
        else:
            columns[name] = shaped(function(inputs, raw, as_of), name)
    for field, encoding in features.encodings.items():
        for value, column in encoding.items():
            if column in given:
                columns[column] = given[column]
            else:
                columns[column] = encoded(inputs[field], value)
    return columns


def assemble(
    inputs: pd.DataFrame, derived: pd.DataFrame, features: Features
) -> pd.DataFrame:
    """The model's input frame: exactly ``features.model_columns``, booleans as 0/1.

    Values are converted, never checked here: ``serialization.to_matrix`` refuses
    whatever the model must not see (text, NaN, infinity) and names the cell.
    """
    columns = {}
    for name in features.model_columns:
        column = derived[name] if name in derived.columns else inputs[name]
        if pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_numeric_dtype(
            column.dtype
        ):
            column = pd.Series(
                column.to_numpy(dtype=np.float64, na_value=np.nan), index=column.index
            )
        columns[name] = column
    return pd.DataFrame(columns, index=inputs.index)


def build_features(
    frame: pd.DataFrame,
    as_of: pd.Timestamp,
    imputation: Mapping[str, object],
    features: Features,
    fields: tuple[Field, ...],
) -> pd.DataFrame:
    """Validated inputs -> the model's input frame; no I/O, no clock."""
    inputs = impute(frame, imputation, fields)
    return assemble(inputs, derive_features(inputs, frame, as_of, features), features)
