# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The monitoring page's sections beyond the overall verdict: each column's drift
over the batch's windows, the contract violations by field and rule, and the
decisions by action. Every name shown comes from the spec or the data and is
escaped."""

from __future__ import annotations

from html import escape

from . import charts
from .monitoring import DriftReport
from .timeline import Outcome, WindowDrift

__all__ = ["drift_over_time_section", "outcome_section"]


def _key(group: str, column: str) -> str:
    return f"{group}/{column}"


def column_series(
    windows: list[WindowDrift], overall: DriftReport
) -> list[tuple[str, str, list[float | None], list[float]]]:
    """Per column of the overall report, worst first: (name, statistic judged,
    its value per window (None where the window has no report or no such
    column), the alert thresholds the windows drew)."""
    series = []
    for column in overall.columns:
        values: list[float | None] = []
        limits: set[float] = set()
        for window in windows:
            found = None
            if window.report is not None:
                found = next(
                    (
                        c
                        for c in window.report.columns
                        if (c.group, c.column) == (column.group, column.column)
                    ),
                    None,
                )
            values.append(None if found is None else found.value)
            if found is not None:
                limits.add(found.alert)
        name = _key(column.group, column.column)
        series.append((name, column.statistic, values, sorted(limits)))
    return series


def drift_over_time_section(windows: list[WindowDrift], overall: DriftReport) -> str:
    """One line chart per column: its statistic in each window, threshold dashed."""
    if not windows:
        return ""
    labels = [window.label[:16] for window in windows]
    plots = "".join(
        charts.lines(f"{name}: {statistic} per window", labels, [(name, v)], limits)
        for name, statistic, v, limits in column_series(windows, overall)
    )
    statuses = "".join(
        f"<tr><td>{escape(w.label)}</td><td>{w.rows}</td>"
        f"<td>{w.report.status if w.report else 'no valid rows'}</td></tr>"
        for w in windows
    )
    return (
        f"<h2>Drift over time ({len(windows)} windows)</h2>"
        "<p>Each window is judged against thresholds calibrated for its size "
        "(dashed red: the alert threshold).</p>"
        f"<table><tr><th>window</th><th>rows</th><th>status</th></tr>{statuses}"
        f'</table><div class="small">{plots}</div>'
    )


def outcome_section(outcome: Outcome) -> str:
    """Violations by field and rule (table and bars), decisions by action (bars)."""
    parts = [f"<h2>Contract violations ({outcome.rows} rows checked)</h2>"]
    broken = [
        (field, rule, count)
        for field, rules in outcome.violations.items()
        for rule, count in rules.items()
    ]
    if broken:
        rows = "".join(
            f"<tr><td>{escape(field)}</td><td>{escape(rule)}</td><td>{count}</td></tr>"
            for field, rule, count in broken
        )
        parts.append(
            charts.bars(
                "rejected rows by field and rule",
                [(f"{field}: {rule}", count) for field, rule, count in broken],
            )
        )
        parts.append(
            f"<table><tr><th>field</th><th>rule</th><th>rows</th></tr>{rows}</table>"
        )
    else:
        parts.append("<p>No row broke the contract.</p>")
    parts.append("<h2>Decisions by action</h2>")
    if outcome.decisions:
        parts.append(
            charts.bars("scored rows by action", list(outcome.decisions.items()))
        )
    else:
        parts.append(
            "<p>No decisions: the spec has no rules, or no row was scored.</p>"
        )
    return "".join(parts)
