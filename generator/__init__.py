"""modelplate: one YAML spec in, a tested ML service repository out.

The public API is what `__all__` lists; the CLI (`modelplate.cli`) is a thin layer over it.
"""

from ._version import __version__
from .api import check, generate, load_spec
from .errors import (
    GenerationError,
    ModelplateError,
    OutputError,
    Problem,
    SpecError,
    UpdateError,
)

__all__ = [
    "GenerationError",
    "ModelplateError",
    "OutputError",
    "Problem",
    "SpecError",
    "UpdateError",
    "__version__",
    "check",
    "generate",
    "load_spec",
]
