"""Reading a whole spec: the top level, then each section by its own reader."""

from __future__ import annotations

import keyword
import os
import stat
from pathlib import Path

from .. import schema as S
from ..errors import Problem, SpecError
from ..reader import SERVICE_NAME, TAKEN_PACKAGES
from ..yamlsource import Node, parse_yaml
from .features import FeaturesReader
from .inputs import InputsReader
from .model import Spec
from .operations import OperationsReader
from .sections import positions
from .training import TrainingReader


class _SpecReader(InputsReader, FeaturesReader, TrainingReader, OperationsReader):
    """Builds the typed Spec, section by section."""

    def spec(self, root: Node, text: str) -> Spec | None:
        top = self.mapping(root, "", S.TOP)
        if top is None:
            return None
        version = (
            self.integer(top["spec_version"], "spec_version")
            if "spec_version" in top
            else None
        )
        if version is not None and version not in S.SPEC_VERSIONS:
            self.problem(
                top["spec_version"],
                "spec_version",
                f"unsupported spec_version (expected one of {list(S.SPEC_VERSIONS)}, got {version}); "
                "upgrade modelplate or write a supported version",
            )
        name = self.service_name(top["name"]) if "name" in top else None
        inputs, unknown = (
            self.inputs(top["inputs"]) if "inputs" in top else ({}, "reject")
        )
        model = self.model(top["model"]) if "model" in top else None
        spec = Spec(
            file=self.filename,
            text=text,
            spec_version=version or 0,
            name=name or "",
            inputs=inputs,
            model=model,  # type: ignore[arg-type] # a missing model is already a problem
            description=self.optional_text(top, "description"),
            owner=self.optional_text(top, "owner"),
            unknown_fields=unknown,
            at=positions(root, top),
        )
        if "features" in top:
            spec.features = self.features(top["features"])
        if "decisions" in top:
            spec.decisions = self.decisions(top["decisions"])
        if "precompute" in top:
            spec.precompute = self.precompute(top["precompute"])
        if "resources" in top:
            spec.resources = self.resources(top["resources"])
        if "monitoring" in top:
            spec.monitoring = self.monitoring(top["monitoring"])
        return spec

    def service_name(self, node: Node) -> str | None:
        name = self.text(node, "name", allow_empty=False)
        if name is None:
            return None
        if not SERVICE_NAME.fullmatch(name) or len(name) > 64:
            self.problem(
                node,
                "name",
                f"name {name!r} is not a safe service name (expected lower-case letters, "
                "digits and single '-' or '_' between them, starting with a letter, e.g. "
                "churn-predictor)",
            )
            return None
        package = name.replace("-", "_")
        if keyword.iskeyword(package):
            self.problem(
                node,
                "name",
                f"name {name!r} would make the package {package!r}, a Python keyword "
                f"that no import can name (expected another name, e.g. {name}-service)",
            )
            return None
        if package in TAKEN_PACKAGES:
            self.problem(
                node,
                "name",
                f"name {name!r} would make a package that shadows the library "
                f"'{name.replace('-', '_')}' (expected another name, e.g. {name}-service)",
            )
            return None
        return name


def read_spec_partially(text: str, filename: str) -> tuple[Spec | None, list[Problem]]:
    """What of the spec reads well, and the problems of what does not.

    Names that were declared but could not be read are kept in `Spec.broken`, so that the
    cross-field checks can still run on the rest without reporting them again as unknown.
    """
    root = parse_yaml(text, filename)
    reader = _SpecReader(filename)
    spec = reader.spec(root, text)
    if spec is not None and root.is_mapping:
        spec.broken = _declared_names(root) - set(spec.inputs) - set(spec.features)
    return spec, reader.problems


def _declared_names(root: Node) -> set[str]:
    names: set[str] = set()
    inputs = root.value.get("inputs")
    if inputs is not None and inputs.is_mapping and "fields" in inputs.value:
        fields_node = inputs.value["fields"]
        names |= (
            {str(k) for k in fields_node.value} if fields_node.is_mapping else set()
        )
    features = root.value.get("features")
    if features is not None and features.is_mapping:
        names |= {str(k) for k in features.value}
    return names


def read_spec(text: str, filename: str) -> Spec:
    """Parse spec text into a typed Spec; raise SpecError listing every problem found."""
    spec, problems = read_spec_partially(text, filename)
    if problems or spec is None:
        raise SpecError(problems or [Problem(filename, 1, 1, "", "not a spec")])
    return spec


MAX_SPEC_BYTES = 4 * 1024 * 1024  # the reference specs are 2-5 KB; 60,000 fields fit


def read_spec_text(path: str | Path) -> tuple[str, str]:
    """The spec file's text and the name to show in messages.

    Only a regular file of at most MAX_SPEC_BYTES is read: a FIFO would block `check`
    forever and /dev/zero would fill the memory.
    """
    path = Path(path)
    raw = _read_bounded(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError(
            [
                Problem(
                    str(path), line, 1, "", "expected UTF-8 text, got undecodable bytes"
                )
            ]
        ) from None
    return text, str(path)


def _read_bounded(path: Path) -> bytes:
    def refuse(message: str) -> SpecError:
        return SpecError([Problem(str(path), 1, 1, "", message)])

    try:
        # Non-blocking, so that opening a FIFO without a writer returns at once; what
        # was opened is then checked on the descriptor, not on the name.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise refuse(f"cannot read the spec: {exc.strerror}") from None
    try:
        kind = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(kind):
            raise refuse(
                f"cannot read the spec: expected a regular file, got {_kind(kind)}"
            )
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            raw = stream.read(MAX_SPEC_BYTES + 1)
    except OSError as exc:
        raise refuse(f"cannot read the spec: {exc.strerror}") from None
    finally:
        os.close(descriptor)
    if len(raw) > MAX_SPEC_BYTES:
        raise refuse(
            f"the spec is too large (expected at most {MAX_SPEC_BYTES // 2**20} MiB)"
        )
    return raw


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket"


def read_spec_file(path: str | Path) -> Spec:
    return read_spec(*read_spec_text(path))
