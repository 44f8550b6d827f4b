# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The registry's commands: ``train`` registering its model, ``promote`` and
``models`` (``runtime.registry`` for the layout, ``runtime.versions`` to load).

``train`` adds a version and makes it the champion only when there is none yet
(the first train, so a new service serves at once): a later version serves only
once someone promotes it. ``promote`` moves an alias only after the version loads
and verifies against this service (sha256, contract, columns, version id) and its
recorded held-out metric meets the spec's bar; otherwise the alias stays where it
was and the command exits 1 with one line.
"""

from __future__ import annotations

import argparse
import getpass
from datetime import datetime, timezone
from typing import Any

from .errors import ArtifactError
from .references import reference, split_reference
from .versions import open_registry

__all__ = ["bar_problem", "models", "promote", "register"]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this container
        return "unknown"


def register(program: Any, root: str, write, *, at: str | None = None) -> str:
    """Add the artifact ``write(folder)`` writes to the registry at ``root`` as a
    new version, print its id, and make it the champion if there is none."""
    root, name = split_reference(root)
    if name is not None:
        raise ArtifactError(
            f"--artifact {root}@{name}: train writes to a registry, not an alias; "
            f"move aliases with `{program.prog} promote`"
        )
    registry = open_registry(root, program.prog)
    with registry.staging() as staged:
        write(staged)
        version = registry.add(staged)
    print(f"version {version} registered in {registry.root}")
    if "champion" in registry.aliases():
        print(f"serve it after `{program.prog} promote {version} --alias champion`")
    else:
        registry.set_alias("champion", version, by=_who(), at=at or _now())
        print(f"version {version} is the champion (the registry had none)")
    return version


def bar_problem(model: Any, metrics: dict) -> str | None:
    """Why recorded ``metrics`` miss ``model``'s bar (None: they meet it)."""
    score = metrics.get(model.metric)
    if not isinstance(score, (int, float)):
        return f"it records no held-out {model.metric}"
    if model.min_metric is not None and score < model.min_metric:
        return f"held-out {model.metric} {score:.4f} is below min_metric {model.min_metric}"
    if model.max_metric is not None and score > model.max_metric:
        return f"held-out {model.metric} {score:.4f} is above max_metric {model.max_metric}"
    return None


def promote(program: Any, args: argparse.Namespace, settings) -> int:
    """Move ``--alias`` to VERSION (an id, or an alias naming one) once it
    verifies and meets the bar; the alias is untouched otherwise."""
    root, _ = split_reference(args.artifact or settings.artifact)
    registry = open_registry(root, program.prog)
    refused = f"{args.version} not promoted, {args.alias} unchanged"
    try:
        version = registry.version_of(registry.locate(args.version))
        if version is None:
            raise ArtifactError(f"{root} is a plain artifact folder, not a registry")
        artifact = program.load_artifact(reference(root, version))
    except ArtifactError as error:
        raise ArtifactError(f"{refused}: {error}") from error
    problem = bar_problem(program.model, dict(artifact.metadata.get("metrics", {})))
    if problem is not None:
        raise ArtifactError(f"{refused}: {problem} (spec.yaml's bar)")
    before = registry.set_alias(args.alias, version, by=_who(), at=_now())
    print(f"{args.alias}: {before or 'none'} -> {version}")
    return 0


def models(program: Any, args: argparse.Namespace, settings) -> int:
    """Every version, oldest first: id, when trained, metrics, aliases."""
    root, _ = split_reference(args.artifact or settings.artifact)
    found = open_registry(root, program.prog).versions()
    if not found:
        print(f"no versions in {root}: run `{program.prog} train`")
        return 0
    print(f"{'VERSION':<12}  {'TRAINED AT':<32}  {'METRICS':<28}  ALIASES")
    for version in found:
        metrics = ", ".join(f"{k} {v:.4f}" for k, v in version.metrics.items())
        print(
            f"{version.id:<12}  {version.trained_at:<32}  {metrics:<28}  "
            f"{', '.join(version.aliases)}".rstrip()
        )
    return 0
