# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Model versions and the aliases that say which one serves: the model registry.

Every ``train`` adds a version; ``promote`` moves an alias (``champion``, what
serves; ``challenger``, what may replace it) to a version. The registry is a folder
or any fsspec URI (the spec's ``model.artifact``), laid out as::

    ROOT/versions/<id>/model.onnx, metadata.json   one artifact per version
    ROOT/aliases.json                               alias -> id, and who moved it when

or, for a root ``models:/<name>``, an MLflow model registry (``mlflow_registry``;
``versions`` opens either).
A plain artifact folder (``model.onnx`` and ``metadata.json`` at its root, as
before the registry) still loads by its path.

What to load is named by a reference (``runtime.references``).

Writes: a version's folder is written whole before any alias names it (locally in a
staging folder renamed into place, elsewhere ``metadata.json`` last, so a version
without it is incomplete and ignored). ``aliases.json`` is read, changed and
written back (locally by rename): the last writer wins, and a writer that finds the
file changed since it read it refuses rather than overwrite the other's move.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

from .artifact import METADATA_FILE, join, version_id
from .errors import ArtifactError, NoAliasError
from .references import ALIASES, VERSION_ID, Version, check_name

__all__ = ["ALIASES_FILE", "VERSIONS", "FolderRegistry"]

ALIASES_FILE = "aliases.json"
VERSIONS = "versions"
_VERSION_ID = re.compile(VERSION_ID)


