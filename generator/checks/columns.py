"""Rules of the model: target and metric fit the task; which columns reach the model."""

from __future__ import annotations

from .. import schema as S
from ..reader import did_you_mean
from ..spec import FieldSpec
from .base import Checker
from .checked import one_hot_columns


class ModelRules(Checker):
    """Checks `model` and settles the ordered columns the model is trained on."""

    def model(self) -> list[str]:
        model, spec = self.spec.model, self.spec
        target = model.target
        if target.name in spec.inputs:
            self.at(
                target.at["name"],
                "model.target.name",
                f"the target '{target.name}' is also an input field; the model would learn from its own answer (expected a name that is not an input)",
            )
        if target.type not in S.TARGET_TYPES[model.task]:
            self.at(
                target.at["type"],
                "model.target.type",
                f"a {model.task} target must be {' or '.join(S.TARGET_TYPES[model.task])} (got {target.type})",
            )
        if (
            model.task == "binary_classification"
            and target.type == "category"
            and target.values
            and len(target.values) != 2
        ):
            self.at(
                target.at["values"],
                "model.target.values",
                f"a binary target has two classes (got {len(target.values)})",
            )
        self.metric_fits_task(
            model.metric, model.at.get("metric", model.at[""]), "model.metric"
        )
        self.threshold_sides(
            model.metric,
            model.at,
            "model",
            "min_metric",
            "max_metric",
            (model.min_metric, model.max_metric),
        )
        bounded = ("roc_auc", "average_precision", "accuracy", "f1", "f1_macro")
        if (
            model.min_metric is not None
            and model.metric in bounded
            and not 0 <= model.min_metric <= 1
        ):
            self.at(
                model.at["min_metric"],
                "model.min_metric",
                f"{model.metric} lies in [0, 1] (got {model.min_metric})",
            )
        return self.columns()

    def columns(self) -> list[str]:
        spec = self.spec
        if spec.model.features is None:
            chosen = [f.name for f in spec.inputs.values() if _model_ready(f)] + list(
                spec.features
            )
        else:
            chosen = self.listed_columns()
        columns: list[str] = []
        placed: set[str] = set()  # `in columns` would be quadratic in wide specs
        for name in chosen:
            feature = spec.features.get(name)
            if feature is not None and feature.encode:
                source = spec.inputs.get(feature.field or name)
                columns += one_hot_columns(source) if source else []
            elif name not in placed:
                placed.add(name)
                columns.append(name)
        for name in chosen:
            f = spec.inputs.get(name)
            if (
                f is not None
                and name not in spec.features
                and f.nullable
                and f.impute is None
            ):
                self.at(
                    f.at[""],
                    f"inputs.fields.{name}",
                    f"nullable field '{name}' reaches the model without impute; a NaN must never reach the model (expected impute: median, mean, most_frequent or constant)",
                )
        encoded = {ft.field or ft.name for ft in spec.features.values() if ft.encode}
        unused = [
            f.name
            for f in spec.inputs.values()
            if f.type == "category" and f.name not in encoded
        ]
        for name in unused:
            self.notes.append(
                f"category field '{name}' has no encoding, so it does not reach the model (add features.{name}: {{encode: one_hot}} to use it)"
            )
        if not columns:
            self.at(
                spec.model.at[""],
                "model",
                "the model has no input columns (expected numeric inputs, features or model.features)",
            )
        return columns

    def listed_columns(self) -> list[str]:
        spec, model = self.spec, self.spec.model
        chosen = []
        seen: set[str] = set()
        for index, name in enumerate(model.features or []):
            path = f"model.features[{index}]"
            position = model.features_at[index]
            f = spec.inputs.get(name)
            if name in seen:
                self.at(
                    position,
                    path,
                    f"'{name}' is listed twice (expected each column once)",
                )
            elif name == model.target.name:
                self.at(
                    position,
                    path,
                    f"'{name}' is the target; it can never be a model input",
                )
            elif f is not None and f.is_id and name not in spec.features:
                self.at(
                    position,
                    path,
                    f"'{name}' is the id field; an id never reaches the model",
                )
            elif f is not None and name not in spec.features and not _model_ready(f):
                self.at(
                    position,
                    path,
                    f"'{name}' is a {f.type} field; it reaches the model only through a feature"
                    + (" (expected an encoding)" if f.type == "category" else ""),
                )
            elif name not in spec.features and f is None:
                self.at(
                    position,
                    path,
                    f"unknown column '{name}' (expected an input field or a feature)"
                    + did_you_mean(name, [*spec.inputs, *spec.features]),
                )
            else:
                chosen.append(name)
            seen.add(name)
        return chosen


def _model_ready(f: FieldSpec) -> bool:
    return not f.is_id and f.type in ("integer", "float", "boolean")
