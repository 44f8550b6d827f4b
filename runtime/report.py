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

from .drift import ColumnDrift
from .monitoring import DriftReport

if TYPE_CHECKING:  # performance needs scikit-learn, which a serving install lacks
    from .performance import PerformanceReport

__all__ = [
    "format_drift",
    "format_estimate",
    "format_performance",
    "render_html",
    "to_json",
]

WIDTH, HEIGHT, PAD = 560, 200, 36
REFERENCE, CURRENT, ALERT_COLOR = "#8a9bb0", "#d9822b", "#c23030"
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right}"
    "th{border-bottom:1px solid #999}td:first-child,th:first-child{text-align:left}"
    ".alert{color:#c23030;font-weight:bold}.warn{color:#b07000}"
    "figure{display:inline-block;margin:1em}"
)


def to_json(
    drift: DriftReport | None,
    performance: PerformanceReport | None,
    status: str,
    estimated: dict | None = None,
) -> dict:
    return {
        "status": status,
        "drift": drift.to_json() if drift else None,
        "performance": performance.to_json() if performance else None,
        "estimated_performance": estimated,
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
        f"{'window start':<26} {'rows':>7} {report.metric:>10}  status",
    ]
    for w in report.windows:
        lines.append(f"{w.start:<26} {w.rows:>7} {_number(w.value):>10}  {w.status}")
    lines.append(f"performance: {report.status}")
    return "\n".join(lines)


def _histogram_svg(column: ColumnDrift) -> str:
    """Reference and current share per bin, side by side."""
    bins = len(column.labels)
    top = max([*column.reference, *column.current, 1e-9])
    step = (WIDTH - 2 * PAD) / max(bins, 1)
    bar = step * 0.4
    parts = []
    for i, (label, ref, cur) in enumerate(
        zip(column.labels, column.reference, column.current, strict=True)
    ):
        x = PAD + i * step
        for offset, share, color in ((0, ref, REFERENCE), (bar, cur, CURRENT)):
            h = (HEIGHT - 2 * PAD) * share / top
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{HEIGHT - PAD - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}" fill="{color}">'
                f"<title>{escape(label)}: {share:.1%}</title></rect>"
            )
    caption = (
        f"{column.group}/{column.column}: psi {_number(column.psi)}, "
        f"ks {_number(column.ks)} ({column.status})"
    )
    return _svg(caption, parts, [f"{top:.0%}", "0%"], column.labels)


def _svg(
    caption: str, parts: list[str], y_labels: list[str], x_labels: list[str]
) -> str:
    axis = (
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" '
        f'y2="{HEIGHT - PAD}" stroke="#555"/>'
        f'<text x="2" y="{PAD + 4}" font-size="10">{escape(y_labels[0])}</text>'
        f'<text x="2" y="{HEIGHT - PAD}" font-size="10">{escape(y_labels[1])}</text>'
    )
    ends = (
        f'<text x="{PAD}" y="{HEIGHT - PAD + 14}" font-size="10">'
        f"{escape(x_labels[0] if x_labels else '')}</text>"
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 14}" font-size="10" '
        f'text-anchor="end">{escape(x_labels[-1] if x_labels else "")}</text>'
    )
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img"><title>{escape(caption)}</title>'
        f"{axis}{''.join(parts)}{ends}</svg>"
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def _performance_svg(report: PerformanceReport) -> str:
    """The metric per window as a line, with the alert threshold(s) dashed."""
    points = [(w, w.value) for w in report.windows if w.value == w.value]
    limits = [v for v in (report.alert_below, report.alert_above) if v is not None]
    values = [v for _, v in points] + limits
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - low) / span

    coordinates = [(PAD + i * step, y(v)) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coordinates)
    parts = [f'<polyline points="{path}" fill="none" stroke="{CURRENT}"/>']
    for (window, value), (x, yy) in zip(points, coordinates, strict=True):
        color = ALERT_COLOR if window.status == "alert" else CURRENT
        parts.append(
            f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3" fill="{color}">'
            f"<title>{escape(window.start)}: {value:.4f}</title></circle>"
        )
    for limit in limits:
        parts.append(
            f'<line x1="{PAD}" y1="{y(limit):.1f}" x2="{WIDTH - PAD}" '
            f'y2="{y(limit):.1f}" stroke="{ALERT_COLOR}" stroke-dasharray="4 3"/>'
        )
    caption = f"{report.metric} per {report.window} ({report.status})"
    starts = [window.start[:16] for window, _ in points]
    return _svg(caption, parts, [f"{high:.3g}", f"{low:.3g}"], starts)


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
        f"{plots}<table><tr><th>column</th><th>psi</th><th>ks</th>"
        f"<th>alert at</th><th>rows</th><th>status</th></tr>{rows}</table>"
    )


def _performance_section(report: PerformanceReport) -> str:
    rows = "".join(
        f'<tr class="{w.status}"><td>{escape(w.start)}</td><td>{w.rows}</td>'
        f"<td>{_number(w.value)}</td><td>{w.status}</td></tr>"
        for w in report.windows
    )
    return (
        f"<h2>Performance: {report.status}</h2>{_performance_svg(report)}"
        f"<table><tr><th>window start</th><th>rows</th><th>{escape(report.metric)}"
        f"</th><th>status</th></tr>{rows}</table>"
    )


def render_html(
    title: str,
    drift: DriftReport | None,
    performance: PerformanceReport | None,
    generated_at: str,
) -> str:
    """The whole report as one HTML document that needs nothing else to display;
    ``title`` is the service's (the spec's project title)."""
    sections = []
    if drift is not None:
        sections.append(_drift_section(drift))
    if performance is not None:
        sections.append(_performance_section(performance))
    heading = escape(f"{title}: monitoring report")
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{heading}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{heading}</h1><p>Generated {escape(generated_at)}.</p>"
        f"{''.join(sections)}</body></html>\n"
    )
