"""A second runtime version for the tests: a copy of the installed runtime, changed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from modelplate.vendor import installed_runtime


def fork_runtime(
    folder: Path,
    version: str | None = None,
    add: dict[str, str] | None = None,
    drop: tuple[str, ...] = (),
) -> Path:
    """Copy the installed runtime to `folder`, set its `__version__`, add and drop files.

    Whatever modules the runtime has, `__init__.py` is the one every version carries.
    """
    shutil.copytree(
        Path(str(installed_runtime())),
        folder,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    if version is not None:
        init = folder / "__init__.py"
        text, count = re.subn(
            r'^__version__ = "[^"]*"$',
            f'__version__ = "{version}"',
            init.read_text(),
            flags=re.M,
        )
        assert count == 1, "the runtime's __init__.py sets __version__ once"
        init.write_text(text)
    for name, text in (add or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    for name in drop:
        (folder / name).unlink()
    return folder
