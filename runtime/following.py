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
load; the challenger is read again with it, so the shadow follows too (none when
both aliases now name one version). A version that does not load or verify is
reported (once per reason) and counted (``model_reloads_total{outcome="failed"}``,
which ``PromotionNotServed`` watches), and the service keeps serving the model it
has; a registry that does not answer is counted apart (``registry_unreadable``).
A pinned reference (``ROOT@<version id>``, ``ROOT@challenger``) is never followed:
it names one model; a plain artifact folder is looked at and found unchanged.

Each replica follows on its own, so replicas change over within one period of each
other; ``<namespace>_served_model{version}`` shows which serves what.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from .errors import ServiceError, in_one_line
from .references import CHAMPION, split_reference
from .serving import Serving, State
from .versions import locate

__all__ = ["Follower", "Look", "follow", "followed", "patience", "period"]

# The least time a look at the registry may take before it counts as no answer.
LOOK_SECONDS = 60.0


def followed(reference: object) -> bool:
    """Whether ``reference`` names a registry's champion, which can move."""
    _, name = split_reference(reference)
    return name in (None, CHAMPION)


def period(settings: Any) -> float:
    """Seconds between two looks at the registry; 0: the service never looks
    (settings from before this setting existed, too)."""
    seconds = float(getattr(settings, "follow_registry_seconds", 0) or 0)
    return seconds if seconds > 0 and followed(settings.artifact) else 0.0


@dataclass(frozen=True)
class Look:
    """What one look at the registry found: ``same`` (the champion is served),
    ``moved`` (the new ``champion`` loaded and verified, with the ``challenger``
    to shadow beside it), ``unreadable`` (the registry did not answer) or
    ``refused`` (the new champion does not load or verify); ``reason`` says why."""

    kind: str
    champion: Any = None
    challenger: tuple[Any | None, bool] | None = None
    reason: str = ""


def _reason(error: Exception) -> str:
    """Ours say what is wrong; a registry client's own exception is named too."""
    if isinstance(error, ServiceError):
        return str(error)
    return in_one_line(error, named=True)


@dataclass
class Follower:
    """What one app's following knows: its service, its state, how a reference
    is located (``versions.locate``), and the last problem it reported."""

    serving: Serving
    state: State
    locate: Callable[[str], str] = locate
    reported: str | None = None
    # The champion location found refused, and why: not fetched again until the
    # alias moves (an MLflow version is a download each time).
    refused: tuple[str, str] | None = None

    def look(self) -> Look:
        """Where the champion is now and, when it moved, the new one loaded and
        verified (and the challenger read again). Blocking (files, perhaps a
        network): run off the event loop. Never raises: a registry's own client
        may raise anything, and following must go on."""
        settings, state = self.state.settings, self.state
        try:
            location = self.locate(settings.artifact)
        except Exception as error:
            return Look("unreadable", reason=_reason(error))
        if location == getattr(state.artifact, "location", None):
            return Look("same")
        if self.refused is not None and self.refused[0] == location:
            return Look("refused", reason=self.refused[1])
        try:
            champion = self.serving.load_artifact(settings.artifact)
            self.serving.verify(settings, champion, state.store)
        except Exception as error:
            self.refused = (location, f"{location}: {_reason(error)}")
            return Look("refused", reason=self.refused[1])
        challenger = None
        if state.recorder is not None:
            challenger = self.serving.challenger_of(replace(state, artifact=champion))
        return Look("moved", champion, challenger)

    def settle(self, look: Look) -> None:
        """Act on ``look``, on the event loop."""
        if look.kind == "same":
            self.reported = None  # a later problem, even the same one, is said
            return
        if look.kind == "moved":
            self.serving.serve_instead(self.state, look.champion, look.challenger)
            self._count("loaded")
            self.reported = None
            location = getattr(look.champion, "location", "")
            print(f"serving the promoted champion {location}", file=sys.stderr)
            return
        self._count("failed" if look.kind == "refused" else "registry_unreadable")
        if look.reason != self.reported:  # once per reason, not once per period
            self.reported = look.reason
            what = (
                "the promoted champion is not served"
                if look.kind == "refused"
                else "the registry cannot be read"
            )
            print(f"{what}, keeping the current model: {look.reason}", file=sys.stderr)

    def _count(self, outcome: str) -> None:
        self.state.telemetry.model_reloads.labels(outcome).inc()


def _off_the_loop(function: Callable[[], Look]) -> asyncio.Future:
    """The future of ``function()``, run on a daemon thread of its own, which
    always delivers a ``Look``. Neither the event loop nor the process stopping
    waits for the thread: a slow download is abandoned at shutdown
    (``asyncio.to_thread``'s executor would be joined)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def deliver(look: Look) -> None:
        if not future.done():
            future.set_result(look)

    def run() -> None:
        try:
            look = function()
        except BaseException as error:  # look() catches; this is the last guard
            look = Look("refused", reason=in_one_line(error, named=True))
        try:
            loop.call_soon_threadsafe(deliver, look)
        except RuntimeError:  # the loop has closed: nobody is waiting
            pass

    threading.Thread(target=run, name="follow-registry", daemon=True).start()
    return future


def patience(seconds: float) -> float:
    """How long a look may take before the registry counts as not answering."""
    return max(LOOK_SECONDS, 10 * seconds)


async def follow(
    follower: Follower,
    seconds: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Every ``seconds``, serve the registry's champion if it has moved; until
    cancelled (when the app stops). A look that has not returned within
    ``patience`` counts as a registry that does not answer, and no other look
    starts while it runs (looks never pile up)."""
    pending: asyncio.Future | None = None  # the look under way, if any
    while True:
        await sleep(seconds)
        if pending is None:
            pending = _off_the_loop(follower.look)
        done, _ = await asyncio.wait({pending}, timeout=patience(seconds))
        if not done:
            stuck = f"no answer from the registry within {patience(seconds):g} s"
            follower.settle(Look("unreadable", reason=stuck))
            continue
        look, pending = pending.result(), None
        if follower.state.artifact is not None:  # not unloaded meanwhile
            follower.settle(look)
