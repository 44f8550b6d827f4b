"""modelplate: one YAML spec in, a tested ML service repository out.

The public API is what `__all__` lists; the CLI (`modelplate.cli`) is a thin layer over it.
"""

from ._version import __version__
from .api import audit, check, diff, generate, infer, load_spec, update
from .errors import (
    AuditError,
    DiffError,
    GenerationError,
    InferError,
    ModelplateError,
    OutputError,
    Problem,
    SpecError,
    UpdateError,
)

__all__ = [
    "AuditError",
    "DiffError",
    "GenerationError",
    "InferError",
    "ModelplateError",
    "OutputError",
    "Problem",
    "SpecError",
    "UpdateError",
    "__version__",
    "audit",
    "check",
    "diff",
    "generate",
    "infer",
    "load_spec",
    "update",
]
