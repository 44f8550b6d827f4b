# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A promoted champion served without a restart.

A service loads its model once, when it starts, never per request. When its
``artifact`` setting names a registry's champion (``ROOT`` or ``ROOT@champion``),
``follow`` asks the registry every ``follow_registry_seconds`` (a setting; 0: never)
where the alias points: one small read (``aliases.json``, or one MLflow call). When
the alias has moved (``promote``), the new version is loaded and verified off the
event loop, as at start (its files against their hashes, its contract, its columns,
the example record scored), and only then served, between two requests: no request
is scored by one model and logged under the other's version, and none waits for the
load. A version that does not load or verify is reported (once per reason) and
counted, and the service keeps serving the model it has. A pinned reference
(``ROOT@<version id>``, ``ROOT@challenger``) or a plain artifact folder is never
followed: it names one model.

Each replica follows on its own, so replicas change over within one period of each
other; ``<namespace>_served_model{version}`` shows which serves what.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .errors import ServiceError
from .references import CHAMPION, split_reference
from .serving import Serving, State
from .versions import locate

__all__ = ["Follower", "follow", "followed", "period"]


def followed(reference: object) -> bool:
    """Whether ``reference`` names a registry's champion, which can move."""
    _, name = split_reference(reference)
    return name in (None, CHAMPION)


def period(settings: Any) -> float:
    """Seconds between two looks at the registry; 0: the service never looks
    (settings from before this setting existed, too)."""
    seconds = float(getattr(settings, "follow_registry_seconds", 0) or 0)
    return seconds if seconds > 0 and followed(settings.artifact) else 0.0


@dataclass
class Follower:
    """What one app's following knows: its service, its state, how a reference
    is located (``versions.locate``), and the last failure it reported."""

    serving: Serving
    state: State
    locate: Callable[[str], str] = locate
    reported: str | None = None

    def promoted(self) -> Any | None:
        """The champion the registry names now, loaded and verified, or None when
        it is the one being served. Blocking (files, perhaps a network): run it
        off the event loop. Raises ``ServiceError`` (one line) for a registry
        that cannot be read or a version that does not load or verify."""
        settings = self.state.settings
        location = self.locate(settings.artifact)
        if location == getattr(self.state.artifact, "location", None):
            return None
        artifact = self.serving.load_artifact(settings.artifact)
        self.serving.verify(settings, artifact, self.state.store)
        return artifact

    def loaded(self, artifact: Any) -> None:
        self.serving.serve_instead(self.state, artifact)
        self.state.telemetry.model_reloads.labels("loaded").inc()
        self.reported = None
        location = getattr(artifact, "location", "")
        print(f"serving the promoted champion {location}", file=sys.stderr)

    def failed(self, reason: str) -> None:
        self.state.telemetry.model_reloads.labels("failed").inc()
        if reason != self.reported:  # once per reason, not once per period
            self.reported = reason
            print(
                f"the promoted champion is not served, keeping the current one: {reason}",
                file=sys.stderr,
            )


async def follow(
    follower: Follower,
    seconds: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Every ``seconds``, serve the registry's champion if it has moved; until
    cancelled (when the app stops)."""
    while True:
        await sleep(seconds)
        try:
            artifact = await asyncio.to_thread(follower.promoted)
        except ServiceError as error:
            follower.failed(str(error))
            continue
        # A registry's own client may raise anything; following must not stop.
        except Exception as error:
            follower.failed(" ".join(f"{type(error).__name__}: {error}".split()))
            continue
        if artifact is not None and follower.state.artifact is not None:
            follower.loaded(artifact)
