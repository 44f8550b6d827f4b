# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""One record, scored without pandas: the service's per-request path.

Each step of the frame path costs tens of microseconds per pandas call on a
one-row frame, which adds up to milliseconds around a model that scores the row
in microseconds. Here a record is a mapping of column name to a length-1 numpy
array, and the service's compiled feature and rule source runs on it unchanged
(the expression functions compute one value with Python floats). Derivation is
the frame path's own loop (``features.derived_columns``); a service's generated
tests hold the two paths to equal results.

``columns_from`` returns None for a record this path cannot represent exactly as
the frame path does, which then scores it: a null boolean (pandas' nullable
``boolean`` has its own logic for nulls) or a service with features written by
hand in ``custom/``, which take frames.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .contract import parse_record
from .definition import Contract, Features, Field
from .features import derived_columns, imputation_value

__all__ = [
    "Record",
    "api_result",
    "columns_from",
    "columns_of",
    "derive_record",
    "impute_record",
    "model_record",
    "result_of",
]

# Column name -> a length-1 array: one record, typed as the frame path types it.
Record = dict[str, np.ndarray]
_NAT = np.datetime64("NaT", "us")
_PROBABILITY = "probability["


def _array(field: Field, value: object) -> np.ndarray | None:
    """One parsed value as the frame path's column of one row, or None."""
    if field.type in ("integer", "float"):
        return np.array([np.nan if value is None else value], dtype=np.float64)
    if field.type in ("date", "datetime"):
        stamp = _NAT if value is None else pd.Timestamp(value).to_datetime64()
        # Microseconds, the contract's finest resolution: nanoseconds end in 2262.
        return np.array([stamp], dtype="datetime64[us]")
    if field.type == "boolean":
        return None if value is None else np.array([value], dtype=bool)
    return np.array([value], dtype=object)


def columns_of(
    record: Mapping[str, object],
    contract: Contract,
    features: Features,
    fields: tuple[Field, ...] | None = None,
) -> Record | None:
    """A record valid for ``fields`` (default: the contract's), parsed; None when
    the frame path must score it."""
    fields = contract.fields if fields is None else fields
    values = parse_record(record, contract, fields)[0]
    return columns_from(values, features, fields)


def columns_from(
    values: Mapping[str, object], features: Features, fields: tuple[Field, ...]
) -> Record | None:
    """``columns_of`` for values the contract parsed (``contract.parse_record``)."""
    if features.custom:
        return None
    columns = {}
    for field in fields:
        column = _array(field, values[field.name])
        if column is None:
            return None
        columns[field.name] = column
    return columns


def impute_record(
    columns: Record, values: Mapping[str, object], fields: tuple[Field, ...]
) -> Record:
    """``features.impute`` for one record."""
    filled = dict(columns)
    for field in fields:
        if field.impute is None or field.name not in columns:
            continue
        value = imputation_value(field, values)
        if value is None or not pd.isna(columns[field.name][0]):
            continue
        if isinstance(value, pd.Timestamp):
            value = value.to_datetime64()
        filled[field.name] = np.array([value], dtype=columns[field.name].dtype)
    return filled


def _one(result: object, name: str) -> np.ndarray:
    """A feature's value as a length-1 array (a constant is broadcast)."""
    values = np.asarray(result)
    return values.reshape(1) if values.ndim == 0 else values


def _encoded(column: np.ndarray, value: str) -> np.ndarray:
    return np.array([float(column[0] == value)])


def derive_record(
    inputs: Record,
    raw: Record,
    as_of: pd.Timestamp,
    features: Features,
    looked_up: Mapping[str, np.ndarray] | None = None,
) -> Record:
    """``features.derive_features`` for one record, in the same column order.

    Columns in ``looked_up`` (precomputed features) are taken from it, not computed.
    """
    given = looked_up or {}
    # pandas computes without numpy's warnings; so does this path, with equal results.
    with np.errstate(all="ignore"):
        return derived_columns(inputs, raw, as_of, features, given, _one, _encoded)


def model_record(inputs: Record, derived: Record, features: Features) -> Record:
    """``features.assemble`` for one record: the model's columns, in order."""
    return {
        name: derived[name] if name in derived else inputs[name]
        for name in features.model_columns
    }


def _native(value: object) -> object:
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    return value.item() if isinstance(value, np.generic) else value


def result_of(scored: Record) -> dict[str, object]:
    """The scored columns as the API returns one record's result."""
    return api_result({name: values[0] for name, values in scored.items()})


def results_of(scored: pd.DataFrame, task: str) -> list[dict]:
    """Scored rows as JSON-ready dicts, in order, as the API returns them."""
    rows = scored.to_dict(orient="records")
    if task == "multiclass_classification":
        return [api_result(row) for row in rows]
    return rows


def api_result(row: Mapping[str, object]) -> dict[str, object]:
    """A scored row as the API returns it; a classifier's probability columns
    (``probability[<class>]``) become one ``probabilities`` object by class."""
    result: dict[str, object] = {}
    probabilities: dict[str, float] = {}
    for name, value in row.items():
        if name.startswith(_PROBABILITY):
            probabilities[name[len(_PROBABILITY) : -1]] = float(value)
        else:
            result[name] = _native(value)
    if probabilities:
        result["probabilities"] = probabilities
    return result
