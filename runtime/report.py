# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The monitoring report: a table for the terminal, JSON for machines, and one
self-contained HTML file for people.

The HTML has no scripts, stylesheets or images to fetch: every plot is an inline
SVG drawn here (reference vs current share per bin for each column that
drifted, the metric per time window), so the file can be mailed, attached to a
ticket or opened years later and still show the same thing.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from . import charts
from .drift import ColumnDrift
from .monitoring import DriftReport
from .pages import drift_over_time_section, outcome_section
from .timeline import Outcome, WindowDrift

if TYPE_CHECKING:  # performance needs scikit-learn, which a serving install lacks
    from .performance import PerformanceReport

__all__ = [
    "format_drift",
    "format_estimate",
    "format_performance",
    "render_html",
    "to_json",
]

REFERENCE, CURRENT = charts.COLORS[2], charts.COLORS[0]
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right}"
    "th{border-bottom:1px solid #999}td:first-child,th:first-child{text-align:left}"
    ".alert{color:#c23030;font-weight:bold}.warn{color:#b07000}"
    "figure{display:inline-block;margin:1em}"
    # Small multiples: three columns' lines to a row.
    ".small figure{margin:.5em}.small svg{width:370px;height:auto}"
)


def to_json(
    drift: DriftReport | None,
    performance: PerformanceReport | None,
    status: str,
    estimated: dict | None = None,
    over_time: list[WindowDrift] | None = None,
    outcome: Outcome | None = None,
) -> dict:
    return {
        "status": status,
        "drift": drift.to_json() if drift else None,
        "performance": performance.to_json() if performance else None,
        "estimated_performance": estimated,
        "drift_over_time": (
            [window.to_json() for window in over_time] if over_time else None
        ),
        "outcome": outcome.to_json() if outcome else None,
    }


def format_estimate(estimated: dict) -> str:
    """One line: the estimated metric beside the held-out one, or why there is none."""
    metric, value = estimated["metric"], estimated["value"]
    if value is None:
        return f"estimated {metric}: none ({estimated['reason']})"
    held_out = estimated.get("held_out")
    beside = f"; held-out {held_out:.3f}" if held_out is not None else ""
    return (
        f"estimated {metric}: {value:.3f} on {estimated['rows']} rows "
        f"({estimated['reason']}, before labels{beside})"
    )


def _number(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.3f}"


def _judged_by(report: DriftReport) -> str:
    if report.false_alarm_rate is None:
        return f"{report.method}, warn >= {report.warn}, alert >= {report.alert}"
    return (
        f"{report.method} against thresholds calibrated per column for this window "
        f"(false alarm rate {report.false_alarm_rate:g} for the whole report)"
    )


def format_drift(report: DriftReport) -> str:
    """One line per column, worst first: both statistics, the threshold the judged
    one is held to and the rows it was measured on; then the verdict."""
    lines = [
        f"drift of {report.rows} rows ({report.rejected} rejected by the contract), "
        f"judged by {_judged_by(report)}",
        f"{'group':<9} {'column':<32} {'psi':>7} {'ks':>7} {'alert at':>9} "
        f"{'rows':>7}  status",
    ]
    for c in report.columns:
        lines.append(
            f"{c.group:<9} {c.column:<32} {_number(c.psi):>7} {_number(c.ks):>7} "
            f"{_number(c.alert):>9} {c.rows:>7}  {c.status}"
        )
    lines.append(f"drift: {report.status}")
    return "\n".join(lines)


def format_performance(report: PerformanceReport) -> str:
    bars = []
    if report.alert_below is not None:
        bars.append(f"< {report.alert_below}")
    if report.alert_above is not None:
        bars.append(f"> {report.alert_above}")
    bar = " or ".join(bars) or "no threshold"
    lines = [
        f"{report.metric} per {report.window} over {report.joined} labelled "
        f"predictions (alert when {bar}; {report.unmatched_predictions} predictions "
        f"and {report.unmatched_labels} labels unmatched)",
        f"{'window start':<26} {'rows':>7} {report.metric:>10} {'served':>7} "
        f"{'estimated':>10}  status",
    ]
    for w in report.windows:
        lines.append(
            f"{w.start:<26} {w.rows:>7} {_number(w.value):>10} "
            f"{_served(w.served):>7} {_number(w.estimated):>10}  {w.status}"
        )
    if report.no_estimate:
        lines.append(f"estimated {report.metric}: none ({report.no_estimate})")
    lines.append(f"performance: {report.status}")
    return "\n".join(lines)