class FolderRegistry:
    """The registry in a folder or fsspec URI (the module's docstring)."""

    def __init__(self, root: str, command: str = "") -> None:
        self.root = str(root).rstrip("/") or "/"
        self.command = command or "<service>"
        try:
            self.fs, self.path = fsspec.core.url_to_fs(self.root)
        except (ImportError, ValueError) as error:
            raise ArtifactError(f"cannot open {self.root}: {error}") from error
        self.local = isinstance(self.fs, LocalFileSystem)

    def _location(self, *parts: str) -> str:
        location = self.root
        for part in parts:
            location = join(location, part)
        return location

    def _read_json(self, *parts: str) -> object:
        path = join(self.path, "/".join(parts))
        try:
            # A FIFO would block and /dev/zero fill memory: only a file is read.
            if self.fs.info(path).get("type") != "file":
                raise ArtifactError(f"{self._location(*parts)}: not a regular file")
            return json.loads(self.fs.cat_file(path))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError) as error:
            raise ArtifactError(
                f"cannot read {self._location(*parts)}: {error}"
            ) from error

    def aliases(self) -> dict[str, str]:
        """alias -> version id."""
        return dict(self._aliases_document().get("aliases", {}))

    def _aliases_document(self) -> dict:
        document = self._read_json(ALIASES_FILE)
        if document is None:
            return {"aliases": {}, "history": []}
        aliases = document.get("aliases") if isinstance(document, dict) else None
        if not isinstance(aliases, dict) or not all(
            isinstance(v, str) for v in aliases.values()
        ):
            raise ArtifactError(
                f"{self._location(ALIASES_FILE)}: expected an object with "
                '"aliases": {alias: version id}'
            )
        return document

    def versions(self) -> list[Version]:
        """Every complete version, oldest first, with the aliases naming it."""
        try:
            names = [
                Path(entry).name
                for entry in self.fs.ls(join(self.path, VERSIONS), detail=False)
            ]
        except FileNotFoundError:
            names = []
        by_version: dict[str, list[str]] = {}
        for alias, version in sorted(self.aliases().items()):
            by_version.setdefault(version, []).append(alias)
        found = []
        for name in filter(_VERSION_ID.match, names):  # not a staging folder
            try:
                metadata = self._read_json(VERSIONS, name, METADATA_FILE)
            except ArtifactError:
                metadata = None
            if not isinstance(metadata, dict):
                continue  # being written, or broken: loading it says why
            found.append(
                Version(
                    id=name,
                    trained_at=str(metadata.get("trained_at", "")),
                    metrics=dict(metadata.get("metrics", {})),
                    aliases=tuple(by_version.get(name, ())),
                )
            )
        return sorted(found, key=lambda version: (version.trained_at, version.id))

    def locate(self, name: str | None = None) -> str:
        """The artifact location of ``name`` (an alias or version id); with no
        name, the champion, or the plain artifact at the root when the root holds
        one and no aliases. ``NoAliasError`` when the alias is not set."""
        if name is None:
            if self.fs.exists(join(self.path, ALIASES_FILE)):
                name = "champion"
            elif self.fs.exists(join(self.path, METADATA_FILE)):
                return self.root
            else:
                raise ArtifactError(
                    f"no model artifact at {self.root} (neither a registry nor "
                    f"{METADATA_FILE}): run `{self.command} train` first"
                )
        check_name(name, self.root)
        version = name
        if name in ALIASES:
            version = self.aliases().get(name)
            if version is None:
                raise NoAliasError(
                    f"{self.root}: no {name} alias; set it with "
                    f"`{self.command} promote VERSION --alias {name}`"
                )
        if not self.fs.exists(join(self.path, f"{VERSIONS}/{version}/{METADATA_FILE}")):
            raise ArtifactError(
                f"{self.root}: no version {version} (list them with "
                f"`{self.command} models`)"
            )
        return self._location(VERSIONS, version)

    def version_of(self, location: str) -> str | None:
        """The version id a location from ``locate`` stands for (None: the plain
        artifact at the root)."""
        return None if location == self.root else location.rsplit("/", 1)[-1]

    @contextmanager
    def fetched(self, location: str):
        """``location`` as a folder ``load_artifact`` reads: here, itself."""
        yield location

    @contextmanager
    def staging(self):
        """A folder to write one new artifact into, before ``add`` registers it."""
        if self.local:
            folder = Path(self.path) / VERSIONS / f".staging-{uuid.uuid4().hex}"
        else:
            folder = Path(tempfile.gettempdir()) / f"modelplate-{uuid.uuid4().hex}"
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            yield str(folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def add(self, staged: str) -> str:
        """Register the artifact written to ``staged``; its version id."""
        metadata = json.loads(Path(staged, METADATA_FILE).read_text())
        version = version_id(metadata)
        target = join(self.path, f"{VERSIONS}/{version}")
        try:
            if self.local:
                if not Path(target).exists():
                    os.replace(staged, target)
                return version
            files = sorted(
                Path(staged).iterdir(), key=lambda p: p.name == METADATA_FILE
            )
            for file in files:  # metadata.json last: without it, no version
                self.fs.pipe_file(join(target, file.name), file.read_bytes())
        except OSError as error:
            raise ArtifactError(
                f"cannot write version {version} to {self.root}: {error}"
            ) from error
        return version

    def set_alias(self, alias: str, version: str, *, by: str, at: str) -> str | None:
        """Point ``alias`` at ``version``; the version it named before."""
        document = self._aliases_document()
        before = document.get("aliases", {}).get(alias)
        document = {
            "aliases": {**document.get("aliases", {}), alias: version},
            "history": [
                *document.get("history", []),
                {
                    "alias": alias,
                    "version": version,
                    "previous": before,
                    "by": by,
                    "at": at,
                },
            ],
        }
        if self._aliases_document().get("aliases", {}).get(alias) != before:
            raise ArtifactError(
                f"{self._location(ALIASES_FILE)}: {alias} moved while this command "
                "ran; nothing changed, run it again"
            )
        self._write(ALIASES_FILE, json.dumps(document, indent=2) + "\n")
        return before

    def _write(self, name: str, text: str) -> None:
        path = join(self.path, name)
        try:
            if self.local:
                Path(self.path).mkdir(parents=True, exist_ok=True)
                temporary = Path(f"{path}.{uuid.uuid4().hex}.tmp")
                temporary.write_text(text)
                os.replace(temporary, path)
            else:
                self.fs.pipe_file(path, text.encode())
        except OSError as error:
            raise ArtifactError(
                f"cannot write {self._location(name)}: {error}"
            ) from error
