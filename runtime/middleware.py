# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The ASGI middleware of a service's app: it counts every request, and names the
contract version on every response."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from starlette.requests import ClientDisconnect

if TYPE_CHECKING:
    from .telemetry import Telemetry

__all__ = ["ContractVersion", "Observe"]


class Observe:
    """ASGI middleware: counts each request and its latency by endpoint and status.

    Plain ASGI rather than ``@app.middleware``: Starlette's BaseHTTPMiddleware
    adds a task and a stream per request, about as much time as a predict.

    A client that leaves before its answer is sent (mid-body, say) is counted as
    a disconnect, not as a request: it is not the service's error (no 5xx), and
    there is no one to answer, so nothing is logged either.
    """

    def __init__(self, app, telemetry: Telemetry) -> None:
        self.app = app
        self.telemetry = telemetry

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status, answered, left = time.perf_counter(), 500, False, False

        async def receive_and_note():
            nonlocal left
            message = await receive()
            left = left or message["type"] == "http.disconnect"
            return message

        async def send_and_note(message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                answered = answered or not message.get("more_body", False)
            await send(message)

        try:
            await self.app(scope, receive_and_note, send_and_note)
        except ClientDisconnect:
            left = True
        finally:
            if left and not answered:
                self.telemetry.observe_disconnect(scope["path"])
            else:
                elapsed = time.perf_counter() - started
                self.telemetry.observe_request(scope["path"], status, elapsed)


class ContractVersion:
    """ASGI middleware: a ``Contract-Version`` header on every response.

    The version is the first 12 hex digits of the contract's hash, which changes
    whenever what the contract accepts changes (the ODCS document's version too):
    a caller in the middle of a contract change can tell which one answered.
    """

    def __init__(self, app, version: str) -> None:
        self.app = app
        self.header = (b"contract-version", version.encode("ascii"))

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_version(message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", ()), self.header],
                }
            await send(message)

        await self.app(scope, receive, send_with_version)
