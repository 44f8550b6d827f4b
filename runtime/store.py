# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The feature store: precomputed features looked up online by entity, judged the
same way whichever backend holds them.

A store is a location: a file path (one SQLite file, ``runtime.sqlitestore``, no
server) or a ``redis://`` URL (one Redis database several replicas share,
``runtime.redisstore``). A backend only puts and gets rows (``put``, ``rows``,
``row``, ``any_row``, ``count``, ``open``, ``close`` and its ``location`` for
messages); what a row is, when one may be served and whose store it is are decided
here, once, for both.

A row is an entity's key (``entity_key``) with its computation time (ISO 8601
text) and one value per column (a float, booleans as 0/1, a null as None).
Lookups refuse values older than the service's ``Precompute.max_age`` or with no
readable past time, values that are not finite numbers, and entities the store
does not hold, naming every one: there is no silent fallback, because scoring
with made-up features would look like a normal answer. A store remembers the
columns and the contract it was written for and refuses another service's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import timedelta

import numpy as np
import pandas as pd

from .definition import Contract, Precompute
from .errors import (
    FeatureStoreError,
    MissingEntityError,
    NullFeatureError,
    StaleFeatureError,
)
from .freshness import finite, staleness
from .redisstore import SCHEMES, RedisRows
from .sqlitestore import SqliteRows

__all__ = ["FeatureStore", "entity_key", "entity_keys", "is_shared"]

_SHOWN = 5  # entities named in an error message; the exception holds them all


