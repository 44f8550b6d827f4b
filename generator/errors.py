"""Every error modelplate raises on purpose.

    ModelplateError                 base: the CLI prints it and exits 1, never a traceback
    ├── SpecError                   a spec is wrong; carries every Problem found in one pass
    ├── OutputError                 the output folder cannot be used (exists, not empty, ...)
    ├── GenerationError             rendering or verifying a project failed
    ├── UpdateError                 an update cannot run or left conflicts to resolve
    ├── AuditError                  the folder to audit is not one
    ├── InferError                  `infer` cannot read the data or make a spec from it
    └── DiffError                   `diff` cannot read a model or the records to replay

Exceptions carry structured fields and never print; the CLI decides how to show them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a spec, anchored to the place that says it."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return (
            f"{where}: {self.path}: {self.message}"
            if self.path
            else f"{where}: {self.message}"
        )


class ModelplateError(Exception):
    """Base class of every error modelplate raises on purpose."""


class SpecError(ModelplateError):
    """The spec is invalid; ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(ModelplateError):
    """The output folder cannot receive a project."""


class GenerationError(ModelplateError):
    """Rendering or verifying a project failed; nothing was written to the output."""


class AuditError(ModelplateError):
    """The folder given to `audit` does not exist or is not a folder."""


class InferError(ModelplateError):
    """The data cannot be read, or cannot make a spec; the message names file and column."""


class DiffError(ModelplateError):
    """`diff` cannot read the model's artifact or the records to replay."""


@dataclass
class UpdateConflict:
    """A file an update could not merge on its own."""

    path: str
    reason: str = "conflict markers"


class UpdateError(ModelplateError):
    """An update cannot run, or ran and left conflicts for the owners to resolve."""

    def __init__(self, message: str, conflicts: list[UpdateConflict] | None = None):
        self.conflicts = conflicts or []
        super().__init__(message)


__all__ = [
    "DiffError",
    "AuditError",
    "GenerationError",
    "InferError",
    "ModelplateError",
    "OutputError",
    "Problem",
    "SpecError",
    "UpdateConflict",
    "UpdateError",
]
