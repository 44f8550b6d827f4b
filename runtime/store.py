# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Features computed ahead of time, in batch, and looked up online by entity.

``compute_features`` runs the same contract and feature functions as scoring over
a batch, one row per entity; ``FeatureStore`` keeps the result with its
computation time in one SQLite file (no server) and serves lookups that refuse
values older than the service's ``Precompute.max_age`` and name every missing
entity. There is no silent fallback: a request for an unknown or stale entity
fails loudly, because scoring it with made-up features would look like a normal
answer. A store remembers the columns and the contract it was written for and
refuses to serve another service's features.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from datetime import timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import validate_frame
from .definition import Contract, Features, Precompute
from .errors import (
    FeatureStoreError,
    MissingEntityError,
    NullFeatureError,
    StaleFeatureError,
)
from .features import assemble, derive_features, impute
from .freshness import finite, staleness

__all__ = [
    "FeatureStore",
    "compute_features",
    "entity_key",
    "entity_keys",
    "online_features",
]

# Keeps the SQL statements under SQLite's limit on bound parameters.
_CHUNK = 500
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


def compute_features(
    frame: pd.DataFrame,
    imputation: Mapping[str, object],
    as_of: pd.Timestamp,
    *,
    contract: Contract,
    features: Features,
    precompute: Precompute,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per entity: the entity and the precomputed columns, rejected rows).

    Pure. The features are the scoring path's own (same contract, imputation and
    functions). When an entity appears more than once the last row wins, as in a
    snapshot appended to over time.
    """
    valid, rejects = validate_frame(frame, contract)
    inputs = impute(valid, imputation, contract.fields)
    derived = derive_features(inputs, valid, as_of, features)
    entity = precompute.entity
    table = pd.concat([valid[[entity]], derived[list(precompute.columns)]], axis=1)
    return table.drop_duplicates(entity, keep="last"), rejects


def online_features(
    valid: pd.DataFrame,
    as_of: pd.Timestamp,
    imputation: Mapping[str, object],
    store: FeatureStore,
    features: Features,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(derived features, model input frame) of checked requests, the precomputed
    features looked up in ``store`` by entity."""
    looked_up = store.lookup(valid[store.precompute.entity], as_of)
    inputs = impute(valid, imputation, store.contract.fields)
    derived = derive_features(inputs, valid, as_of, features, looked_up)
    return derived, assemble(inputs, derived, features)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@cache
def _select(columns: tuple[str, ...], count: int) -> str:
    """The query for ``count`` entities' rows (built once per size; 0: all)."""
    selected = ", ".join(_quote(column) for column in columns)
    query = f"SELECT entity, computed_at, {selected} FROM features"
    return f"{query} WHERE entity IN ({', '.join('?' * count)})" if count else query


