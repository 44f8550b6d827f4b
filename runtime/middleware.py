# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The ASGI middleware that counts every request of a service's app."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .telemetry import Telemetry

__all__ = ["Observe"]


class Observe:
    """ASGI middleware: counts each request and its latency by endpoint and status.

    Plain ASGI rather than ``@app.middleware``: Starlette's BaseHTTPMiddleware
    adds a task and a stream per request, about as much time as a predict.
    """

    def __init__(self, app, telemetry: Telemetry) -> None:
        self.app = app
        self.telemetry = telemetry

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_and_note(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            elapsed = time.perf_counter() - started
            self.telemetry.observe_request(scope["path"], status, elapsed)
