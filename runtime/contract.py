# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The input contract with the producers of a service's data, checked.

One set of rules (types, nullability, ranges, categories, patterns, unknown fields)
checked two ways: ``validate_record`` for one JSON record (an HTTP request), and
``validate_frame`` for a batch, column by column with numpy/pandas so that a
million rows take well under a second. Every violation is reported at once, each
as ``field: rule (got ..., expected ...)``, so a producer can fix a whole record
or file in one round trip. Bad rows are never dropped silently: they come back as
rejects with their reasons.

The contract is strict on purpose: a number sent as text ("1.5"), a boolean sent
as a number, NaN or infinity are type violations, because accepting them hides a
bug in the producer that will eventually send something worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .csvfile import UNREADABLE
from .definition import Contract, Field
from .errors import ContractError
from .rules import MISSING, NULL, Reasons, check_column, checked_value

__all__ = [
    "REASONS",
    "Violation",
    "frame_from_wire",
    "from_wire",
    "json_schema",
    "parse_record",
    "summarize",
    "validate_frame",
    "validate_record",
]

# Name of the column that carries the reasons of each rejected row.
REASONS = "_reasons"


def from_wire(record: Mapping[str, object], contract: Contract) -> dict[str, object]:
    """A record keyed by the producers' names, keyed by field names."""
    names = contract.wire_names
    return {names.get(str(key), key): value for key, value in record.items()}


