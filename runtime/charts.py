# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Inline SVG charts for the monitoring report: lines over windows with their
thresholds dashed, grouped bars and plain bars.

Every text drawn comes from a spec or from data (column names, actions, rules),
so every one is escaped; a value that is not a number (NaN, None) leaves a gap in
a line rather than a point at zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["COLORS", "bars", "figure", "grouped_bars", "lines"]

WIDTH, HEIGHT, PAD = 560, 200, 40
AXIS, ALERT = "#555", "#c23030"
COLORS = ("#d9822b", "#3b73b9", "#8a9bb0", "#2e8b57")


def _finite(value: float | None) -> bool:
    return value is not None and value == value and abs(value) != float("inf")


def figure(
    caption: str, parts: Sequence[str], y_labels: Sequence[str], x_ends: Sequence[str]
) -> str:
    """An SVG with a baseline, the top and bottom of its scale and the first and
    last x label, captioned."""
    first, last = (x_ends[0], x_ends[-1]) if x_ends else ("", "")
    frame = (
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" '
        f'y2="{HEIGHT - PAD}" stroke="{AXIS}"/>'
        f'<text x="2" y="{PAD + 4}" font-size="10">{escape(y_labels[0])}</text>'
        f'<text x="2" y="{HEIGHT - PAD}" font-size="10">{escape(y_labels[1])}</text>'
        f'<text x="{PAD}" y="{HEIGHT - PAD + 14}" font-size="10">'
        f"{escape(first)}</text>"
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 14}" font-size="10" '
        f'text-anchor="end">{escape(last)}</text>'
    )
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">'
        f"<title>{escape(caption)}</title>{frame}{''.join(parts)}</svg>"
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def lines(
    caption: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    thresholds: Sequence[float | None] = (),
) -> str:
    """One line per named series over ``x_labels`` (a gap where a value is
    missing), each threshold a dashed red line; a legend names the series."""
    limits = [t for t in thresholds if _finite(t)]
    values = [v for _, vs in series for v in vs if _finite(v)] + limits
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(x_labels) - 1, 1)

    def y(value: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - low) / span

    parts = []
    for number, (name, values_of) in enumerate(series):
        color = COLORS[number % len(COLORS)]
        run: list[str] = []  # consecutive points: a gap ends a polyline
        for i, value in enumerate([*values_of, None]):
            if _finite(value):
                x, yy = PAD + i * step, y(value)
                run.append(f"{x:.1f},{yy:.1f}")
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3" fill="{color}">'
                    f"<title>{escape(name)} {escape(x_labels[i])}: {value:.4g}"
                    "</title></circle>"
                )
            elif run:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" '
                    f'stroke="{color}"/>'
                )
                run = []
        parts.append(
            f'<text x="{WIDTH - PAD}" y="{12 + 12 * number}" font-size="10" '
            f'text-anchor="end" fill="{color}">{escape(name)}</text>'
        )
    for limit in limits:
        parts.append(
            f'<line x1="{PAD}" y1="{y(limit):.1f}" x2="{WIDTH - PAD}" '
            f'y2="{y(limit):.1f}" stroke="{ALERT}" stroke-dasharray="4 3">'
            f"<title>alert at {limit:.4g}</title></line>"
        )
    return figure(caption, parts, [f"{high:.3g}", f"{low:.3g}"], list(x_labels))


def grouped_bars(
    caption: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    percent: bool = True,
) -> str:
    """Side-by-side bars per x label, one color per series (a histogram's
    reference and current shares)."""
    top = max([v for _, vs in series for v in vs if _finite(v)] + [1e-9])
    step = (WIDTH - 2 * PAD) / max(len(x_labels), 1)
    bar = step * 0.8 / max(len(series), 1)
    parts = []
    for number, (name, values) in enumerate(series):
        color = COLORS[(number + 2) % len(COLORS)] if number == 0 else COLORS[0]
        for i, value in enumerate(values):
            share = value if _finite(value) else 0.0
            h = (HEIGHT - 2 * PAD) * share / top
            shown = f"{share:.1%}" if percent else f"{share:g}"
            parts.append(
                f'<rect x="{PAD + i * step + number * bar:.1f}" '
                f'y="{HEIGHT - PAD - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{color}"><title>{escape(name)} {escape(x_labels[i])}: '
                f"{shown}</title></rect>"
            )
    scale = f"{top:.0%}" if percent else f"{top:g}"
    return figure(caption, parts, [scale, "0"], list(x_labels))


def bars(caption: str, counts: Sequence[tuple[str, int]]) -> str:
    """Horizontal bars, one per label, the count written beside each."""
    row = 18
    height = max(len(counts), 1) * row + 10
    top = max([count for _, count in counts] + [1])
    room = WIDTH - 270  # the count is written after the longest bar
    parts = []
    for i, (label, count) in enumerate(counts):
        y = 5 + i * row
        w = room * count / top
        parts.append(
            f'<text x="200" y="{y + 12}" font-size="11" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="205" y="{y}" width="{w:.1f}" height="{row - 4}" '
            f'fill="{COLORS[1]}"><title>{escape(label)}: {count}</title></rect>'
            f'<text x="{210 + w:.1f}" y="{y + 12}" font-size="11">{count}</text>'
        )
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{height}" role="img"><title>{escape(caption)}</title>'
        f"{''.join(parts)}</svg><figcaption>{escape(caption)}</figcaption></figure>"
    )
