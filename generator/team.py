"""Team defaults: org-wide values from `modelplate.toml` or `[tool.modelplate]`.

A team keeps one file at the root of its specs (or of a monorepo) and every `modelplate
new`/`update` below it picks it up: the Python version, the CI provider, default monitoring
thresholds, the owner, the lessons `audit` requires and the team's own template. A spec's
own value always wins over a team default: the spec is the more specific statement.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from .errors import Problem, SpecError
from .reader import did_you_mean

DEFAULTS_FILE = "modelplate.toml"
CI_PROVIDERS = ("github", "gitlab", "none")
PYTHON_VERSIONS = ("3.10", "3.11", "3.12", "3.13")
ALL_LESSONS = tuple(range(10))
_KEYS = ("owner", "python", "ci", "required_lessons", "template", "monitoring")
_MONITORING_KEYS = {
    "drift": ("warn", "alert", "window", "bins", "method"),
    "performance": ("alert_below", "alert_above"),
}


@dataclass
class TeamDefaults:
    source: str | None = None
    owner: str | None = None
    python: str = "3.11"
    ci: str = "github"
    required_lessons: tuple[int, ...] = ALL_LESSONS
    template: str | None = None
    monitoring: dict[str, dict[str, Any]] = field(default_factory=dict)


def find_defaults(start: Path) -> Path | None:
    """The nearest modelplate.toml, or pyproject.toml with [tool.modelplate], above `start`."""
    for folder in [start, *start.parents]:
        candidate = folder / DEFAULTS_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and re.search(
            r"^\[tool\.modelplate(\]|\.)",
            pyproject.read_text(encoding="utf-8", errors="replace"),
            re.M,
        ):
            return pyproject
    return None


def load_defaults(path: Path | None) -> TeamDefaults:
    if path is None:
        return TeamDefaults()
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(
            [
                Problem(
                    str(path),
                    getattr(exc, "lineno", 1) or 1,
                    getattr(exc, "colno", 1) or 1,
                    "",
                    f"TOML syntax error: {exc}",
                )
            ]
        ) from None
    prefix = ""
    if path.name == "pyproject.toml":
        data, prefix = data.get("tool", {}).get("modelplate", {}), "tool.modelplate."
    return _Reader(path, text, prefix).read(data)


class _Reader:
    def __init__(self, path: Path, text: str, prefix: str):
        self.path, self.text, self.prefix = path, text, prefix
        self.problems: list[Problem] = []

    def fail(self, key: str, message: str) -> None:
        # tomllib keeps no positions; the first line that writes the key is the best guess.
        leaf = key.rsplit(".", 1)[-1]
        match = re.search(rf"^\s*{re.escape(leaf)}\s*=", self.text, re.M)
        line = self.text[: match.start()].count("\n") + 1 if match else 1
        self.problems.append(
            Problem(str(self.path), line, 1, self.prefix + key, message)
        )

    def read(self, data: dict) -> TeamDefaults:
        result = TeamDefaults(source=str(self.path))
        for key in data:
            if key not in _KEYS:
                self.fail(
                    key,
                    f"unknown key '{key}' (expected one of: {', '.join(_KEYS)})"
                    + did_you_mean(key, _KEYS),
                )
        if "owner" in data:
            result.owner = self.text_value("owner", data["owner"])
        if "template" in data:
            result.template = self.text_value("template", data["template"])
        if "python" in data:
            result.python = (
                self.choice("python", data["python"], PYTHON_VERSIONS) or result.python
            )
        if "ci" in data:
            result.ci = self.choice("ci", data["ci"], CI_PROVIDERS) or result.ci
        if "required_lessons" in data:
            lessons = data["required_lessons"]
            if not isinstance(lessons, list) or not all(
                isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 9
                for n in lessons
            ):
                self.fail(
                    "required_lessons",
                    f"expected a list of lesson numbers 0-9, got {lessons!r}",
                )
            else:
                result.required_lessons = tuple(sorted(set(lessons)))
        if "monitoring" in data:
            result.monitoring = self.monitoring(data["monitoring"])
        if self.problems:
            raise SpecError(self.problems)
        return result

    def text_value(self, key: str, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"expected non-empty text, got {value!r}")
            return None
        return value

    def choice(self, key: str, value: Any, choices: tuple[str, ...]) -> str | None:
        if value not in choices:
            self.fail(key, f"expected one of {', '.join(choices)}, got {value!r}")
            return None
        return value

    def monitoring(self, value: Any) -> dict[str, dict[str, Any]]:
        if not isinstance(value, dict):
            self.fail("monitoring", f"expected a table, got {value!r}")
            return {}
        result: dict[str, dict[str, Any]] = {}
        for section, body in value.items():
            allowed = _MONITORING_KEYS.get(section)
            if allowed is None or not isinstance(body, dict):
                self.fail(
                    f"monitoring.{section}",
                    f"expected a table monitoring.drift or monitoring.performance, got {section!r}"
                    + did_you_mean(section, _MONITORING_KEYS),
                )
                continue
            for key, item in body.items():
                if key not in allowed:
                    self.fail(
                        f"monitoring.{section}.{key}",
                        f"unknown key '{key}' (expected one of: {', '.join(allowed)})"
                        + did_you_mean(key, allowed),
                    )
                elif key == "method" and item not in ("psi", "ks"):
                    self.fail(
                        f"monitoring.{section}.{key}",
                        f"expected psi or ks, got {item!r}",
                    )
                elif key != "method" and (
                    isinstance(item, bool)
                    or not isinstance(item, int | float)
                    or item <= 0
                ):
                    self.fail(
                        f"monitoring.{section}.{key}",
                        f"expected a number > 0, got {item!r}",
                    )
                else:
                    result.setdefault(section, {})[key] = item
        return result


def apply_defaults(spec, defaults: TeamDefaults) -> None:
    """Fill what the spec leaves unsaid with the team's defaults (the spec always wins)."""
    if not spec.owner and defaults.owner:
        spec.owner = defaults.owner
    for section, values in defaults.monitoring.items():
        target = getattr(spec.monitoring, section)
        for key, value in values.items():
            if key not in target.at:  # not written in the spec
                setattr(target, key, value)


__all__ = ["TeamDefaults", "apply_defaults", "find_defaults", "load_defaults"]
