"""The runtime vendored into a generated repository, and the manifest that records it.

Every generated repository carries a byte-for-byte copy of the installed runtime
(`modelplate.runtime`) as `src/<package>/runtime/`, with `manifest.json` beside it: the
runtime's version, a sha256 of each file, and one sha256 over them all. The copy is
never rendered or merged: `update` replaces it wholesale, and the manifest is what lets
`update` and `audit` name, file by file, what an owner edited, deleted or added since.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import GenerationError

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable

MANIFEST = "manifest.json"
_SKIPPED_DIRS = ("__pycache__",)
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


@dataclass(frozen=True)
class Manifest:
    """What was vendored: the runtime's version and each file's sha256 by its path
    relative to the runtime folder (`/`-separated)."""

    runtime_version: str
    files: dict[str, str]

    @property
    def sha256(self) -> str:
        """One hash over the whole copy: sha256 of the `sha256sum` listing of its
        files sorted by path (`<sha256>  <path>` lines), so a shell can check it."""
        listing = "".join(
            f"{self.files[path]}  {path}\n" for path in sorted(self.files)
        )
        return hashlib.sha256(listing.encode()).hexdigest()

    def to_bytes(self) -> bytes:
        fields = {
            "files": self.files,
            "runtime_version": self.runtime_version,
            "sha256": self.sha256,
        }
        return (json.dumps(fields, indent=2, sort_keys=True) + "\n").encode()


@dataclass(frozen=True, order=True)
class RuntimeEdit:
    """A runtime file that differs from what the manifest recorded."""

    path: str  # relative to the repository, e.g. src/pkg/runtime/contract.py
    kind: str  # edited | deleted | added
    runtime_version: str

    @property
    def reason(self) -> str:
        return (
            f"{self.kind} since modelplate vendored it (runtime {self.runtime_version})"
        )

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def runtime_folder(package: str) -> str:
    """Where a repository keeps its vendored runtime, relative to its root."""
    return f"src/{package}/runtime"


def installed_runtime() -> Traversable:
    """The runtime this modelplate ships (an editable checkout or inside a wheel)."""
    return files("modelplate.runtime")


def runtime_sources(source: Traversable | Path | None = None) -> dict[str, bytes]:
    """The runtime's `.py` files by relative path: the installed one, or `source`."""
    root = installed_runtime() if source is None else source
    if not root.is_dir():
        raise GenerationError(f"the runtime folder {root} does not exist")
    found: dict[str, bytes] = {}
    pending: list[tuple[str, Traversable]] = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        for entry in folder.iterdir():
            if entry.is_dir() and entry.name not in _SKIPPED_DIRS:
                pending.append((f"{prefix}{entry.name}/", entry))
            elif entry.is_file() and entry.name.endswith(".py"):
                found[prefix + entry.name] = entry.read_bytes()
    if "__init__.py" not in found:
        raise GenerationError(f"the runtime folder {root} has no __init__.py")
    return dict(sorted(found.items()))


