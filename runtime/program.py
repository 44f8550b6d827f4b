# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""What every command handler of a service's CLI is given and shares.

A ``Program`` tells the runtime's commands (``runtime.commands``,
``runtime.scorecommand``, ``runtime.monitorcommand``, ...) one service; the helpers
here are the conventions they all keep: the clock and ``--as-of``, where the
rejects go, a labelled file scored without its label, and rejects reported alike.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from .contract import REASONS, summarize
from .definition import Contract, Features, Model, Monitoring, Precompute, Resources
from .errors import ServiceError
from .io import Batch, read_batch
from .pipeline import Scorer

__all__ = [
    "Handler",
    "Program",
    "as_of",
    "now",
    "readable",
    "rejects_beside",
    "report_rejects",
    "unlabelled",
]

# A subcommand: (program, parsed arguments, settings) -> exit code.
Handler = Callable[["Program", argparse.Namespace, Any], int]


@dataclass(frozen=True)
class Program:
    """One service's command line: its name and everything its commands need.

    ``settings`` builds the service's settings (read from the environment; a
    pydantic ``ValidationError`` is reported as invalid settings); ``server``
    imports and returns the service's ``run(settings)``, only when serving;
    ``extra`` adds the owner's own subcommands (each sets ``handler``, a
    ``Handler``), after the runtime's.
    """

    prog: str
    description: str
    title: str  # heads the monitoring report
    contract: Contract
    features: Features
    model: Model
    monitoring: Monitoring
    resources: Resources
    scorer: Scorer
    load_artifact: Callable[[object], Any]
    score_frame: Callable[..., Any]
    settings: Callable[[], Any]
    server: Callable[[], Callable[[Any], None]]
    precompute: Precompute | None = None
    extra: tuple[Callable[[argparse._SubParsersAction], None], ...] = ()
    namespace: str = "service"  # prefixes its metrics, as the service's do


def now() -> pd.Timestamp:
    """The current time as a naive UTC timestamp (how the contract stores times)."""
    return pd.Timestamp(datetime.now(timezone.utc)).tz_convert(None)


def as_of(text: str | None) -> pd.Timestamp:
    """``--as-of`` as a naive UTC timestamp; now when not given."""
    if text is None:
        return now()
    try:
        stamp = pd.Timestamp(text)
    except ValueError as error:
        raise ServiceError(f"--as-of: not an ISO date or datetime: {text!r}") from error
    return stamp.tz_convert(None) if stamp.tzinfo is not None else stamp


def report_rejects(rejects: pd.DataFrame, total: int) -> None:
    if rejects.empty:
        return
    print(f"rejected {len(rejects)} of {total} rows:")
    for rule, count in summarize(rejects).items():
        print(f"  {count:>7}  {rule}")


def unlabelled(program: Program, path, artifact) -> Batch:
    # A labelled file (like the sample) can be scored: its label is not an input,
    # so it is set aside rather than rejected as an unknown field (its rejects
    # keep it: they are the rows as read).
    batch = read_batch(path, program.contract)
    target = artifact.metadata.get("target")
    frame = batch.frame.drop(columns=[target] if target else [], errors="ignore")
    return replace(batch, frame=frame)


def rejects_beside(given: Path | None, beside: Path, suffix: str) -> Path:
    """``--rejects``, or ``beside``'s stem + ``.rejects`` + ``suffix`` next to it."""
    return given or beside.with_name(beside.stem + ".rejects" + suffix)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows the reader could split and decode (see ``runtime.io``)."""
    if REASONS not in frame.columns:
        return frame
    return frame[frame[REASONS].isna()].drop(columns=[REASONS])
