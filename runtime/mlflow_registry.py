# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The model registry in MLflow, for a registry root ``models:/<name>``.

The same versions and aliases as the folder registry (``runtime.registry``), kept
by an MLflow tracking server (``MLFLOW_TRACKING_URI``): each version is a run of
the experiment ``<name>`` holding its parameters, its metrics and the artifact
(``model/model.onnx`` and ``model/metadata.json``), registered as a version of the
registered model ``<name>`` tagged with its modelplate version id. Aliases are
MLflow's own (``models:/<name>@champion``). Loading downloads the artifact and
verifies it exactly as a folder's (sha256, contract, columns, version id).

MLflow is optional (the ``[mlflow]`` extra): it is imported here, and this module
only when a root names it.
"""

from __future__ import annotations

import json
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .artifact import METADATA_FILE, version_id
from .errors import ArtifactError, NoAliasError
from .references import ALIASES, MLFLOW_SCHEME, Version, check_name

__all__ = ["TAG", "MlflowRegistry"]

# The model version's tag holding the modelplate version id (and its siblings).
TAG = "modelplate.version"
_TRAINED_AT = "modelplate.trained_at"
_METRICS = "modelplate.metrics"
# The run's parameters: what the model was trained with, from its metadata.
_PARAMETERS = ("task", "algorithm", "target", "seed", "as_of", "data_fingerprint")


def _mlflow():
    try:
        import mlflow
        from mlflow.exceptions import MlflowException
        from mlflow.tracking import MlflowClient
    except ModuleNotFoundError as error:
        raise ArtifactError(
            f"a models:/ registry needs {error.name}: install the [mlflow] extra"
        ) from error
    return mlflow, MlflowClient, MlflowException


class MlflowRegistry:
    """``FolderRegistry``'s operations on an MLflow model registry."""

    def __init__(self, root: str, command: str = "") -> None:
        self.root = root.rstrip("/")
        self.name = self.root[len(MLFLOW_SCHEME) :]
        if not self.name or "/" in self.name:
            raise ArtifactError(f"{root}: expected models:/<registered model name>")
        self.command = command or "<service>"
        self.mlflow, client, self.failure = _mlflow()
        self.client = client()

    @contextmanager
    def _talking(self, what: str):
        try:
            yield
        except self.failure as error:
            message = str(error).splitlines()[0] if str(error) else repr(error)
            raise ArtifactError(f"{self.root}: cannot {what}: {message}") from error
        except OSError as error:
            raise ArtifactError(f"{self.root}: cannot {what}: {error}") from error

    def _missing(self, error) -> bool:
        return getattr(error, "error_code", "") == "RESOURCE_DOES_NOT_EXIST"

    def _model_versions(self) -> list:
        with self._talking("list the model versions"):
            try:
                return list(self.client.search_model_versions(f"name='{self.name}'"))
            except self.failure as error:
                if self._missing(error):
                    return []
                raise

    def _number(self, version: str) -> str:
        for found in self._model_versions():
            if found.tags.get(TAG) == version:
                return str(found.version)
        raise ArtifactError(
            f"{self.root}: no version {version} (list them with "
            f"`{self.command} models`)"
        )

    def _aliases_by_number(self) -> dict[str, str]:
        """alias -> MLflow version number ({} before the first train)."""
        with self._talking("read the aliases"):
            try:
                aliases = self.client.get_registered_model(self.name).aliases
            except self.failure as error:
                if self._missing(error):
                    return {}
                raise
        return {alias: str(number) for alias, number in aliases.items()}

    def aliases(self) -> dict[str, str]:
        """alias -> modelplate version id."""
        by_number = {str(v.version): v.tags.get(TAG) for v in self._model_versions()}
        return {a: by_number.get(n) for a, n in self._aliases_by_number().items()}

    def versions(self) -> list:
        by_version: dict[str, list[str]] = {}
        for alias, version in sorted(self.aliases().items()):
            by_version.setdefault(version, []).append(alias)
        found = [
            Version(
                id=v.tags[TAG],
                trained_at=v.tags.get(_TRAINED_AT, ""),
                metrics=json.loads(v.tags.get(_METRICS, "{}")),
                aliases=tuple(by_version.get(v.tags[TAG], ())),
            )
            for v in self._model_versions()
            if TAG in v.tags
        ]
        return sorted(found, key=lambda version: (version.trained_at, version.id))

    def locate(self, name: str | None = None) -> str:
        """``models:/<name>/<number>`` of an alias (default champion) or id."""
        name = name or "champion"
        check_name(name, self.root)
        if name not in ALIASES:
            return f"{self.root}/{self._number(name)}"
        by_alias = self._aliases_by_number()
        if name not in by_alias:
            first = "" if by_alias else f" (or `{self.command} train` the first one)"
            raise NoAliasError(
                f"{self.root}: no {name} alias; set it with "
                f"`{self.command} promote VERSION --alias {name}`{first}"
            )
        return f"{self.root}/{by_alias[name]}"

    def version_of(self, location: str) -> str | None:
        number = location.rsplit("/", 1)[-1]
        with self._talking(f"read version {number}"):
            return self.client.get_model_version(self.name, number).tags.get(TAG)

    @contextmanager
    def fetched(self, location: str):
        """The artifact of ``location``, downloaded to a folder that lives while
        the block runs."""
        with tempfile.TemporaryDirectory(prefix="modelplate-mlflow-") as folder:
            with self._talking(f"download {location}"):
                path = self.mlflow.artifacts.download_artifacts(
                    artifact_uri=location, dst_path=folder
                )
            yield path

    @contextmanager
    def staging(self):
        with tempfile.TemporaryDirectory(prefix="modelplate-stage-") as folder:
            yield folder

    def add(self, staged: str) -> str:
        """Log the artifact written to ``staged`` as a run, register it; its id."""
        metadata = json.loads(Path(staged, METADATA_FILE).read_text())
        version = version_id(metadata)
        with self._talking("register the model"):
            experiment = self.client.get_experiment_by_name(self.name)
            experiment_id = (
                experiment.experiment_id
                if experiment is not None
                else self.client.create_experiment(self.name)
            )
            run = self.client.create_run(experiment_id, run_name=version)
            run_id = run.info.run_id
            for key in _PARAMETERS:
                if key in metadata:
                    self.client.log_param(run_id, key, str(metadata[key]))
            for metric, value in metadata.get("metrics", {}).items():
                self.client.log_metric(run_id, metric, float(value))
            self.client.set_tag(run_id, TAG, version)
            self.client.log_artifacts(run_id, staged, artifact_path="model")
            self.client.set_terminated(run_id)
            try:
                self.client.create_registered_model(self.name)
            except self.failure as error:
                if getattr(error, "error_code", "") != "RESOURCE_ALREADY_EXISTS":
                    raise
            self.client.create_model_version(
                self.name,
                source=f"{run.info.artifact_uri}/model",
                run_id=run_id,
                tags={
                    TAG: version,
                    _TRAINED_AT: str(metadata.get("trained_at", "")),
                    _METRICS: json.dumps(metadata.get("metrics", {})),
                },
            )
        return version

    def set_alias(self, alias: str, version: str, *, by: str, at: str) -> str | None:
        """Point ``alias`` at ``version`` (MLflow's alias); the version it named."""
        before = self.aliases().get(alias)
        number = self._number(version)
        with self._talking(f"move {alias}"):
            self.client.set_registered_model_alias(self.name, alias, number)
            self.client.set_model_version_tag(
                self.name, number, f"modelplate.{alias}", f"{by} {at}"
            )
        return before