def runtime_version(init_source: bytes, where: str = "runtime/__init__.py") -> str:
    """`__version__` as written in the runtime's `__init__.py` (read, never imported:
    the copy being vendored need not be the one this process imported)."""
    try:
        body = ast.parse(init_source, filename=where).body
    except SyntaxError as exc:
        raise GenerationError(f"{where}:{exc.lineno}: {exc.msg}") from None
    for node in body:
        if (
            isinstance(node, ast.Assign)
            and any(
                isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
            )
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    raise GenerationError(f'{where} does not set __version__ = "..."')


def manifest_of(sources: dict[str, bytes]) -> Manifest:
    return Manifest(
        runtime_version=runtime_version(sources["__init__.py"]),
        files={
            path: hashlib.sha256(data).hexdigest() for path, data in sources.items()
        },
    )


def shipped_version() -> str:
    """The version of the runtime this modelplate vendors."""
    return runtime_version(installed_runtime().joinpath("__init__.py").read_bytes())


def vendor_runtime(
    project: Path, package: str, source: Traversable | Path | None = None
) -> list[str]:
    """Copy the runtime into `project` with its manifest; return the paths written.

    The folder belongs to the runtime alone: a template that renders into it is a bug,
    reported rather than silently overwritten.
    """
    folder = runtime_folder(package)
    target = project / folder
    if target.exists():
        taken = sorted(str(p.relative_to(project)) for p in target.rglob("*"))
        raise GenerationError(
            f"the template rendered {', '.join(taken) or folder} into {folder}, "
            "which holds the vendored runtime only"
        )
    sources = runtime_sources(source)
    for path, data in sources.items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_bytes(data)
    (target / MANIFEST).write_bytes(manifest_of(sources).to_bytes())
    return [f"{folder}/{path}" for path in [*sources, MANIFEST]]


def read_manifest(root: Path, package: str) -> Manifest | None:
    """The repository's manifest, or None when it has none; GenerationError when it
    cannot be read."""
    path = root / runtime_folder(package) / MANIFEST
    if not path.is_file():
        return None
    return parse_manifest(path.read_bytes(), f"{runtime_folder(package)}/{MANIFEST}")


def parse_manifest(text: bytes, where: str) -> Manifest:
    try:
        data = json.loads(text)
        manifest = Manifest(str(data["runtime_version"]), dict(data["files"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise GenerationError(f"{where} cannot be read: {exc}") from None
    if manifest.sha256 != data.get("sha256"):
        raise GenerationError(f"{where}: sha256 does not match the files it lists")
    return manifest


def runtime_edits(
    root: Path, package: str, vendored: Manifest | None = None
) -> list[RuntimeEdit]:
    """The runtime files of a repository that differ from its manifest.

    A folder without a readable manifest is reported as the manifest itself edited or
    deleted: nothing in it can be trusted to be modelplate's. Without a runtime folder,
    the files of `vendored` (the manifest last vendored, when known: `update` reads it
    from the pristine branch) are deleted; with neither, nothing was vendored.
    """
    folder = runtime_folder(package)
    if not (root / folder).is_dir():
        recorded = [] if vendored is None else [*vendored.files, MANIFEST]
        version = vendored.runtime_version if vendored else ""
        return [RuntimeEdit(f"{folder}/{p}", "deleted", version) for p in recorded]
    try:
        manifest = read_manifest(root, package)
    except GenerationError:
        return [RuntimeEdit(f"{folder}/{MANIFEST}", "edited", "unknown")]
    if manifest is None:
        return [RuntimeEdit(f"{folder}/{MANIFEST}", "deleted", "unknown")]
    present = _present_files(root / folder)
    edits = []
    for path in sorted(set(manifest.files) | set(present)):
        digest = present.get(path)
        if path not in manifest.files:
            kind = "added"
        elif digest is None:
            kind = "deleted"
        elif digest != manifest.files[path]:
            kind = "edited"
        else:
            continue
        edits.append(RuntimeEdit(f"{folder}/{path}", kind, manifest.runtime_version))
    return edits


@dataclass(frozen=True)
class RuntimeStatus:
    """A repository's vendored runtime: its version (None without a readable
    manifest), the version this modelplate ships, and the owners' edits."""

    version: str | None
    shipped: str
    edits: list[RuntimeEdit]


def runtime_status(root: Path, package: str) -> RuntimeStatus | None:
    """The vendored runtime of `package` in `root`, or None when it has none."""
    if not (root / runtime_folder(package)).is_dir():
        return None
    try:
        manifest = read_manifest(root, package)
    except GenerationError:
        manifest = None  # runtime_edits reports it
    version = manifest.runtime_version if manifest else None
    return RuntimeStatus(version, shipped_version(), runtime_edits(root, package))


def _present_files(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder` but the manifest and Python's caches."""
    found = {}
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if (
            not path.is_file()
            or relative.as_posix() == MANIFEST
            or any(part in _SKIPPED_DIRS for part in relative.parts)
            or path.suffix in _SKIPPED_SUFFIXES
        ):
            continue
        found[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


__all__ = [
    "MANIFEST",
    "Manifest",
    "RuntimeEdit",
    "RuntimeStatus",
    "installed_runtime",
    "manifest_of",
    "parse_manifest",
    "read_manifest",
    "runtime_edits",
    "runtime_folder",
    "runtime_sources",
    "runtime_status",
    "runtime_version",
    "shipped_version",
    "vendor_runtime",
]
