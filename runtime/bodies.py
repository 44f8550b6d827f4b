# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Request bodies as they arrive: their type and their size, checked before use.

A body must say it is JSON (415 otherwise: a form or a text body scored by
accident hides a broken producer). Its size is capped while it is read: a
Content-Length above the limit is refused before a byte is read, and a body
without one (chunked) is counted chunk by chunk and refused at the limit, so a
client cannot make the service hold more than the limit, whatever it sends.

The limits derive from the spec: ``/predict`` takes one record, so a small body;
``/predict/batch`` takes ``max_batch_records`` of them. Neither goes above what
``resources.memory_mb`` allows: a decoded body takes many times its size in
Python objects (``[[],[],...]`` about 27 bytes per byte, a batch of real records
about 4), so a body may take at most ``1/MEMORY_PER_BODY_BYTE`` of the memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from .requests import Rejected, body_violation

__all__ = ["Limits", "check_content_type", "limits_for", "read_body"]

# Room for one field of a record, name and value, as JSON: a typical one takes 20
# to 40 bytes, so free text up to a few hundred characters fits.
FIELD_BYTES = 512
# The least a one-record body may hold, whatever the spec: room for a few
# undeclared fields, which a contract that ignores them accepts.
RECORD_FLOOR = 16 * 1024
# A decoded body's worst case in Python objects (~27x its size) plus its frame and
# results, with room left for the model and the rest of the service.
MEMORY_PER_BODY_BYTE = 64
MIB = 2**20


@dataclass(frozen=True)
class Limits:
    """The most bytes a body may hold: ``record`` for ``/predict``, ``batch`` for
    ``/predict/batch``."""

    record: int
    batch: int


def limits_for(
    fields: int,
    max_records: int,
    memory_mb: float,
    *,
    record: int | None = None,
    batch: int | None = None,
) -> Limits:
    """The body limits of a service whose requests carry ``fields`` fields, whose
    batches hold at most ``max_records`` records and whose replica has
    ``memory_mb``; ``record`` and ``batch`` (settings) replace the derived ones."""
    ceiling = max(int(memory_mb * MIB) // MEMORY_PER_BODY_BYTE, RECORD_FLOOR)
    one = min(max(RECORD_FLOOR, fields * FIELD_BYTES), ceiling)
    many = min(max(one, max_records * fields * FIELD_BYTES), ceiling)
    return Limits(record=record or one, batch=batch or many)


def check_content_type(header: str | None) -> None:
    """``Rejected`` (415) unless ``header`` says JSON (a UTF-8 charset is allowed)."""
    media, *parameters = (header or "").split(";")
    charsets = [
        value.strip().strip('"').lower()
        for name, _, value in (p.partition("=") for p in parameters)
        if name.strip().lower() == "charset"
    ]
    if media.strip().lower() == "application/json" and set(charsets) <= {"utf-8"}:
        return
    shown = repr(header[:80]) if header else "none"
    message = f"expected Content-Type application/json (UTF-8), got {shown}"
    violation = body_violation("content_type", message, "$content-type")
    raise Rejected(415, message, [violation])


def _too_large(limit: int, sent: str) -> Rejected:
    message = f"the body holds {sent} bytes, at most {limit} on this endpoint"
    return Rejected(413, message, [body_violation("max_bytes", message)])


async def read_body(request: Request, limit: int) -> bytearray:
    """The body of ``request``, read while counting: ``Rejected`` (413) as soon as
    it is, or says it will be, longer than ``limit`` bytes. A client that leaves
    mid-body raises Starlette's ``ClientDisconnect`` (``runtime.middleware``
    counts it)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit, declared)
    body = bytearray()
    async for chunk in request.stream():
        if len(body) + len(chunk) > limit:
            raise _too_large(limit, f"more than {limit}")
        body += chunk
    return body
