# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The feature store's shared backend: rows and identity in one Redis database,
for several replicas of a service (``pip install '<service>[redis]'``).

It only puts and gets rows (``runtime.store`` says what a row is and judges it).
Each write builds a new generation under fresh keys, a copy of the current one
with the batch on top (an upsert, as the SQLite backend's), and then switches one
pointer key, which also holds the identity; a lookup reads the pointer and its
rows in one Lua script, which Redis runs atomically, so a replica reading during
a write sees the old generation or the new one, never a mix. The old generation
is then deleted. Until the switch the new one carries a TTL, so a writer that
dies midway leaves nothing behind for long. One store per Redis database
(``redis://host:6379/0``, ``.../1``, ...); Redis 6.2 or later, not Cluster.

Every call has bounded socket timeouts (``?socket_timeout=`` in the URL replaces
the default) and one retry on a dropped connection, so an unreachable server is a
``FeatureStoreError`` naming the URL (never its password), never a hang.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from .errors import FeatureStoreError, in_one_line
from .rules import clipped

__all__ = ["SCHEMES", "RedisRows", "shown"]

SCHEMES = ("redis://", "rediss://", "unix://")
PREFIX = "modelplate:features"
POINTER = f"{PREFIX}:current"
# A generation being written expires unless the switch makes it current.
_BUILDING_SECONDS = 24 * 3600
_CHUNK = 5000  # fields per HSET while writing
_READ_TIMEOUT = 2.0  # seconds: a lookup, once per request
_WRITE_TIMEOUT = 60.0  # seconds: a COPY of a large generation takes a while

Check = Callable[[Mapping[str, str] | None], None]

# KEYS[1]: the pointer; ARGV[1]: the generations' prefix, ARGV[2]: what to read
# ("rows" with the keys after it, "any" or "count"). HMGET in slices keeps
# ``unpack`` under Lua's stack limit; the script is atomic however long it is.
_READ = """
local current = redis.call('GET', KEYS[1])
if not current then return {false} end
local rows = ARGV[1] .. ':' .. string.match(current, '^%S+')
if ARGV[2] == 'count' then return {current, redis.call('HLEN', rows)} end
if ARGV[2] == 'any' then
  return {current, redis.call('HRANDFIELD', rows, 1, 'WITHVALUES')[2] or false}
end
local out = {current}
for i = 3, #ARGV, 1000 do
  local part = redis.call('HMGET', rows, unpack(ARGV, i, math.min(i + 999, #ARGV)))
  for _, value in ipairs(part) do out[#out + 1] = value end
end
return out
"""


def shown(url: str) -> str:
    """``url`` as an error message shows it: no password, no query string."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + host
    try:
        netloc += f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number: shown as given
        netloc = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{netloc}{parts.path}"


class RedisRows:
    """The rows of the store in the Redis database at ``url``. ``check`` judges
    the identity it finds (``runtime.store``) before a write and whenever a new
    generation appears."""

    def __init__(
        self, url: str, columns: Sequence[str], check: Check, command: str
    ) -> None:
        self.url = url
        self.location = shown(url)
        self._width = len(columns) + 1
        self._check = check
        self._command = command
        self._reader = None
        self._script = None
        self._seen: bytes | None = None  # the pointer last checked

    def _client(self, timeout: float):
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ModuleNotFoundError as error:
            raise FeatureStoreError(
                f"the feature store at {self.location} needs {error.name}: "
                "install the service with its [redis] extra"
            ) from None
        try:
            # The URL's own options (?socket_timeout=...) win over these.
            return redis.Redis.from_url(
                self.url,
                socket_timeout=timeout,
                socket_connect_timeout=min(timeout, _READ_TIMEOUT),
                retry=Retry(NoBackoff(), 1),
            )
        except ValueError as error:
            raise FeatureStoreError(
                f"{self.location}: not a Redis URL the client can use ({error})"
            ) from None

    def _failed(self, error: Exception) -> FeatureStoreError:
        return FeatureStoreError(
            f"cannot use the feature store at {self.location} ({in_one_line(error)})"
        )

    def open(self) -> None:
        """Keep one client (a pool of connections) for the lookups that follow."""
        self.close()
        self._reader = self._client(_READ_TIMEOUT)
        self._script = self._reader.register_script(_READ)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._reader = self._script = None
        self._seen = None

    def _read(self, what: str, keys: Sequence[str] = ()) -> list:
        """``_answer``, where no store is an error."""
        answer = self._answer(what, keys)
        if answer is None:
            raise FeatureStoreError(
                f"no feature store at {self.location}: run `{self._command}` first"
            )
        return answer

    def _answer(self, what: str, keys: Sequence[str] = ()) -> list | None:
        """The script's answer after the pointer (None: no store there), the
        identity checked whenever the pointer is not the one last checked."""
        import redis

        if self._reader is None:
            self.open()
        try:
            answer = self._script(keys=[POINTER], args=[PREFIX, what, *keys])
        except redis.RedisError as error:
            raise self._failed(error) from None
        current = answer[0]
        if current is None:
            return None
        if current != self._seen:
            self._check(self._identity(current))
            self._seen = current
        return answer[1:]

    def _identity(self, pointer: bytes | None) -> dict[str, str] | None:
        if pointer is None:
            return None
        try:
            identity = json.loads(pointer.partition(b" ")[2])
        except ValueError:
            identity = None
        if not isinstance(identity, dict):
            raise FeatureStoreError(
                f"{self.location}: the key {POINTER} holds no feature store's "
                f"identity; run `{self._command}` again (into an empty database)"
            )
        return identity

    def _decoded(self, key: str, value: bytes) -> tuple:
        try:
            row = json.loads(value)
        except ValueError:
            row = None
        if not isinstance(row, list) or len(row) != self._width:
            raise FeatureStoreError(
                f"{self.location}: the row of {clipped(repr(key))} is not a stored "
                "row; "
                f"run `{self._command}` again"
            )
        return tuple(row)

    def rows(self, keys: Sequence[str]) -> dict[str, tuple]:
        """The stored row of each of ``keys`` the store holds, by key."""
        unique = sorted(set(keys))
        values = self._read("rows", unique)
        return {
            key: self._decoded(key, value)
            for key, value in zip(unique, values, strict=True)
            if value is not None
        }

    def row(self, key: str) -> tuple | None:
        (value,) = self._read("rows", [key])
        return None if value is None else self._decoded(key, value)

    def any_row(self) -> tuple | None:
        (value,) = self._read("any")
        return None if value is None else self._decoded("(any)", value)

    def count(self) -> int:
        answer = self._answer("count")
        return 0 if answer is None else int(answer[0])

    def put(self, meta: Mapping[str, str], rows: Iterable[tuple]) -> None:
        """Write a new generation (the current one, with each (key, *row) put on
        top) and make it current in one step; then delete the old one."""
        import redis

        client = self._client(_WRITE_TIMEOUT)
        generation = uuid.uuid4().hex
        building = f"{PREFIX}:{generation}"
        try:
            with client, client.pipeline() as switch:
                # Another writer that switches first makes this one fail, not lose
                # its rows silently.
                switch.watch(POINTER)
                current = switch.get(POINTER)
                self._check(self._identity(current))
                self._build(client, building, current, rows)
                pointer = f"{generation} {json.dumps(dict(meta), sort_keys=True)}"
                switch.multi()
                switch.set(POINTER, pointer)
                switch.persist(building)
                switch.execute()
                if current is not None:
                    client.unlink(f"{PREFIX}:{current.partition(b' ')[0].decode()}")
        except redis.WatchError:
            client.unlink(building)
            raise FeatureStoreError(
                f"{self.location}: another `{self._command}` wrote the feature store "
                "meanwhile; run this one again"
            ) from None
        except redis.RedisError as error:
            raise self._failed(error) from None

    def _build(self, client, building: str, current: bytes | None, rows) -> None:
        writing = client.pipeline(transaction=False)
        if current is not None:
            previous = current.partition(b" ")[0].decode()
            writing.copy(f"{PREFIX}:{previous}", building)
        writing.expire(building, _BUILDING_SECONDS)
        chunk: dict[str, str] = {}
        for key, *row in rows:
            chunk[key] = json.dumps(row)
            if len(chunk) == _CHUNK:
                writing.hset(building, mapping=chunk)
                writing.expire(building, _BUILDING_SECONDS)
                writing.execute()
                chunk = {}
        if chunk:
            writing.hset(building, mapping=chunk)
            writing.expire(building, _BUILDING_SECONDS)
        writing.execute()
