# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""ONNX converters for the learners skl2onnx does not know (LightGBM, XGBoost).

onnxmltools writes their graphs; registering its converters with skl2onnx lets
``model.export_onnx`` export every learner with the same call, options and fixed
operator sets. Imported only when such a model is exported: the libraries are
optional extras of the generated project.
"""

from __future__ import annotations

from .errors import ArtifactError
from .labels import label_encoding

__all__ = ["register_converters"]

# A classifier's converter takes skl2onnx's usual output options.
_CLASSIFIER_OPTIONS = {"nocl": [True, False], "zipmap": [True, False, "columns"]}


def _lightgbm() -> list:
    from lightgbm import LGBMClassifier, LGBMRegressor
    from onnxmltools.convert.lightgbm.operator_converters.LightGbm import (
        convert_lightgbm,
    )

    return [
        (LGBMClassifier, "LightGbmLGBMClassifier", convert_lightgbm),
        (LGBMRegressor, "LightGbmLGBMRegressor", convert_lightgbm),
    ]


def _xgboost() -> list:
    from onnxmltools.convert.xgboost.operator_converters.XGBoost import (
        convert_xgboost,
    )
    from xgboost import XGBClassifier, XGBRegressor

    return [
        (XGBClassifier, "XGBoostXGBClassifier", convert_xgboost),
        (label_encoding(XGBClassifier), "XGBoostXGBClassifier", convert_xgboost),
        (XGBRegressor, "XGBoostXGBRegressor", convert_xgboost),
    ]


_CONVERTERS = {"lightgbm": _lightgbm, "xgboost": _xgboost}


def register_converters(extra: str | None) -> None:
    """Make skl2onnx export the estimators of the learners ``extra`` installs
    (nothing to do for scikit-learn's own)."""
    if extra not in _CONVERTERS:
        return
    from skl2onnx import update_registered_converter
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )

    try:
        converters = _CONVERTERS[extra]()
    except ModuleNotFoundError as error:
        raise ArtifactError(
            f"exporting a {extra} model to ONNX needs {error.name}, which is not "
            f"installed: install the project's [{extra}] extra"
        ) from error
    for estimator, alias, convert in converters:
        classifier = alias.endswith("Classifier")
        update_registered_converter(
            estimator,
            alias,
            (
                calculate_linear_classifier_output_shapes
                if classifier
                else calculate_linear_regressor_output_shapes
            ),
            convert,
            options=_CLASSIFIER_OPTIONS if classifier else None,
            overwrite=True,
        )
