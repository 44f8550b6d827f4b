"""Reading `model`: the task, its target and how it is trained and judged."""

from __future__ import annotations

from typing import Any

from .. import schema as S
from ..reader import join
from ..runtime.learners import parameter_problems
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
                self.algorithm(entries["algorithm"], task) or model.algorithm
            )
        if "params" in entries:
            model.params = self.params(entries["params"], model.algorithm, task)
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

    def algorithm(self, node: Node, task: str) -> str | list[str] | None:
        """One learner's name, or a list of candidates (each once)."""
        if not node.is_sequence:
            return self.choice(node, "model.algorithm", S.ALGORITHMS[task])
        if not node.value:
            self.expected(
                node, "model.algorithm", "a name or a non-empty list of names"
            )
            return None
        names: list[str] = []
        for index, item in enumerate(node.value):
            path = f"model.algorithm[{index}]"
            name = self.choice(item, path, S.ALGORITHMS[task])
            if name in names:
                self.problem(item, path, f"{name} is named twice")
            elif name is not None:
                names.append(name)
        return names if len(names) == len(node.value) else None

    def params(
        self, node: Node, algorithm: str | list[str], task: str
    ) -> dict[str, dict[str, Any]]:
        """Hyperparameters by algorithm: a flat mapping for one algorithm, one
        mapping per named candidate for a list."""
        if isinstance(algorithm, str):
            return {
                algorithm: self.learner_params(node, "model.params", algorithm, task)
            }
        params: dict[str, dict[str, Any]] = {}
        for name, value, mark in self.entries(
            node, "model.params", "candidate algorithm -> its parameters"
        ):
            if name not in algorithm:
                self.problem(
                    mark,
                    join("model.params", name),
                    f"{name!r} is not among the candidates in model.algorithm "
                    f"(expected one of: {', '.join(algorithm)})",
                )
                continue
            params[name] = self.learner_params(
                value, join("model.params", name), name, task
            )
        return params

    def learner_params(
        self, node: Node, path: str, algorithm: str, task: str
    ) -> dict[str, Any]:
        """One learner's parameters, each a name its estimator takes with a simple
        value (runtime.learners is the table of both)."""
        entries = self.entries(node, path, f"{algorithm}'s parameter -> value")
        given = {
            name: value.value for name, value, _ in entries if not value.is_mapping
        }
        problems = parameter_problems(algorithm, task, given)
        params: dict[str, Any] = {}
        for name, value, mark in entries:
            if value.is_mapping or value.is_sequence:
                self.expected(
                    value, join(path, name), "a number, text, true/false or null"
                )
            elif name in problems:
                self.problem(mark, join(path, name), problems[name])
            else:
                params[name] = value.value
        return params

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