class FeatureStore:
    """Precomputed features in one SQLite file, keyed by entity, with their time.

    ``precompute`` says which entity and columns it holds and how old a value may
    be; ``contract`` is the input contract the features were computed under;
    ``command`` is what its owners run to fill it (named in every error).
    """

    def __init__(
        self,
        path: str | Path,
        precompute: Precompute,
        contract: Contract,
        *,
        command: str = "precompute",
    ) -> None:
        self.path = Path(path)
        self.precompute = precompute
        self.contract = contract
        self.command = command
        self._columns = tuple(precompute.columns)
        self._booleans = frozenset(precompute.booleans)
        self._max_age = timedelta(seconds=precompute.max_age_seconds)
        self._reader: sqlite3.Connection | None = None

    def open(self) -> FeatureStore:
        """Check the store now and keep one read-only connection for its lookups.

        The service opens its store when it starts, so a missing, unreadable or
        empty file, or one written for other features, stops it there, and a
        lookup saves a connect.
        """
        self.close()
        self._reader = self._connect()
        self.sample()
        return self

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _connect(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise FeatureStoreError(
                f"no feature store at {self.path}: run `{self.command}` first"
            )
        uri = self.path.resolve().as_uri() + "?mode=ro"
        try:
            # Lookups never overlap, but the app may run them on another thread
            # than the one that opened the store (the tests' client does).
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.Error as error:
            raise self._unreadable(error) from None
        try:
            self._check(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _unreadable(self, error: sqlite3.Error) -> FeatureStoreError:
        return FeatureStoreError(
            f"{self.path}: cannot read the feature store ({error}); "
            f"run `{self.command}` again (into a new file)"
        )

    def _query(self, query: str, parameters: Sequence[object] = ()) -> list[tuple]:
        """The rows of ``query`` on the open connection (or a new one); a file that
        is not, or no longer, a readable store is a ``FeatureStoreError``."""
        connection = self._reader or self._connect()
        try:
            return connection.execute(query, parameters).fetchall()
        except sqlite3.Error as error:
            raise self._unreadable(error) from None
        finally:
            if connection is not self._reader:
                connection.close()

    def sample(self) -> dict[str, np.ndarray]:
        """Any one entity's columns, whatever their age, as ``lookup_one`` gives
        them (a null as 0): a cheap proof that the store answers, for readiness."""
        found = self._query(f"{_select(self._columns, 0)} LIMIT 1")
        if not found:
            raise FeatureStoreError(
                f"{self.path}: holds no precomputed features; "
                f"run `{self.command}` over the entities to serve"
            )
        row = [value if finite(value) else 0.0 for value in found[0][2:]]
        return self._record_columns(row)

    def _meta(self) -> dict[str, str]:
        columns = json.dumps(list(self._columns))
        return {"columns": columns, "contract_hash": self.contract.hash}

    def _check(self, connection: sqlite3.Connection) -> None:
        try:
            stored = dict(connection.execute("SELECT key, value FROM meta").fetchall())
            # The features table must be there with every column, not just meta.
            connection.execute(f"{_select(self._columns, 0)} LIMIT 0").fetchall()
        except sqlite3.Error as error:
            raise self._unreadable(error) from None
        if stored != self._meta():
            raise FeatureStoreError(
                f"{self.path}: written for other features or another input contract; "
                f"run `{self.command}` again (into a new file)"
            )

    def write(self, table: pd.DataFrame, computed_at: pd.Timestamp) -> int:
        """Insert or replace each entity's row (one transaction); the rows written."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        values = table[list(self._columns)].astype(np.float64)
        # SQLite has no NaN: a missing value is stored as NULL.
        values = values.astype(object).where(values.notna(), None)
        when = computed_at.isoformat()
        keys = entity_keys(table[self.precompute.entity])
        rows = [
            (key, when, *row)
            for key, row in zip(keys, values.itertuples(index=False), strict=True)
        ]
        columns = ", ".join(f"{_quote(column)} REAL" for column in self._columns)
        marks = ", ".join("?" * (len(self._columns) + 2))
        with closing(sqlite3.connect(self.path)) as connection, connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)"
            )
            connection.execute(
                "CREATE TABLE IF NOT EXISTS features (entity TEXT PRIMARY KEY, "
                f"computed_at TEXT NOT NULL, {columns})"
            )
            connection.executemany(
                "INSERT OR IGNORE INTO meta VALUES (?, ?)", self._meta().items()
            )
            self._check(connection)
            connection.executemany(
                f"INSERT OR REPLACE INTO features VALUES ({marks})", rows
            )
        return len(rows)

    def _read(self, keys: list[str]) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        unique = sorted(set(keys))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            for entity, *row in self._query(_select(self._columns, len(chunk)), chunk):
                found[entity] = tuple(row)
        return found

    def _fresh(self, keys: list[str], as_of: pd.Timestamp) -> dict[str, tuple]:
        """The stored rows of ``keys``, or an error naming every entity it cannot
        serve; either way no partial answer is returned.

        Raises ``MissingEntityError`` naming the entities the store does not hold,
        then ``StaleFeatureError`` naming those whose features are stale
        (``staleness``), then ``NullFeatureError`` naming those with a null value.
        """
        found = self._read(keys)
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
        is stored), or anything else a hand-edited SQLite file may hold."""
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
            f"{self._named(missing)}: no precomputed features in {self.path}; "
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
        found = self._query(_select(self._columns, 1), (key,))
        if not found:
            raise self._missing([key])
        row = found[0][2:]
        reason = staleness(found[0][1], as_of.to_pydatetime(warn=False), self._max_age)
        if reason is not None:
            raise self._stale({key: reason}, as_of)
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
        if not self.path.is_file():
            return 0
        with closing(sqlite3.connect(self.path)) as connection:
            return connection.execute("SELECT COUNT(*) FROM features").fetchone()[0]
