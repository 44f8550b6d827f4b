"""The output folder of `modelplate new`: whether it may be used, and the atomic swap.

A render is built in a scratch folder beside the output and renamed into place only
when complete, so the output is never half-written. Two things follow from that:

- `--force` replaces a folder wholesale, so it must never replace one modelplate did not
  make: only an empty folder or a previous render of the same spec (its
  `.copier-answers.yml` names the spec) is replaced, and never one holding the spec
  being rendered from.
- A render killed mid-way (`kill -9`, a power cut) leaves its scratch folder behind.
  Each scratch folder's name carries the host and process that made it, so the next
  render beside it removes the ones whose process is gone, and puts back a previous
  project that was caught between the two renames of the swap.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import stat
import tempfile
from pathlib import Path

import yaml

from .errors import OutputError

ANSWERS_FILE = ".copier-answers.yml"
_PREFIX = ".modelplate-"
_LARGEST_ANSWERS = 1 << 20  # ours are a few hundred bytes
# Inside an "old" scratch folder: the project being replaced, and where it came from.
_PREVIOUS, _TARGET = "previous", "target"


def _host() -> str:
    # Process ids are per host (per container): a folder shared between hosts must not
    # have one host's live render removed because the other host has no such process.
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def scratch_folder(parent: Path, kind: str) -> Path:
    """A new empty folder in `parent` whose name says which process made it."""
    prefix = f"{_PREFIX}{_host()}-{os.getpid()}-{kind}-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, it is another user's
        return True
    return True


def _abandoned(folder: Path) -> bool:
    parts = folder.name[len(_PREFIX) :].split("-")
    if len(parts) < 3 or parts[0] != _host():
        return False  # another host's, or not named by this module
    pid = parts[1]
    return pid.isascii() and pid.isdigit() and not _alive(int(pid))


def remove_abandoned(parent: Path) -> None:
    """Remove the scratch folders that renders killed mid-way left in `parent`."""
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(_PREFIX)]
    except OSError:
        return
    for folder in candidates:
        if not _ours(folder) or not _abandoned(folder):
            continue
        previous, target = folder / _PREVIOUS, folder / _TARGET
        if previous.is_dir() and target.is_file() and not target.is_symlink():
            # Killed between moving the old project out and the new one in. Only put
            # back beside the scratch folder: in a shared folder (/tmp) another user
            # could otherwise name any path of ours as where "their" project goes.
            original = Path(target.read_text(encoding="utf-8", errors="replace"))
            if original.parent == parent and not original.exists():
                previous.rename(original)
        shutil.rmtree(folder, ignore_errors=True)


def _ours(folder: Path) -> bool:
    """A real folder (no symlink) that this user made."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()


def _rendered_from(folder: Path) -> str | None:
    """The spec name a previous render in `folder` was made from, if it is one."""
    answers_file = folder / ANSWERS_FILE
    try:
        # A regular file of modest size only: a FIFO there would block the read.
        info = answers_file.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > _LARGEST_ANSWERS:
            return None
        answers = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    name = answers.get("spec_name") if isinstance(answers, dict) else None
    return name if isinstance(name, str) else None


def prepare_output(
    output: Path, force: bool, spec_name: str, spec: Path | None
) -> None:
    """Refuse an output that cannot take the render of `spec_name` (read from `spec`)."""
    if output.exists() and not output.is_dir():
        raise OutputError(f"{output} exists and is not a folder")
    if not output.is_dir() or not any(output.iterdir()):
        return
    if not force:
        raise OutputError(
            f"{output} exists and is not empty (use --force to replace a previous "
            "render of the same spec)"
        )
    made_from = _rendered_from(output)
    if made_from != spec_name:
        what = (
            f"a render of the spec {made_from!r}"
            if made_from
            else "files modelplate did not render"
        )
        raise OutputError(
            f"{output} holds {what}; --force only replaces a previous render of "
            f"{spec_name!r}: choose another --output"
        )
    if spec is not None and spec.resolve().is_relative_to(output):
        if spec.resolve() != output / "spec.yaml":  # that one is rendered again as is
            raise OutputError(
                f"{output} holds the spec {spec}, which --force would delete: "
                "move the spec out first or choose another --output"
            )


def move_into_place(built: Path, output: Path) -> None:
    """Swap the finished tree into `output`; the old content goes only once the new is in."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if not output.exists():
        built.rename(output)
        return
    old = scratch_folder(output.parent, "old")
    # Written before the first rename: if the process dies between the two renames,
    # the next render knows where the previous project belongs.
    (old / _TARGET).write_text(str(output), encoding="utf-8")
    output.rename(old / _PREVIOUS)
    try:
        built.rename(output)
    except OSError:
        (old / _PREVIOUS).rename(output)
        raise
    shutil.rmtree(old, ignore_errors=True)


__all__ = [
    "ANSWERS_FILE",
    "move_into_place",
    "prepare_output",
    "remove_abandoned",
    "scratch_folder",
]
