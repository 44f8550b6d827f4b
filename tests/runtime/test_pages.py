"""The monitoring page's sections over time and over the batch's rows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from modelplate.runtime.drift import ColumnDrift
from modelplate.runtime.monitoring import DriftReport
from modelplate.runtime.pages import (
    column_series,
    drift_over_time_section,
    outcome_section,
)
from modelplate.runtime.report import render_html
from modelplate.runtime.timeline import Outcome, WindowDrift

HOSTILE = "x\"<i>'\n</table>&"


def _column(name: str, psi: float, alert: float) -> ColumnDrift:
    return ColumnDrift(
        group="inputs",
        column=name,
        kind="numeric",
        rows=100,
        psi=psi,
        ks=None,
        statistic="psi",
        status="alert" if psi >= alert else "ok",
        labels=["low", "high"],
        reference=[0.5, 0.5],
        current=[0.9, 0.1],
        alert=alert,
    )


OVERALL = DriftReport([_column(HOSTILE, 0.4, 0.2), _column("b", 0.0, 0.2)], rows=300)
WINDOWS = [
    WindowDrift("rows 1-100", 100, DriftReport([_column(HOSTILE, 0.1, 0.3)], 100)),
    WindowDrift("rows 101-200", 100, None),  # no row passed the contract
    WindowDrift("rows 201-250", 50, DriftReport([_column(HOSTILE, 0.9, 0.5)], 50)),
]


def test_a_column_has_one_value_per_window_and_every_threshold_drawn():
    series = column_series(WINDOWS, OVERALL)
    assert series[0] == (f"inputs/{HOSTILE}", "psi", [0.1, None, 0.9], [0.3, 0.5])
    assert series[1] == ("inputs/b", "psi", [None, None, None], [])


def test_the_sections_escape_every_name_and_parse():
    outcome = Outcome(10, {HOSTILE: {"min": 2, "max": 1}}, {HOSTILE: 5, "wait": 2})
    html = drift_over_time_section(WINDOWS, OVERALL) + outcome_section(outcome)
    assert "<i>" not in html and "</table>&" not in html
    # Well-formed once wrapped: no name broke out of its element.
    ET.fromstring(f"<div>{html.replace('&#x27;', '&apos;')}</div>")
    assert html.count("<figure>") == 2 + 2  # a chart per column, two bar charts


def test_empty_tallies_say_so():
    html = outcome_section(Outcome(3, {}, {}))
    assert "No row broke the contract." in html and "No decisions" in html
    assert drift_over_time_section([], OVERALL) == ""


def test_the_page_needs_nothing_from_elsewhere():
    outcome = Outcome(10, {"a": {"min": 2}}, {"call": 5})
    page = render_html(
        HOSTILE,
        OVERALL,
        None,
        "2024-06-01T00:00:00",
        over_time=WINDOWS,
        outcome=outcome,
    )
    assert not re.search(r"\b(src|href)=|<script|<link|url\(", page)
    assert "Drift over time (3 windows)" in page and "Decisions by action" in page
