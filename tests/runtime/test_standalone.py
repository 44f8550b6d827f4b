"""The runtime is copied byte for byte into generated packages: it must stand alone."""

from __future__ import annotations

import ast
import sys
from importlib import resources

import pytest

MODULES = sorted(
    entry.name
    for entry in resources.files("modelplate.runtime").iterdir()
    if entry.name.endswith(".py")
)
# Third-party packages a generated service installs; anything else must be relative.
ALLOWED = {"numpy", "pandas", "pyarrow", "fastapi", "msgspec", "onnxruntime", "fsspec"}
ALLOWED |= {
    "prometheus_client",
    "pydantic",
    "pydantic_settings",
    "uvicorn",
    "psutil",
    "re2",
}
ALLOWED |= {"dask", "distributed", "sklearn", "skl2onnx", "onnx", "scipy", "starlette"}
# The shared feature store's client, in the generated project's [redis] extra.
ALLOWED |= {"redis"}
ALLOWED |= {"mlflow"}  # the [mlflow] extra
# The optional learners' extras ([lightgbm], [xgboost]).
ALLOWED |= {"lightgbm", "xgboost", "onnxmltools"}
ALLOWED |= {"pyspark", "py4j"}


@pytest.mark.parametrize("name", MODULES)
def test_a_runtime_module_imports_only_its_siblings_and_declared_packages(name):
    source = resources.files("modelplate.runtime").joinpath(name).read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots = {node.module.split(".")[0]}
        else:
            if isinstance(node, ast.ImportFrom):
                # Relative: a sibling in the runtime, never the service above it.
                assert node.level == 1, f"{name}: imports out of the runtime"
            continue
        stdlib = roots & sys.stdlib_module_names
        assert roots - stdlib <= ALLOWED, f"{name}: imports {sorted(roots - stdlib)}"


def test_the_runtime_says_its_version():
    from modelplate import runtime

    assert runtime.__version__.count(".") == 2


@pytest.mark.parametrize("name", MODULES)
def test_a_runtime_module_says_in_its_first_line_who_owns_it(name):
    source = resources.files("modelplate.runtime").joinpath(name).read_text()
    assert source.startswith("# modelplate runtime, vendored: `modelplate update`")


def _layer_of() -> dict[str, int]:
    from modelplate.runtime import LAYERS

    return {
        name.strip(): depth
        for depth, layer in enumerate(LAYERS)
        for name in layer.replace("|", ":").split(":")
    }


def test_every_runtime_module_has_a_layer():
    modules = {name.removesuffix(".py") for name in MODULES} - {"__init__"}
    assert modules == set(_layer_of())


@pytest.mark.parametrize("name", [m for m in MODULES if m != "__init__.py"])
def test_a_runtime_module_imports_only_from_layers_below_its_own(name):
    layer_of = _layer_of()
    own = layer_of[name.removesuffix(".py")]
    source = resources.files("modelplate.runtime").joinpath(name).read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            imported = node.module.split(".")[0]
            assert layer_of[imported] >= own, f"{name} imports {imported} from above"
