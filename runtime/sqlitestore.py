# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The feature store's embedded backend: rows and identity in one SQLite file.

It only puts and gets rows (``runtime.store`` says what a row is and judges it) and
the store's identity (``meta``), on one table each. There is no server: one
replica reads the file it was given. A write is one transaction, so a lookup
during it sees every row before it or every row after it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import closing
from functools import cache
from pathlib import Path

from .errors import FeatureStoreError

__all__ = ["SqliteRows"]

# Keeps the SQL statements under SQLite's limit on bound parameters.
_CHUNK = 500

Check = Callable[[Mapping[str, str] | None], None]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@cache
def _select(columns: tuple[str, ...], count: int) -> str:
    """The query for ``count`` entities' rows (built once per size; 0: all)."""
    selected = ", ".join(_quote(column) for column in columns)
    query = f"SELECT entity, computed_at, {selected} FROM features"
    return f"{query} WHERE entity IN ({', '.join('?' * count)})" if count else query


class SqliteRows:
    """The rows of one SQLite file. ``check`` judges the identity it finds
    (``runtime.store``) each time a connection opens and before a write."""

    def __init__(
        self, path: str | Path, columns: Sequence[str], check: Check, command: str
    ) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self._columns = tuple(columns)
        self._check = check
        self._command = command
        self._reader: sqlite3.Connection | None = None

    def open(self) -> None:
        """Keep one read-only connection for the lookups that follow."""
        self.close()
        self._reader = self._connect()

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _connect(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise FeatureStoreError(
                f"no feature store at {self.path}: run `{self._command}` first"
            )
        uri = self.path.resolve().as_uri() + "?mode=ro"
        try:
            # Lookups never overlap, but the app may run them on another thread
            # than the one that opened the store (the tests' client does).
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.Error as error:
            raise self._unreadable(error) from None
        try:
            self._identify(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _unreadable(self, error: sqlite3.Error) -> FeatureStoreError:
        return FeatureStoreError(
            f"{self.path}: cannot read the feature store ({error}); "
            f"run `{self._command}` again (into a new file)"
        )

    def _identify(self, connection: sqlite3.Connection) -> None:
        try:
            stored = dict(connection.execute("SELECT key, value FROM meta").fetchall())
            # The features table must be there with every column, not just meta.
            connection.execute(f"{_select(self._columns, 0)} LIMIT 0").fetchall()
        except sqlite3.Error as error:
            raise self._unreadable(error) from None
        self._check(stored)

    def _query(self, query: str, parameters: Sequence[object] = ()) -> list[tuple]:
        """The rows of ``query`` on the open connection (or a new one); a file that
        is not, or no longer, a readable store is a ``FeatureStoreError``."""
        return self._queries([(query, parameters)])

    def _queries(self, queries: list[tuple[str, Sequence[object]]]) -> list[tuple]:
        """``_query`` of several queries, read in one transaction: a write between
        them would otherwise show half of its rows."""
        connection = self._reader or self._connect()
        try:
            if len(queries) == 1:
                return connection.execute(*queries[0]).fetchall()
            connection.execute("BEGIN")
            try:
                return [row for q in queries for row in connection.execute(*q)]
            finally:
                connection.rollback()  # read only: nothing to keep
        except sqlite3.Error as error:
            raise self._unreadable(error) from None
        finally:
            if connection is not self._reader:
                connection.close()

    def rows(self, keys: Sequence[str]) -> dict[str, tuple]:
        """The stored row of each of ``keys`` the file holds, by key."""
        unique = sorted(set(keys))
        chunks = [
            unique[start : start + _CHUNK] for start in range(0, len(unique), _CHUNK)
        ]
        queries = [(_select(self._columns, len(chunk)), chunk) for chunk in chunks]
        return {entity: tuple(row) for entity, *row in self._queries(queries)}

    def row(self, key: str) -> tuple | None:
        """``rows`` of one key, with none of its bookkeeping (once per request)."""
        found = self._query(_select(self._columns, 1), (key,))
        return tuple(found[0][1:]) if found else None

    def any_row(self) -> tuple | None:
        found = self._query(f"{_select(self._columns, 0)} LIMIT 1")
        return tuple(found[0][1:]) if found else None

    def put(self, meta: Mapping[str, str], rows: Iterable[tuple]) -> None:
        """Insert or replace each (key, *row) in one transaction, the identity
        ``meta`` recorded if the file has none yet."""
        columns = ", ".join(f"{_quote(column)} REAL" for column in self._columns)
        marks = ", ".join("?" * (len(self._columns) + 2))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path)) as connection, connection:
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)"
                )
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS features (entity TEXT PRIMARY KEY, "
                    f"computed_at TEXT NOT NULL, {columns})"
                )
                connection.executemany(
                    "INSERT OR IGNORE INTO meta VALUES (?, ?)", meta.items()
                )
                self._identify(connection)
                connection.executemany(
                    f"INSERT OR REPLACE INTO features VALUES ({marks})", rows
                )
        except (sqlite3.Error, OSError) as error:
            raise FeatureStoreError(
                f"cannot write the feature store {self.path}: {error}"
            ) from None

    def count(self) -> int:
        if not self.path.is_file():
            return 0
        return self._query("SELECT COUNT(*) FROM features")[0][0]
