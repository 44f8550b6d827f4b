# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Which model to load: a reference resolved in its registry, then verified.

A reference is ``ROOT`` (the registry's champion, or the plain artifact folder
there), ``ROOT@champion``, ``ROOT@challenger`` or ``ROOT@<version id>``; ROOT is a
folder, an fsspec URI (``runtime.registry``) or ``models:/<name>``, an MLflow
registry (``runtime.mlflow_registry``, imported only then: MLflow is optional).
Serving, scoring, monitoring and sizing all load through ``load``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from .artifact import Artifact, load_artifact
from .definition import Contract
from .errors import ArtifactError
from .references import MLFLOW_SCHEME, split_reference
from .registry import FolderRegistry

__all__ = ["load", "locate", "open_registry"]


def open_registry(root: object, command: str = ""):
    """The registry at ``root`` (a folder, an fsspec URI or ``models:/<name>``);
    ``command`` is the service's CLI, named in errors."""
    root, _ = split_reference(root)
    if root.startswith(MLFLOW_SCHEME):
        from .mlflow_registry import MlflowRegistry

        return MlflowRegistry(root, command)
    return FolderRegistry(root, command)


def locate(text: object, command: str = "") -> str:
    """Where the model ``text`` (a reference) names is: a folder or URI, or a
    pinned MLflow version (``models:/<name>/<number>``). ``NoAliasError`` when
    the alias is not set (e.g. no challenger yet: nothing is broken),
    ``ArtifactError`` when anything else is wrong."""
    root, name = split_reference(text)
    return open_registry(root, command).locate(name)


def load(
    text: object,
    contract: Contract,
    columns: Sequence[str],
    *,
    command: str = "",
    loader: Callable[..., Artifact] = load_artifact,
) -> Artifact:
    """The artifact ``text`` names, verified as ``artifact.load_artifact`` does
    (``command`` is the service's CLI, named in errors); a version the registry
    named must also hold what its id was made of. Its ``location`` is the
    version's, its ``version`` the id."""
    root, name = split_reference(text)
    registry = open_registry(root, command)
    location = registry.locate(name)
    train_command = f"{command} train".strip()
    with registry.fetched(location) as folder:
        artifact = loader(folder, contract, columns, train_command=train_command)
    expected = registry.version_of(location)
    if expected is not None and artifact.version != expected:
        raise ArtifactError(
            f"{location}: its metadata makes version id {artifact.version}, not "
            f"{expected}; it was changed after training. Promote another version"
        )
    return replace(artifact, location=location)
