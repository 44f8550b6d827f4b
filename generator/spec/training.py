"""Reading `model`: the task, its target and how it is trained and judged."""

from __future__ import annotations

from .. import schema as S
from ..yamlsource import Node
from .model import ModelSpec, TargetSpec
from .sections import SectionReader, positions


class TrainingReader(SectionReader):
    """Reads `model` and its `target`."""

    def model(self, node: Node) -> ModelSpec | None:
        entries = self.mapping(node, "model", S.MODEL)
        if entries is None or "task" not in entries or "target" not in entries:
            return None
        task = self.choice(entries["task"], "model.task", S.TASKS)
        target = self.target(entries["target"])
        if task is None or target is None:
            return None
        model = ModelSpec(
            task=task,
            target=target,
            metric=S.DEFAULT_METRIC[task],
            at=positions(node, entries),
        )
        if "algorithm" in entries:
            model.algorithm = (
                self.choice(entries["algorithm"], "model.algorithm", S.ALGORITHMS[task])
                or model.algorithm
            )
        if "artifact" in entries:
            model.artifact = self.text(
                entries["artifact"], "model.artifact", allow_empty=False
            )
        if "registry" in entries:
            model.registry = (
                self.choice(entries["registry"], "model.registry", S.REGISTRIES)
                or model.registry
            )
        self.check_registry(model, entries)
        if "metric" in entries:
            model.metric = (
                self.choice(entries["metric"], "model.metric", S.METRICS)
                or model.metric
            )
        for key in ("min_metric", "max_metric"):
            if key in entries:
                setattr(model, key, self.number(entries[key], f"model.{key}"))
        if "features" in entries:
            model.features, model.features_at = self.names(
                entries["features"], "model.features", "column names"
            )
        if "test_size" in entries:
            size = self.number(entries["test_size"], "model.test_size")
            if size is not None and not 0 < size < 1:
                self.problem(
                    entries["test_size"],
                    "model.test_size",
                    f"expected a number between 0 and 1, got {size}",
                )
            elif size is not None:
                model.test_size = size
        if "seed" in entries:
            model.seed = self.integer(entries["seed"], "model.seed", low=0) or 0
        return model

    def check_registry(self, model: ModelSpec, entries: dict) -> None:
        """An MLflow registry is named ``models:/<name>``; a folder is not."""
        if model.artifact is None:
            return
        mlflow = model.artifact.startswith(S.MLFLOW_ROOT)
        if mlflow and model.registry != "mlflow":
            self.problem(
                entries["artifact"],
                "model.artifact",
                f"{model.artifact!r} names an MLflow registry: add 'registry: mlflow'",
            )
        elif model.registry == "mlflow" and not mlflow:
            self.problem(
                entries["artifact"],
                "model.artifact",
                f"with 'registry: mlflow', expected {S.MLFLOW_ROOT}<name> or no "
                f"artifact (default {S.MLFLOW_ROOT}<project.name>), got "
                f"{model.artifact!r}",
            )

    def target(self, node: Node) -> TargetSpec | None:
        entries = self.mapping(node, "model.target", S.TARGET)
        if entries is None or "name" not in entries or "type" not in entries:
            return None
        name = self.text(entries["name"], "model.target.name", allow_empty=False)
        kind = self.choice(entries["type"], "model.target.type", S.FIELD_TYPES[:5])
        if (
            name is None
            or kind is None
            or not self.identifier(name, entries["name"], "model.target.name", "target")
        ):
            return None
        target = TargetSpec(name=name, type=kind, at=positions(node, entries))
        if "values" in entries:
            target.values = self.category_values(
                kind, entries["values"], "model.target.values"
            )
        elif kind == "category":
            self.problem(
                node,
                "model.target",
                "a category target needs 'values' (expected a list of text, got none)",
            )
        return target
