"""modelplate: one YAML spec in, a tested ML service repository out.

The public API is what `__all__` lists; the CLI (`modelplate.cli`) is a thin layer over it.
"""

from .api import check, load_spec
from .errors import (
    GenerationError,
    ModelplateError,
    OutputError,
    Problem,
    SpecError,
    UpdateError,
)

__version__ = "0.1.0"

__all__ = [
    "GenerationError",
    "ModelplateError",
    "OutputError",
    "Problem",
    "SpecError",
    "UpdateError",
    "__version__",
    "check",
    "load_spec",
]
