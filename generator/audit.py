"""`modelplate audit`: which of the ten lessons a repository covers, and how current it is.

The audit reads the repository as it is (any repository, generated or not): each lesson is
covered when the module that owns it exists, keeps to its layer (the model does not import
feature engineering, the rules do not import the model) and has its tests. It also reports
the template version the repository was made with, whether its spec has changed since
the last render it merged, and the vendored runtime: its version, and every file an owner
edited, deleted or added in it (which fails the audit: `update` would refuse it), and
any conflict marker committed in a tracked file (which fails it too).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import gitops
from ._version import __version__
from .vendor import RuntimeEdit, RuntimeStatus, runtime_status

LESSONS = {
    0: "strict contracts with the producers of the input data",
    1: "feature engineering tested hard",
    2: "range and scale of every feature codified",
    3: "model execution apart from feature engineering",
    4: "matrix serialization apart from model execution",
    5: "business logic apart from statistics",
    6: "batch precompute of what can be precomputed",
    7: "model loaded when the service starts, never per request",
    8: "server right-sized for the model and the features",
    9: "inputs, features and the model monitored",
}


@dataclass
class LessonStatus:
    number: int
    status: str  # covered | missing | n/a
    evidence: str


@dataclass
class AuditReport:
    root: Path
    lessons: list[LessonStatus] = field(default_factory=list)
    template_version: str | None = None
    template_commit: str | None = None
    spec_drift: str | None = None
    required: tuple[int, ...] = tuple(LESSONS)
    runtime: RuntimeStatus | None = None  # None: no vendored runtime
    # (path, line) of each conflict marker committed in a tracked file.
    conflict_markers: list[tuple[str, int]] = field(default_factory=list)

    @property
    def runtime_edits(self) -> list[RuntimeEdit]:
        return self.runtime.edits if self.runtime else []

    @property
    def failed(self) -> bool:
        """Whether the audit fails: a required lesson missing, a runtime edit, a marker."""
        return bool(
            self.missing_required or self.runtime_edits or self.conflict_markers
        )

    @property
    def missing_required(self) -> list[int]:
        return [
            s.number
            for s in self.lessons
            if s.status == "missing" and s.number in self.required
        ]


class _Repo:
    def __init__(self, root: Path):
        self.root = root
        packages = [p.parent for p in sorted(root.glob("src/*/__init__.py"))]
        self.package = packages[0] if packages else None
        self.spec = _load_yaml(root / "spec.yaml")

    def module(self, name: str) -> Path | None:
        """The module in the package, else in its vendored runtime."""
        if self.package is None:
            return None
        for path in (
            self.package / f"{name}.py",
            self.package / "runtime" / f"{name}.py",
        ):
            if path.is_file():
                return path
        return None

    def has_test(self, name: str) -> bool:
        return (self.root / "tests" / f"test_{name}.py").is_file()

    def imports(self, name: str) -> set[str]:
        path = self.module(name)
        if path is None:
            return set()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            return set()
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.rsplit(".", 1)[-1])
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name.rsplit(".", 1)[-1] for alias in node.names)
        return found

    def section(self, name: str):
        return self.spec.get(name) if isinstance(self.spec, dict) else None


def _load_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None


def _owned(
    repo: _Repo,
    lesson: int,
    module: str,
    test: str | None = None,
    not_importing: tuple[str, ...] = (),
) -> LessonStatus:
    path = repo.module(module)
    if path is None or repo.package is None:
        return LessonStatus(lesson, "missing", f"no {module}.py in the package")
    name = path.relative_to(repo.package).as_posix()
    # A vendored runtime module is tested in modelplate's own suite; the manifest (see
    # vendor.runtime_status) shows whether the copy is still the one tested there.
    vendored = path.parent != repo.package
    if test and not vendored and not repo.has_test(test):
        return LessonStatus(lesson, "missing", f"{name} has no tests/test_{test}.py")
    leaks = sorted(set(not_importing) & repo.imports(module))
    if leaks:
        return LessonStatus(
            lesson,
            "missing",
            f"{name} imports {', '.join(leaks)}: the layers are mixed",
        )
    if vendored:
        evidence = f"{name} (vendored runtime, tested in modelplate's suite)"
    else:
        evidence = name + (f" with tests/test_{test}.py" if test else "")
    return LessonStatus(lesson, "covered", evidence)


def _ranges(repo: _Repo) -> LessonStatus:
    inputs = repo.section("inputs") or {}
    fields = inputs.get("fields", {}) if isinstance(inputs, dict) else {}
    unbounded = [
        name
        for name, f in (fields.items() if isinstance(fields, dict) else [])
        if isinstance(f, dict)
        and f.get("type") in ("integer", "float")
        and (f.get("min") is None or f.get("max") is None)
    ]
    if repo.spec is None:
        return LessonStatus(2, "missing", "no spec.yaml declaring the ranges")
    if unbounded:
        return LessonStatus(
            2,
            "missing",
            f"numeric inputs without min and max: {', '.join(unbounded[:5])}",
        )
    return LessonStatus(
        2,
        "covered",
        "every numeric input has min and max; feature ranges are proved at generation",
    )


def _optional(
    repo: _Repo, lesson: int, section: str, module: str, test: str
) -> LessonStatus:
    if repo.spec is not None and repo.section(section) is None:
        return LessonStatus(lesson, "n/a", f"the spec has no {section} section")
    return _owned(repo, lesson, module, test)


def audit_repository(
    root: Path, required: tuple[int, ...] = tuple(LESSONS)
) -> AuditReport:
    root = root.resolve()
    repo = _Repo(root)
    report = AuditReport(root, required=required)
    report.lessons = [
        _owned(repo, 0, "contracts", "contracts"),
        _owned(repo, 1, "features", "features"),
        _ranges(repo),
        # The model may read the column order from features, but never compute features.
        _owned(repo, 3, "model", "model", not_importing=("build_features", "Imputer")),
        # The serialization guard is the runtime's, vendored into the package.
        _owned(repo, 4, "runtime/serialization", "serialization"),
        _optional(repo, 5, "decisions", "decisions", "decisions"),
        _optional(repo, 6, "precompute", "precompute", "precompute"),
        _owned(repo, 7, "service", "service"),
        _owned(repo, 8, "sizing", "sizing"),
        _owned(repo, 9, "monitoring", "monitoring"),
    ]
    if report.lessons[5].status == "covered":
        # Business rules read the model's output; they never fit or call statistics.
        report.lessons[5] = _owned(
            repo,
            5,
            "decisions",
            "decisions",
            not_importing=("sklearn", "scipy", "runtime.model", "runtime.training"),
        )
    answers = _load_yaml(root / ".copier-answers.yml")
    if isinstance(answers, dict):
        report.template_version = answers.get("modelplate_version")
        report.template_commit = answers.get("_commit")
    report.spec_drift = _spec_drift(root)
    if (root / ".git").exists():
        report.conflict_markers = gitops.conflict_markers(root)
    if repo.package is not None:
        report.runtime = runtime_status(root, repo.package.name)
    return report


def _spec_drift(root: Path) -> str | None:
    """Why the repository is not what its spec and the installed template would make."""
    if not (root / ".git").exists():
        return None
    pristine = gitops.branch_commit(root, gitops.PRISTINE)
    if pristine is None:
        return "no pristine render to compare with (not generated by modelplate new)"
    rendered = gitops.read_blob(root, pristine, "spec.yaml")
    current = (
        (root / "spec.yaml").read_bytes() if (root / "spec.yaml").is_file() else None
    )
    if rendered != current:
        return "spec.yaml changed since the last render: run `modelplate update`"
    return None


def format_report(report: AuditReport) -> str:
    lines = [f"{report.root}"]
    version = report.template_version or "unknown"
    if report.template_commit:
        version += f" ({report.template_commit})"
    lines.append(f"  template: modelplate {version}; installed: {__version__}")
    lines.append(f"  spec: {report.spec_drift or 'in step with the last render'}")
    lines.append(f"  runtime: {_runtime_summary(report.runtime)}")
    lines.extend(f"  EDIT {edit}" for edit in report.runtime_edits)
    for status in report.lessons:
        mark = {"covered": "ok  ", "missing": "MISS", "n/a": "n/a "}[status.status]
        required = (
            ""
            if status.number in report.required or status.status != "missing"
            else " (not required)"
        )
        lines.append(
            f"  {mark} {status.number} {LESSONS[status.number]}: {status.evidence}{required}"
        )
    missing = report.missing_required
    lines.append(
        f"  {len(missing)} required lesson(s) missing"
        + (f": {', '.join(map(str, missing))}" if missing else "")
    )
    if report.runtime_edits:
        lines.append(
            f"  {len(report.runtime_edits)} vendored runtime file(s) edited: `modelplate "
            "update` refuses to replace them without --replace-runtime"
        )
    lines.extend(
        f"  CONFLICT {path}:{line}: a conflict marker is committed; resolve it"
        for path, line in report.conflict_markers
    )
    return "\n".join(lines)


def _runtime_summary(runtime: RuntimeStatus | None) -> str:
    if runtime is None:
        return "none vendored"
    if runtime.version is None:
        return f"no readable manifest; this modelplate ships {runtime.shipped}"
    if runtime.version == runtime.shipped:
        return f"{runtime.version}, the version this modelplate ships"
    return f"{runtime.version}; this modelplate ships {runtime.shipped}: run `modelplate update`"


__all__ = ["LESSONS", "AuditReport", "audit_repository", "format_report"]