def entity_key(value: object) -> str:
    """An entity value as the store's key (the contract reads numbers as floats)."""
    if isinstance(value, float | np.floating):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def entity_keys(values: pd.Series) -> list[str]:
    """``entity_key`` of each value of a checked column."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        return [entity_key(n) for n in values.to_numpy(dtype=np.float64).tolist()]
    return [str(value) for value in values.tolist()]


def is_shared(location: str | os.PathLike) -> bool:
    """Whether ``location`` names a Redis database rather than a SQLite file."""
    return str(location).startswith(SCHEMES)


class FeatureStore:
    """Precomputed features at ``location``, keyed by entity, with their time.

    ``precompute`` says which entity and columns it holds and how old a value may
    be; ``contract`` is the input contract the features were computed under;
    ``command`` is what its owners run to fill it (named in every error).
    """

    def __init__(
        self,
        location: str | os.PathLike,
        precompute: Precompute,
        contract: Contract,
        *,
        command: str = "precompute",
    ) -> None:
        self.precompute = precompute
        self.contract = contract
        self.command = command
        self._columns = tuple(precompute.columns)
        self._booleans = frozenset(precompute.booleans)
        self._max_age = timedelta(seconds=precompute.max_age_seconds)
        self.identity = {
            "columns": json.dumps(list(self._columns)),
            "contract_hash": contract.hash,
        }
        backend = RedisRows if is_shared(location) else SqliteRows
        self.backend = backend(os.fspath(location), self._columns, self._check, command)
        self.location = self.backend.location

    def open(self) -> FeatureStore:
        """Check the store now and keep a connection for its lookups.

        The service opens its store when it starts, so a missing, unreachable or
        empty store, or one written for other features, stops it there, and a
        lookup saves a connect.
        """
        self.backend.open()
        self.sample()
        return self

    def close(self) -> None:
        self.backend.close()

    def _check(self, stored: Mapping[str, str] | None) -> None:
        """Refuse a store written for other columns or another contract."""
        if stored is not None and dict(stored) != self.identity:
            raise FeatureStoreError(
                f"{self.location}: written for other features or another input "
                f"contract; run `{self.command}` again (into a new store)"
            )

    def write(self, table: pd.DataFrame, computed_at: pd.Timestamp) -> int:
        """Insert or replace each entity's row, all at once; the rows written."""
        values = table[list(self._columns)].astype(np.float64)
        # A missing value is stored as a null.
        values = values.astype(object).where(values.notna(), None)
        when = computed_at.isoformat()
        keys = entity_keys(table[self.precompute.entity])
        rows = [
            (key, when, *row)
            for key, row in zip(keys, values.itertuples(index=False), strict=True)
        ]
        self.backend.put(self.identity, rows)
        return len(rows)

    def sample(self) -> dict[str, np.ndarray]:
        """Any one entity's columns, whatever their age, as ``lookup_one`` gives
        them (a null as 0): a cheap proof that the store answers, for readiness."""
        found = self.backend.any_row()
        if found is None:
            raise FeatureStoreError(
                f"{self.location}: holds no precomputed features; "
                f"run `{self.command}` over the entities to serve"
            )
        return self._record_columns([v if finite(v) else 0.0 for v in found[1:]])

    def _fresh(self, keys: list[str], as_of: pd.Timestamp) -> dict[str, tuple]:
        """The stored rows of ``keys``, or an error naming every entity it cannot
        serve; either way no partial answer is returned.

        Raises ``MissingEntityError`` naming the entities the store does not hold,
        then ``StaleFeatureError`` naming those whose features are stale
        (``staleness``), then ``NullFeatureError`` naming those with a null value.
        """
        found = self.backend.rows(keys)
        missing = sorted({key for key in keys if key not in found})
        if missing:
            raise self._missing(missing)
        # datetime, not pd.Timestamp: parsing is 10x faster, and the service checks
        # one entity per request. Times are naive UTC, to the microsecond.
        now = as_of.to_pydatetime(warn=False)
        stale = {}
        for key in set(keys):
            reason = staleness(found[key][0], now, self._max_age)
            if reason is not None:
                stale[key] = reason
        if stale:
            raise self._stale(stale, as_of)
        nulls = {key: self._nulls(found[key][1:]) for key in set(keys)}
        nulls = {key: columns for key, columns in nulls.items() if columns}
        if nulls:
            raise self._null(nulls)
        return found

    def _nulls(self, row: Sequence[object]) -> list[str]:
        """The columns of a stored row that hold no finite number: null (how a NaN
        is stored), or anything else a hand-edited store may hold."""
        return [
            column
            for column, value in zip(self._columns, row, strict=True)
            if not finite(value)
        ]

    def _named(self, entities: list[str]) -> str:
        shown = ", ".join(entities[:_SHOWN])
        more = len(entities) - _SHOWN
        named = f"{self.precompute.entity} {shown}"
        return named + (f" (and {more} more)" if more > 0 else "")

    def _missing(self, missing: list[str]) -> MissingEntityError:
        return MissingEntityError(
            f"{self._named(missing)}: no precomputed features in {self.location}; "
            f"run `{self.command}` over data that includes them",
            missing,
        )

    def _stale(self, stale: dict[str, str], as_of: pd.Timestamp) -> StaleFeatureError:
        entities = sorted(stale)
        first = entities[0]
        return StaleFeatureError(
            f"{self._named(entities)}: precomputed features are stale at "
            f"{as_of.isoformat()} (max_age {self.precompute.max_age}; {first}: "
            f"{stale[first]}); run `{self.command}` again",
            entities,
            stale,
        )

    def _null(self, nulls: dict[str, list[str]]) -> NullFeatureError:
        entities = sorted(nulls)
        first = entities[0]
        return NullFeatureError(
            f"{self._named(entities)}: precomputed features hold no finite value "
            f"({first}: {', '.join(nulls[first])}); the model cannot score them",
            entities,
            {
                key: f"no value in {', '.join(columns)}"
                for key, columns in nulls.items()
            },
        )

    def lookup(self, entities: pd.Series, as_of: pd.Timestamp) -> pd.DataFrame:
        """The precomputed columns of each entity, on ``entities``' index.

        Missing or stale entities raise (see ``_fresh``); no partial answer.
        """
        keys = entity_keys(entities)
        found = self._fresh(keys, as_of)
        values = np.array([found[key][1:] for key in keys], dtype=np.float64)
        frame = pd.DataFrame(
            values.reshape(len(keys), len(self._columns)),
            columns=list(self._columns),
            index=entities.index,
        )
        # Stored as 0/1 numbers; looked up as booleans again, as online scoring
        # makes them.
        for column in self._booleans:
            frame[column] = frame[column].astype(bool)
        return frame

    def lookup_one(self, entity: object, as_of: pd.Timestamp) -> dict[str, np.ndarray]:
        """``lookup`` of one entity, as the one-record path's columns."""
        key = entity_key(entity)
        # ``_fresh`` for one key, with none of its bookkeeping: this runs per request.
        found = self.backend.row(key)
        if found is None:
            raise self._missing([key])
        reason = staleness(found[0], as_of.to_pydatetime(warn=False), self._max_age)
        if reason is not None:
            raise self._stale({key: reason}, as_of)
        row = found[1:]
        nulls = self._nulls(row)
        if nulls:
            raise self._null({key: nulls})
        return self._record_columns(row)

    def _record_columns(self, row: Sequence[object]) -> dict[str, np.ndarray]:
        """A stored row of values (none null) as the one-record path's columns."""
        columns = {}
        for column, value in zip(self._columns, row, strict=True):
            if column in self._booleans:
                columns[column] = np.array([bool(value)])
            else:
                columns[column] = np.array([value], dtype=np.float64)
        return columns

    def __len__(self) -> int:
        return self.backend.count()
