"""The report's inline SVG charts: well-formed whatever the names and values."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from modelplate.runtime import charts

HOSTILE = "a\"<b>'\n</svg><script>alert(1)</script>&"
SVG = "{http://www.w3.org/2000/svg}"


def _svg(html: str) -> ET.Element:
    """The chart's SVG, parsed: fails on any unescaped name."""
    return ET.fromstring(re.search(r"<svg.*</svg>", html, re.S).group(0))


def test_hostile_names_are_escaped_everywhere():
    pages = [
        charts.lines(HOSTILE, [HOSTILE, "b"], [(HOSTILE, [1.0, 2.0])], [1.5]),
        charts.grouped_bars(HOSTILE, [HOSTILE], [(HOSTILE, [0.5]), ("x", [0.2])]),
        charts.bars(HOSTILE, [(HOSTILE, 3)]),
    ]
    for html in pages:
        assert "<script>" not in html
        texts = [element.text for element in _svg(html).iter() if element.text]
        assert HOSTILE in texts  # shown as written, once unescaped


def test_a_missing_value_leaves_a_gap_not_a_point_at_zero():
    html = charts.lines("c", ["1", "2", "3", "4"], [("s", [1.0, float("nan"), 2, 3])])
    svg = _svg(html)
    assert len(svg.findall(f"{SVG}circle")) == 3
    lines = svg.findall(f"{SVG}polyline")
    assert [len(p.get("points").split()) for p in lines] == [1, 2]
    html = charts.lines("c", ["1", "2"], [("s", [None, 0.5])])
    assert len(_svg(html).findall(f"{SVG}circle")) == 1


def test_each_threshold_is_a_dashed_line_within_the_scale():
    html = charts.lines("c", ["1", "2"], [("s", [0.1, 0.2])], [0.5, None])
    dashed = [
        line for line in _svg(html).iter(f"{SVG}line") if line.get("stroke-dasharray")
    ]
    assert len(dashed) == 1
    # The threshold is the top of the scale: drawn at the top of the plot.
    assert float(dashed[0].get("y1")) == charts.PAD


def test_empty_charts_are_still_drawn():
    for html in (
        charts.lines("c", [], []),
        charts.lines("c", ["1"], [("s", [float("nan")])]),
        charts.grouped_bars("c", [], []),
        charts.bars("c", []),
    ):
        assert _svg(html) is not None and "nan" not in html


def test_bars_are_as_long_as_their_counts():
    svg = _svg(charts.bars("c", [("a", 4), ("b", 2)]))
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1] > 0
