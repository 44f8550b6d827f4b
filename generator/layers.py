"""The import layers a generated service declares for import-linter.

The service's own modules sit above the runtime they share; the runtime states its own
layers in `runtime/__init__.py` (`LAYERS`), read here as data, never imported. Every
owner module is named optional, so a spec that does not render one (no decisions, no
precompute) or a runtime that absorbs one keeps a valid contract; modelplate's tests
check that every module a spec renders is named.
"""

from __future__ import annotations

import ast

from .vendor import installed_runtime

__all__ = ["OWNER_LAYERS", "import_layers"]

# Top to bottom; "a : b" are siblings that may import each other.
OWNER_LAYERS = (
    "__main__",
    "cli",
    "service",
    "pipeline",
    "model : monitoring : settings",
    "decisions : features",
    "custom",
    "contracts",
    "precompute",
)


def _qualified(package: str, layer: str, optional: bool) -> str:
    names = [f"{package}.{name.strip()}" for name in layer.split(":")]
    return " : ".join(f"({name})" if optional else name for name in names)


def runtime_layers() -> tuple[str, ...]:
    """`LAYERS` as the runtime's `__init__.py` states it."""
    source = installed_runtime().joinpath("__init__.py").read_text()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "LAYERS"
            for target in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    return ()


def import_layers(package: str) -> dict[str, list[str]]:
    """The owner's layers over the runtime, and the runtime's own, fully qualified."""
    owner = [_qualified(package, layer, optional=True) for layer in OWNER_LAYERS]
    runtime = [
        _qualified(f"{package}.runtime", layer, optional=False)
        for layer in runtime_layers()
    ]
    return {"owner": [*owner, f"{package}.runtime"], "runtime": runtime}
