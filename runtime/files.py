# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The files a batch command reads and writes, handled so that no data is lost.

- Only a regular file is read: a FIFO would block forever, ``/dev/zero`` would
  fill memory and a directory is no data. The file is opened without blocking and
  checked on the open descriptor, so nothing can swap it in between.
- A command's inputs and outputs are distinct files: compared by resolved path
  (symlinks, ``./x`` and ``x``) and, when both exist, by device and inode (hard
  links). Writing an output over an input would destroy the data it came from.
- Outputs are written to temporary files beside their targets and moved into
  place only once every one of them is complete (``Outputs``): a command killed or
  failing mid-write leaves the old files (or none) and no temporary file.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import DataError

__all__ = ["Outputs", "distinct", "open_regular"]

# Writes a whole file to an open binary file object.
Writer = Callable[[BinaryIO], None]


def open_regular(path: str | Path) -> BinaryIO:
    """``path`` opened for binary reading; DataError unless it is a regular file."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise DataError(f"cannot read {path}: {error.strerror or error}") from error
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise DataError(f"cannot read {path}: {_kind(mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "a special file")


def _same(one: Path, other: Path) -> bool:
    if one.resolve() == other.resolve():
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them does not exist yet
        return False


def distinct(
    inputs: Mapping[str, str | Path | None],
    outputs: Mapping[str, str | Path | None],
    *,
    datasets: bool = False,
) -> None:
    """Raise DataError naming both when two of the paths (role -> path; None is
    skipped) are the same file, or when an output exists but is no regular file
    (or, with ``datasets``, no folder of a dataset's parts either)."""
    given = [
        (role, Path(path))
        for role, path in (*inputs.items(), *outputs.items())
        if path is not None
    ]
    for position, (role, path) in enumerate(given):
        for other_role, other in given[position + 1 :]:
            if _same(path, other):
                raise DataError(
                    f"{role} {path} and {other_role} {other} are the same file; "
                    "give distinct paths (nothing was written)"
                )
    for role, path in outputs.items():
        if path is not None and Path(path).exists():
            mode = Path(path).stat().st_mode
            if datasets and stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                raise DataError(
                    f"{role} {path} is {_kind(mode)}; give the path of a file"
                )


class Outputs:
    """Files written together: each to a temporary file beside its target, all
    moved into place when the ``commit`` block ends without an error.

    >>> with Outputs().commit() as outputs:
    ...     outputs.write(path, lambda file: file.write(b"..."))
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self._folders: list[tuple[Path, Path]] = []

    def folder(self, path: str | Path) -> Path:
        """An empty folder beside ``path`` to write a dataset (a folder of parts)
        into; it replaces ``path`` when the block ends without an error."""
        target = Path(path).resolve()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent)
            )
        except OSError as error:
            raise DataError(f"cannot write {path}: {error}") from error
        self._folders.append((temporary, target))
        return temporary

    def write(self, path: str | Path, writer: Writer) -> None:
        """Write ``path``'s new content with ``writer`` (to a temporary file)."""
        target = Path(path).resolve()  # a symlinked output is written through
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
        except OSError as error:
            raise DataError(f"cannot write {path}: {error}") from error
        temporary = Path(name)
        self._pending.append((temporary, target))
        try:
            with os.fdopen(descriptor, "wb") as file:
                writer(file)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, _mode(target))
        except OSError as error:
            raise DataError(f"cannot write {path}: {error}") from error

    @contextmanager
    def commit(self) -> Iterator[Outputs]:
        """Move every file written in the block into place, or none of them."""
        try:
            yield self
            for temporary, target in self._pending:
                try:
                    os.replace(temporary, target)
                except OSError as error:
                    raise DataError(f"cannot write {target}: {error}") from error
            for temporary, target in self._folders:
                _replace_folder(temporary, target)
        finally:
            for temporary, _ in self._pending:
                temporary.unlink(missing_ok=True)
            for temporary, _ in self._folders:
                shutil.rmtree(temporary, ignore_errors=True)
            self._pending.clear()
            self._folders.clear()


def _replace_folder(new: Path, target: Path) -> None:
    """Put the folder ``new`` where ``target`` is; the old content goes once the
    new is in (a folder cannot be swapped in one step as a file can)."""
    old = None
    try:
        if target.exists() or target.is_symlink():
            old = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent)
            )
            os.replace(target, old / "previous")
        os.replace(new, target)
    except OSError as error:
        if old is not None and (old / "previous").exists() and not target.exists():
            os.replace(old / "previous", target)
        raise DataError(f"cannot write {target}: {error}") from error
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _mode(target: Path) -> int:
    """The permissions a new file gets (mkstemp's are owner-only), or the old
    file's when it is replaced."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