def frame_from_wire(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """A frame whose columns are the producers' names, with field names instead."""
    names = contract.wire_names
    return frame.rename(columns=names) if names else frame


@dataclass(frozen=True)
class Violation:
    """One broken rule, e.g. ``"tenure_months: max (got 700, expected <= 600)"``."""

    field: str
    rule: str
    message: str
    row: object = None

    def __str__(self) -> str:
        return f"{self.field}: {self.rule} ({self.message})"


def validate_record(
    record: Mapping[str, object],
    contract: Contract,
    fields: tuple[Field, ...] | None = None,
) -> list[Violation]:
    """Every violation of one JSON-like record (dates as ISO strings); [] if valid.

    ``fields`` defaults to the contract's (a request checks fewer, training more).
    """
    return parse_record(record, contract, fields)[1]


def parse_record(
    record: Mapping[str, object],
    contract: Contract,
    fields: tuple[Field, ...] | None = None,
) -> tuple[dict[str, object], list[Violation]]:
    """(each field's value in its checked form, every violation) of one record.

    The values are worth using only when there is no violation; a null stays None.
    """
    if not isinstance(record, Mapping):
        raise ContractError(
            f"a record must be a JSON object, got {type(record).__name__}"
        )
    fields = contract.fields if fields is None else fields
    violations = []
    values: dict[str, object] = {}
    if contract.unknown_fields == "reject":
        known = {field.name for field in fields}
        violations += [
            Violation(str(name), "unknown_field", "not declared in the contract")
            for name in record
            if name not in known
        ]
    for field in fields:
        if field.name not in record:
            violations.append(Violation(field.name, "missing", MISSING))
            continue
        value = record[field.name]
        if value is None:
            values[field.name] = None
            if not field.nullable:
                violations.append(Violation(field.name, "null", NULL))
            continue
        values[field.name], broken = checked_value(field, value)
        violations += [Violation(field.name, rule, message) for rule, message in broken]
    return values, violations


def validate_frame(
    frame: pd.DataFrame,
    contract: Contract,
    fields: tuple[Field, ...] | None = None,
    reasons: Reasons | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a frame into (valid rows, rejected rows), keeping every row and its order.

    Valid rows hold the contract's columns parsed: numbers as float64, booleans as
    pandas ``boolean``, text as ``object``, dates and datetimes as naive (UTC)
    ``datetime64``. Rejected rows are the original rows plus a ``_reasons`` column.
    Both keep the input's index, so ``valid.index.union(rejects.index)`` is the input.
    ``reasons`` (empty, one slot per row) may be a ``Reasons`` that also tallies them.
    A ``_reasons`` column in ``frame`` is the reader's: a row with one is rejected
    for that reason alone (``runtime.io`` marks rows it could not read that way).
    """
    if not isinstance(frame, pd.DataFrame):
        raise ContractError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    if frame.columns.has_duplicates:
        duplicated = sorted(map(str, frame.columns[frame.columns.duplicated()]))
        raise ContractError(f"duplicate columns: {', '.join(duplicated)}")
    fields = contract.fields if fields is None else fields
    reasons = Reasons(len(frame)) if reasons is None else reasons
    known = {field.name for field in fields} | {REASONS}
    if contract.unknown_fields == "reject":
        for name in frame.columns:
            if name not in known:
                sent = frame[name].notna().to_numpy()
                reasons.add(
                    sent, str(name), "unknown_field", "not declared in the contract"
                )
    parsed = {}
    for field in fields:
        if field.name in frame.columns:
            parsed[field.name] = check_column(field, frame[field.name], reasons)
        else:
            reasons.add(np.ones(len(frame), dtype=bool), field.name, "missing", MISSING)
            parsed[field.name] = pd.Series(None, index=frame.index, dtype=object)
    if REASONS in frame.columns:
        # Rows the reader could not split into cells or decode (``runtime.io``):
        # their cells mean nothing, so the reader's reason is their only one.
        unreadable = frame[REASONS].notna().to_numpy(dtype=bool)
        reasons.bad |= unreadable
        reasons.text[unreadable] = frame[REASONS].to_numpy(dtype=object)[unreadable]
    bad = reasons.bad
    # No copy of every column into consolidated blocks. A text column may be the
    # input's own: pandas 3 copies on write, pandas 2 copies in the row selection.
    valid = pd.DataFrame(parsed, index=frame.index, copy=False)[~bad]
    rejects = frame[bad].copy()
    rejects[REASONS] = reasons.text[bad].astype(str)
    return valid, rejects


def summarize(rejects: pd.DataFrame) -> dict[str, int]:
    """How many rejected rows broke each ``field: rule``, most frequent first."""
    if rejects.empty:
        return {}
    reasons = rejects[REASONS]
    # The reader's reason is a row's only one and quotes its line, which may hold
    # "; ": it is not split.
    alone = reasons.str.match(UNREADABLE).to_numpy(dtype=bool)
    parts = pd.concat([reasons[alone], reasons[~alone].str.split("; ").explode()])
    rules = parts.str.split(" (", regex=False).str[0]
    return {str(k): int(v) for k, v in rules.value_counts().items()}


# ---------------------------------------------------------------- JSON Schema

_SCHEMA_TYPES = {
    "integer": {"type": "integer"},
    "float": {"type": "number"},
    "boolean": {"type": "boolean"},
    "string": {"type": "string"},
    "category": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}


def _field_schema(field: Field) -> dict:
    schema: dict[str, object] = dict(_SCHEMA_TYPES[field.type])
    if field.type in ("integer", "float"):
        if field.minimum is not None:
            schema["minimum"] = field.minimum
        if field.maximum is not None:
            schema["maximum"] = field.maximum
    elif field.minimum is not None or field.maximum is not None:
        # JSON Schema has no range for date strings; state it for the producer.
        schema["x-minimum"], schema["x-maximum"] = field.minimum, field.maximum
    if field.values is not None:
        schema["enum"] = [*field.values, None] if field.nullable else list(field.values)
    if field.pattern is not None:
        # JSON Schema's pattern may match anywhere; the contract's matches it whole.
        schema["pattern"] = f"^(?:{field.pattern})$"
    if field.nullable:
        schema["type"] = [schema["type"], "null"]
    for key in ("unit", "producer", "role"):
        if getattr(field, key) is not None:
            schema[f"x-{key}"] = getattr(field, key)
    return schema


def _wire(field: Field) -> str:
    return field.wire_name or field.name


def json_schema(contract: Contract, fields: tuple[Field, ...] | None = None) -> dict:
    """JSON Schema (2020-12) of one record of ``fields`` (default: the contract's),
    for the data's producers."""
    fields = contract.fields if fields is None else fields
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": contract.title,
        "type": "object",
        # Producers send the wire names (the field's name unless the spec maps it).
        "properties": {_wire(field): _field_schema(field) for field in fields},
        # Nullable fields are still required: null must be sent explicitly.
        "required": [_wire(field) for field in fields],
        "additionalProperties": contract.unknown_fields != "reject",
        "x-contract-hash": contract.hash,
    }
