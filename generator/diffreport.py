"""`modelplate diff` output: the changes as text, JSON or a Markdown pull-request comment.

The exit code says the verdict, so a CI job can gate on it without parsing: 0 when every
change is compatible, 2 when one breaks callers or producers, 3 when only the model is
at risk (1 is left to errors, as for every command).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .contractdiff import BREAKING, COMPATIBLE, MODEL, Change, Trained, verdict

EXIT_CODES = {COMPATIBLE: 0, BREAKING: 2, MODEL: 3}
_TITLES = {
    BREAKING: "breaks callers or producers",
    MODEL: "risks the model",
    COMPATIBLE: "compatible",
}
_MARKS = {BREAKING: "BREAKS", MODEL: "MODEL ", COMPATIBLE: "OK    "}


@dataclass(frozen=True)
class Rejections:
    """What replaying past records through the new contract found."""

    source: str
    records: int
    rejected: int
    by_rule: dict[str, int]  # "field rule" -> rows
    examples: dict[str, list[str]]  # "field rule" -> a few offending values


@dataclass(frozen=True)
class DiffReport:
    name: str
    old_file: str
    new_file: str
    changes: list[Change]
    trained: Trained | None = None
    replay: Rejections | None = None

    @property
    def verdict(self) -> str:
        return verdict(self.changes)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def where(self, change: Change) -> str:
        return f"{self.old_file if change.removed else self.new_file}:{change.line}"


def _show(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _retrain(report: DiffReport) -> str:
    if report.trained is not None:
        return f"retrain the model {report.trained.version}"
    return "retrain the model"


def as_text(report: DiffReport) -> str:
    lines = [
        f"{report.name}: {len(report.changes)} change(s) from {report.old_file} to "
        f"{report.new_file}: {_TITLES[report.verdict]}"
    ]
    for change in report.changes:
        notify = f" [notify {change.producer}]" if change.producer else ""
        lines.append(
            f"{_MARKS[change.kind]} {report.where(change)}: {change.path}: "
            f"{_show(change.old)} -> {_show(change.new)}: {change.why}{notify}"
        )
    if any(c.kind == MODEL for c in report.changes):
        lines.append(f"model at risk: {_retrain(report)} before deploying")
    lines.extend(_replay_lines(report.replay))
    return "\n".join(lines)


def _replay_lines(replay: Rejections | None) -> list[str]:
    if replay is None:
        return []
    lines = [
        f"replay of {replay.source}: the new contract rejects {replay.rejected} of "
        f"{replay.records} past record(s)"
    ]
    for key, count in replay.by_rule.items():
        shown = "; ".join(replay.examples.get(key, []))
        lines.append(f"  {key}: {count}" + (f" (e.g. {shown})" if shown else ""))
    return lines


def _cell(value) -> str:
    return _show(value).replace("|", "\\|").replace("\n", " ")


def as_markdown(report: DiffReport) -> str:
    lines = [
        f"### Contract changes: `{report.name}` ({_TITLES[report.verdict]})",
        "",
        f"From `{report.old_file}` to `{report.new_file}`.",
    ]
    for kind in (BREAKING, MODEL, COMPATIBLE):
        changes = [c for c in report.changes if c.kind == kind]
        if not changes:
            continue
        lines += [
            "",
            f"#### {_TITLES[kind].capitalize()} ({len(changes)})",
            "",
            "| where | key | old | new | what it does | notify |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| `{report.where(c)}` | `{c.path}` | {_cell(c.old)} | {_cell(c.new)} "
            f"| {_cell(c.why)} | {_cell(c.producer or '')} |"
            for c in changes
        ]
        if kind == MODEL:
            lines += ["", f"Model at risk: {_retrain(report)} before deploying."]
    if report.replay is not None:
        lines += ["", *(f"- {line.strip()}" for line in _replay_lines(report.replay))]
    return "\n".join(lines)


def as_json(report: DiffReport) -> str:
    document = {
        "name": report.name,
        "old": report.old_file,
        "new": report.new_file,
        "verdict": report.verdict,
        "exit_code": report.exit_code,
        "model_version": report.trained.version if report.trained else None,
        "changes": [
            {
                "kind": c.kind,
                "where": report.where(c),
                "key": c.path,
                "old": c.old,
                "new": c.new,
                "what": c.why,
                "producer": c.producer,
            }
            for c in report.changes
        ],
        "replay": (
            None
            if report.replay is None
            else {
                "source": report.replay.source,
                "records": report.replay.records,
                "rejected": report.replay.rejected,
                "by_rule": report.replay.by_rule,
                "examples": report.replay.examples,
            }
        ),
    }
    return json.dumps(document, indent=2, default=str)


FORMATS = {"text": as_text, "json": as_json, "markdown": as_markdown}

__all__ = ["EXIT_CODES", "FORMATS", "DiffReport", "Rejections"]
