# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""How a model is named: a registry root and, perhaps, an alias or a version id.

A reference is ``ROOT`` (the registry's champion, or the plain artifact folder
there), ``ROOT@champion``, ``ROOT@challenger`` or ``ROOT@<version id>``; ROOT is a
folder, an fsspec URI (``runtime.registry``) or ``models:/<name>``, an MLflow
registry (``runtime.mlflow_registry``). ``runtime.versions`` resolves and loads one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import ArtifactError

__all__ = [
    "ALIASES",
    "CHALLENGER",
    "CHAMPION",
    "MLFLOW_SCHEME",
    "VERSION_ID",
    "Version",
    "check_name",
    "reference",
    "split_reference",
]

CHAMPION, CHALLENGER = "champion", "challenger"
ALIASES = (CHAMPION, CHALLENGER)
MLFLOW_SCHEME = "models:/"
VERSION_ID = r"^[0-9a-f]{12}$"
_VERSION_ID = re.compile(VERSION_ID)


@dataclass(frozen=True)
class Version:
    """One registered version as ``models`` lists it."""

    id: str
    trained_at: str
    metrics: Mapping[str, float]
    aliases: tuple[str, ...] = ()


def split_reference(text: object) -> tuple[str, str | None]:
    """(registry root, alias or version id or None) from ``ROOT[@NAME]``.

    Only an ``@`` after the last ``/`` names a model, so ``ftp://user@host/m`` is
    a root.
    """
    text = str(text)
    head, slash, tail = text.rpartition("/")
    if "@" not in tail:
        return text, None
    tail, _, name = tail.rpartition("@")
    return head + slash + tail, name


def reference(root: object, name: str | None) -> str:
    """The reference to ``name`` (an alias or version id) in the registry that
    ``root`` (itself possibly a reference) names."""
    root, _ = split_reference(root)
    return root if name is None else f"{root}@{name}"


def check_name(name: str, root: str) -> None:
    if name not in ALIASES and not _VERSION_ID.match(name):
        raise ArtifactError(
            f"{root}@{name}: {name!r} is neither an alias ({', '.join(ALIASES)}) "
            "nor a version id (12 hex digits)"
        )
