"""What analysis speaks in: value types, names in scope, typed results and problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..intervals import Interval

NUMBER, BOOLEAN, TEXT, DATE = "number", "boolean", "text", "date"


class ExprProblem(Exception):
    """A mistake in one expression, at a character offset of its text."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Symbol:
    """A name an expression may use: an input, a feature, a model output or `as_of`."""

    name: str
    type: str
    source: str
    interval: Interval = field(default_factory=Interval)
    nullable: bool = False
    values: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Typed:
    """What analysis knows about a (sub)expression."""

    type: str
    interval: Interval
    nullable: bool = False
    constant: bool = False


@dataclass
class Analysis:
    """The result of analyzing an expression: its type, range and what it reads."""

    typed: Typed
    source: str
    names: list[str]
    problems: list[ExprProblem]
    divisions: list[str]
    unknown: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def article(kind: str) -> str:
    """The type as a message names it: 'a number', 'true/false', ..."""
    return {NUMBER: "a number", BOOLEAN: "true/false", TEXT: "text", DATE: "a date"}[
        kind
    ]
