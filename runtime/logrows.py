# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The prediction log's rows: what one request's answers become, in one schema.

Every row of every segment has the same columns, whatever the service: its own fields
travel as JSON text, so one schema fits every contract and a contract change needs no
migration of old segments. ``entries_to_table`` runs on the log's writer thread,
never on the request path; its time is time the GIL is held, so values are encoded
by msgspec from native Python values (numpy scalars would each cost a hook call).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import msgspec
import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["COLUMNS", "Entry", "entries_to_table"]

# Every row of every segment, whatever the service: its own fields travel as JSON
# text, so one schema fits every contract and a contract change needs no migration.
COLUMNS = pa.schema(
    [
        ("request_id", pa.string()),
        ("index", pa.int32()),  # the record's position in its request
        ("logged_at", pa.timestamp("us")),  # UTC
        ("as_of", pa.timestamp("us")),
        ("role", pa.string()),  # champion | challenger | batch
        ("model_version", pa.string()),
        ("contract_hash", pa.string()),
        ("status", pa.string()),  # ok | timeout | error
        ("latency_ms", pa.float64()),
        ("entity", pa.string()),  # the contract's id field, as text
        ("output", pa.float64()),  # a score or a value; null for multiclass labels
        ("decision", pa.string()),
        ("inputs", pa.string()),  # JSON
        ("features", pa.string()),  # JSON: the model's columns
        ("result", pa.string()),  # JSON: what the caller was given
    ]
)


@dataclass(frozen=True)
class Entry:
    """One request's predictions as scoring left them. ``inputs`` and ``features``
    are frames (a batch) or mappings of length-1 arrays (one record); ``results``
    are the answers, one dict per record."""

    request_id: str
    logged_at: pd.Timestamp
    as_of: pd.Timestamp
    role: str
    model_version: str
    contract_hash: str
    inputs: object
    features: object
    results: list[dict]
    latency_ms: float = math.nan
    status: str = "ok"


def _scalar(value: object) -> object:
    """What msgspec cannot encode itself: numpy scalars, numpy and pandas times, NaT."""
    if value is pd.NaT:
        return None
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    raise NotImplementedError(f"cannot log a {type(value).__name__}")


# msgspec writes NaN and infinities as null, as JSON has neither; it encodes in
# a fraction of json.dumps' time, and the writer's time is time the GIL is held.
_ENCODER = msgspec.json.Encoder(enc_hook=_scalar)


def _first(values: object) -> object:
    """A length-1 array's value as a Python object: numpy scalars would each cost
    the encoder a hook call, ten times a native value's cost."""
    values = np.asarray(values)
    if values.dtype.kind == "M":  # tolist() gives nanoseconds as an int
        return None if np.isnat(values[0]) else pd.Timestamp(values[0]).isoformat()
    return values[:1].tolist()[0]


def _records(table: object) -> list[dict]:
    if isinstance(table, pd.DataFrame):  # pandas boxes native values itself
        return table.to_dict(orient="records")
    columns = dict(table)  # one record: columns of length-1 arrays
    return [{name: _first(values) for name, values in columns.items()}]


def _json(row: Mapping) -> str:
    return _ENCODER.encode(row).decode()


def _entity(value: object) -> str | None:
    """The id field's value as text (an integer id as its digits); None if missing."""
    if value is None or isinstance(value, str):
        return value
    text = _json(value)
    return None if text == "null" else text.strip('"')


def _number(value: object) -> float | None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.number)
    ):
        return None
    return float(value) if math.isfinite(value) else None


def entries_to_table(
    entries: Iterable[Entry], id_field: str | None, output: str, decision: str | None
) -> pa.Table:
    """The rows of ``entries``, in ``COLUMNS``: one per record."""
    rows: dict[str, list] = {name: [] for name in COLUMNS.names}
    for entry in entries:
        inputs, features = _records(entry.inputs), _records(entry.features)
        for index, (record, row, result) in enumerate(
            zip(inputs, features, entry.results, strict=True)
        ):
            entity = _entity(record.get(id_field)) if id_field else None
            values = {
                "request_id": entry.request_id,
                "index": index,
                "logged_at": entry.logged_at,
                "as_of": entry.as_of,
                "role": entry.role,
                "model_version": entry.model_version,
                "contract_hash": entry.contract_hash,
                "status": entry.status,
                "latency_ms": entry.latency_ms,
                "entity": None if entity is None else str(entity),
                "output": _number(result.get(output)),
                "decision": result.get(decision) if decision else None,
                "inputs": _json(record),
                "features": _json(row),
                "result": _json(result),
            }
            for name, value in values.items():
                rows[name].append(value)
    return pa.Table.from_pydict(rows, schema=COLUMNS)
