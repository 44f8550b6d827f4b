"""What every rule shares: reporting a problem at a position, and analysing an expression."""

from __future__ import annotations

from .. import schema as S
from ..errors import Problem
from ..expressions import Analysis, ExprProblem, analyze
from ..spec import Position, Spec


class Checker:
    """Holds the spec and collects problems and notes; each group of rules extends it."""

    def __init__(self, spec: Spec):
        self.spec = spec
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def metric_fits_task(self, metric: str, position: Position, path: str) -> None:
        task = self.spec.model.task
        if task not in S.METRICS[metric][0]:
            fitting = [m for m, (tasks, _, _) in S.METRICS.items() if task in tasks]
            self.at(
                position,
                path,
                f"metric {metric} does not fit {task} (expected one of {', '.join(fitting)})",
            )

    def threshold_sides(
        self, metric: str, at: dict, prefix: str, low: str, high: str, values: tuple
    ) -> None:
        """A score is held above a bar and an error below one, never the other way round."""
        greater = S.METRICS[metric][1]
        low_value, high_value = values
        if low_value is not None and not greater:
            self.at(
                at[low],
                f"{prefix}.{low}",
                f"{metric} is an error (lower is better): use {high}",
            )
        if high_value is not None and greater:
            self.at(
                at[high],
                f"{prefix}.{high}",
                f"{metric} is a score (higher is better): use {low}",
            )

    def at(self, position: Position, path: str, message: str) -> None:
        self.problems.append(
            Problem(self.spec.file, position[0], position[1], path, message)
        )

    def expression_problem(
        self, position: Position, style: str | None, path: str, problem: ExprProblem
    ) -> None:
        """Point at the problem's character when the expression's first line holds it."""
        line, column = position
        if style in ("|", ">"):
            # A block scalar starts on the line after its indicator.
            line += 1
            text = self._text_at(line) or ""
            column = len(text) - len(text.lstrip(" ")) + 1
        elif style in ("'", '"'):
            column += 1
        first_line = (self._text_at(line) or "")[column - 1 :]
        if problem.offset < len(first_line.rstrip()):
            column += problem.offset
        self.at((line, column), path, problem.message)

    def _text_at(self, line: int) -> str | None:
        lines = self.spec.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else None

    def expression(
        self, text, scope, on_zero, position, style, path
    ) -> Analysis | None:
        try:
            analysis = analyze(text, scope, on_zero)
        except ExprProblem as problem:
            self.expression_problem(position, style, path, problem)
            return None
        if set(analysis.unknown) & self.spec.broken:
            return None  # it reads a name whose own declaration is already reported
        for problem in analysis.problems:
            self.expression_problem(position, style, path, problem)
        if analysis.ok and not [n for n in analysis.names if n != "as_of"]:
            self.at(
                position,
                path,
                "the expression reads no field (expected at least one input field)",
            )
            return None
        return analysis if analysis.ok else None
