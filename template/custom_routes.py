# Yours: created once by modelplate, never touched by `modelplate update`.
"""Routes this service serves besides the generated ones, written by its owners.

``create_app`` calls ``add_routes`` once, after the generated endpoints exist and
before the app starts, so a route here shares the app's model, settings and metrics
middleware. For example::

    @app.get("/version")
    async def version() -> dict:
        return {"version": "1.2.3"}
"""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["add_routes"]


def add_routes(app: FastAPI) -> None:
    """Add the owners' routes to ``app`` (none yet)."""
