"""One copier render of the template into a new folder, without copier's per-run waste.

`copier.run_copy` spends most of a `modelplate new` on two things this render never
needs, measured on the reference spec (62 files):

- For every file written it runs `git config core.fileMode` (and, when that is false,
  `git ls-files`) in the destination, to carry executable bits into the destination's
  git index: 62 processes, about 0.3 s. Our destination is always a fresh temporary
  folder with nothing in any git index yet (the project's repository is made after the
  render, from the files on disk), so copier's own docstring's no-op case always holds.
- It compiles every template from source on every run: about 0.3 s of Jinja parsing
  and code generation. The compiled templates go to a bytecode cache in the user's
  cache folder instead, keyed by the template's source and the Jinja settings that
  shape the compiled code; a cache that cannot be read or written only costs time.
- It compiles each part of each path as a template string, again for every file: 322
  compilations of 74 distinct strings (`.copier-answers.yml` alone 154 times). Each
  distinct string is compiled once per render here.

This needs copier's worker class, which copier 9 keeps internal (`copier.Worker` warns
that it is deprecated as public API), and overrides two of its members. The tests check
that both still exist (tests/test_copying.py), so a copier upgrade that drops them fails
there instead of quietly getting slower; without the class, the render falls back to
`copier.run_copy`.
"""

from __future__ import annotations

import hashlib
import os
import sys
import warnings
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import copier
import jinja2
from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

try:
    from copier._main import Worker
except ImportError:  # pragma: no cover - a copier without it: run_copy, only slower
    Worker = None


def cache_folder() -> Path:
    """Where compiled templates are kept: $XDG_CACHE_HOME, else ~/.cache, per user."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "modelplate" / "jinja"


class _TemplateCache(FileSystemBytecodeCache):
    """Jinja's file cache; a template's entry is valid for one set of settings only.

    Jinja keys an entry by the template's name and source alone, but the code it
    compiles also depends on the environment's options (whitespace control, the
    extensions, the Jinja version), so those are part of the checksum here.
    """

    def __init__(self, folder: Path, settings: str) -> None:
        super().__init__(str(folder))
        self._settings = settings

    def get_source_checksum(self, source: str) -> str:
        return hashlib.sha256(f"{self._settings}\0{source}".encode()).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            pass

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _template_cache(
    environment: jinja2.Environment, envops: dict
) -> _TemplateCache | None:
    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    settings = repr(
        (
            sys.version_info[:2],
            jinja2.__version__,
            copier.__version__,
            type(environment).__name__,
            sorted(environment.extensions),
            sorted((str(k), repr(v)) for k, v in envops.items()),
        )
    )
    return _TemplateCache(folder, settings)


def _compiling_once(from_string: Callable) -> Callable:
    """`Environment.from_string` that compiles a given source once."""
    compiled: dict[str, jinja2.Template] = {}

    def cached(source, globals=None, template_class=None):
        if globals is not None or template_class is not None:
            return from_string(source, globals, template_class)
        if not isinstance(source, str):  # copier relies on the TypeError raised then
            return from_string(source)
        if source not in compiled:
            compiled[source] = from_string(source)
        return compiled[source]

    return cached


class _Worker(Worker or object):
    @cached_property
    def jinja_env(self):  # noqa: D102 - copier's environment, plus the caches
        environment = super().jinja_env
        environment.bytecode_cache = _template_cache(
            environment, dict(self.template.envops)
        )
        environment.from_string = _compiling_once(environment.from_string)
        return environment

    def _sync_git_index_executable_bit(self, dst_relpath, src_mode) -> None:
        """Nothing to sync: the destination is a fresh folder outside any git index."""


def copy_template(template: Path, destination: Path, data: dict) -> None:
    """Render `template` with the answers `data` into `destination` (not existing yet)."""
    with warnings.catch_warnings():
        # copier warns about a dirty or untagged template checkout; irrelevant for a
        # render from a plain folder and noise for users.
        warnings.simplefilter("ignore")
        options = dict(
            defaults=True, overwrite=True, quiet=True, unsafe=False, skip_tasks=True
        )
        if Worker is None:  # pragma: no cover - see the module docstring
            copier.run_copy(str(template), str(destination), data, **options)
            return
        with _Worker(
            src_path=str(template),
            dst_path=destination,
            data=data,
            **options,
        ) as worker:
            worker.run_copy()


__all__ = ["cache_folder", "copy_template"]