def _histogram_svg(column: ColumnDrift) -> str:
    """Reference and current share per bin, side by side."""
    caption = (
        f"{column.group}/{column.column}: psi {_number(column.psi)}, "
        f"ks {_number(column.ks)} ({column.status})"
    )
    shares = [("training", column.reference), ("current", column.current)]
    return charts.grouped_bars(caption, column.labels, shares)


def _performance_svg(report: PerformanceReport) -> str:
    """Realized and estimated metric per window, the alert threshold(s) dashed."""
    starts = [window.start[:16] for window in report.windows]
    series = [("realized", [w.value for w in report.windows])]
    if any(w.estimated is not None for w in report.windows):
        series.append(("estimated", [w.estimated for w in report.windows]))
    caption = f"{report.metric} per {report.window} ({report.status})"
    limits = (report.alert_below, report.alert_above)
    return charts.lines(caption, starts, series, limits)


def _drift_section(report: DriftReport) -> str:
    rows = "".join(
        f'<tr class="{c.status}"><td>{escape(c.group)}/{escape(c.column)}</td>'
        f"<td>{_number(c.psi)}</td><td>{_number(c.ks)}</td>"
        f"<td>{escape(c.statistic)} &ge; {_number(c.alert)}</td><td>{c.rows}</td>"
        f"<td>{c.status}</td></tr>"
        for c in report.columns
    )
    plots = "".join(_histogram_svg(column) for column in report.drifted())
    return (
        f"<h2>Drift: {report.status}</h2><p>{report.rows} rows "
        f"({report.rejected} rejected by the contract); judged by "
        f"{escape(_judged_by(report))}. "
        f'<span style="color:{REFERENCE}">&#9632; training</span> '
        f'<span style="color:{CURRENT}">&#9632; current</span></p>'
        f'<div class="small">{plots}</div><table><tr><th>column</th>'
        "<th>psi</th><th>ks</th>"
        f"<th>alert at</th><th>rows</th><th>status</th></tr>{rows}</table>"
    )


def _performance_section(report: PerformanceReport) -> str:
    rows = "".join(
        f'<tr class="{w.status}"><td>{escape(w.start)}</td><td>{w.rows}</td>'
        f"<td>{_number(w.value)}</td><td>{_served(w.served)}</td>"
        f"<td>{_number(w.estimated)}</td><td>{w.status}</td></tr>"
        for w in report.windows
    )
    note = report.no_estimate
    why = f"<p>No estimate before labels: {escape(note)}.</p>" if note else ""
    return (
        f"<h2>Performance: {report.status}</h2>{why}{_performance_svg(report)}"
        f"<table><tr><th>window start</th><th>labelled</th><th>realized "
        f"{escape(report.metric)}</th><th>served</th><th>estimated</th>"
        f"<th>status</th></tr>{rows}</table>"
    )


def _served(rows: int | None) -> str:
    return "-" if rows is None else str(rows)


def render_html(
    title: str,
    drift: DriftReport | None,
    performance: PerformanceReport | None,
    generated_at: str,
    *,
    over_time: list[WindowDrift] | None = None,
    outcome: Outcome | None = None,
    estimated: dict | None = None,
) -> str:
    """The whole report as one HTML document that needs nothing else to display;
    ``title`` is the service's (the spec's project title)."""
    sections = []
    if drift is not None:
        sections.append(_drift_section(drift))
        if estimated is not None:
            sections.append(f"<p>{escape(format_estimate(estimated))}</p>")
    if performance is not None:
        sections.append(_performance_section(performance))
    if outcome is not None:
        sections.append(outcome_section(outcome))
    if drift is not None and over_time:  # long: one chart per column, last
        sections.append(drift_over_time_section(over_time, drift))
    heading = escape(f"{title}: monitoring report")
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{heading}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{heading}</h1><p>Generated {escape(generated_at)}.</p>"
        f"{''.join(sections)}</body></html>\n"
    )
