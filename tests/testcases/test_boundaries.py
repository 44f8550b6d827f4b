"""`testcases.boundaries`: records on the edges of comparisons, bounds and ranges."""

from __future__ import annotations

import modelplate
from modelplate.testcases.boundaries import BoundaryPoints

SPEC = """\
spec_version: 1
name: edges
inputs:
  fields:
    visits: {type: integer, min: 0, max: 100}
    spend: {type: float, min: -50, max: 500}
    joined: {type: date, min: 2000-01-01, max: 2030-01-01}
features:
  frequent:
    expr: visits >= 12
  capped_spend:
    expr: clip(spend, -5.5, 250)
    range: [-5.5, 250]
  tenure_days:
    expr: max(days_between(joined, as_of), 0)
  rare:
    expr: 3 > visits
model:
  task: regression
  target: {name: value, type: float}
"""


def points_of(tmp_path, feature: str) -> dict[str, dict]:
    spec = tmp_path / "edges.yaml"
    spec.write_text(SPEC)
    checked = modelplate.check(spec)
    points = BoundaryPoints(checked).boundary_points(checked.spec.features[feature])
    return {why: changes for why, _base, changes in points}


def test_a_comparison_is_probed_below_at_and_above_its_constant(tmp_path):
    points = points_of(tmp_path, "frequent")
    values = {c["visits"] for c in points.values()}
    assert {11, 12, 13} <= values
    assert points["visits >= 12, edge 12: at (visits=12, example)"] == {"visits": 12}


def test_a_constant_on_the_left_is_probed_too(tmp_path):
    values = {c["visits"] for c in points_of(tmp_path, "rare").values()}
    assert {2, 3, 4} <= values


def test_float_bounds_are_probed_to_the_last_representable_value(tmp_path):
    points = points_of(tmp_path, "capped_spend")
    edge = "clip bound of spend -5.5"
    at = {c["spend"] for why, c in points.items() if why.startswith(f"{edge}: at")}
    assert at == {-5.5}
    below = [c["spend"] for why, c in points.items() if f"{edge}: below" in why]
    assert below and max(below) < -5.5 and max(below) > -5.5000001


def test_dates_are_probed_day_by_day_from_as_of(tmp_path):
    points = points_of(tmp_path, "tenure_days")
    edge = "max bound of days_between(joined, as_of) 0"
    assert points[f"{edge}: at (joined=2026-01-01, example)"]
    assert f"{edge}: above (joined=2025-12-31, example)" in points


def test_only_values_the_contract_accepts_are_kept(tmp_path):
    # visits >= 12 needs nothing outside [0, 100]; a bound at the field's own edge
    # would: clip(spend, ...) at 250 keeps 250 and its neighbours, all inside.
    for changes in points_of(tmp_path, "capped_spend").values():
        assert -50 <= changes["spend"] <= 500
    spec = SPEC.replace("visits >= 12", "visits >= 0")
    (tmp_path / "edges.yaml").write_text(spec)
    checked = modelplate.check(tmp_path / "edges.yaml")
    points = BoundaryPoints(checked).boundary_points(checked.spec.features["frequent"])
    assert {c["visits"] for _w, _b, c in points} == {0, 1}
