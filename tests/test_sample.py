"""`modelplate.sample`: the synthetic training set every generated repository ships.

Its documented properties, on every reference and valid test spec (and a 500-column
one): the same bytes for the same spec; every value inside the contract; the example
record's keys in the first row and distinct ids; a target a model can learn.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pytest
from paths import EXAMPLES
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score

import modelplate
from bench.specs import wide_spec
from modelplate.sample import sample_rows, synthesize

VALID = Path(__file__).resolve().parent / "specs" / "valid"
SPECS = sorted(EXAMPLES.glob("*.yaml")) + sorted(VALID.glob("*.yaml"))


@pytest.fixture(
    scope="module", params=[*SPECS, "wide"], ids=lambda p: getattr(p, "stem", p)
)
def drawn(request, tmp_path_factory):
    """A checked spec and its sample, parsed: (checked, header, rows)."""
    path = request.param
    if path == "wide":
        path = tmp_path_factory.mktemp("wide") / "wide.yaml"
        path.write_text(wide_spec(400, 100, name="wide-500"))
    checked = modelplate.check(path)
    text = synthesize(checked)
    rows = list(csv.reader(io.StringIO(text)))
    return checked, rows[0], rows[1:]


def test_the_same_spec_gives_the_same_bytes(drawn):
    checked, header, rows = drawn
    again = list(csv.reader(io.StringIO(synthesize(checked))))
    assert again == [header, *rows]


def test_the_header_is_the_wire_names_then_the_target(drawn):
    checked, header, rows = drawn
    spec = checked.spec
    wire = [f.wire_name or f.name for f in spec.inputs.values()]
    assert header == [*wire, spec.model.target.name]
    assert len(rows) == sample_rows(checked)
    assert {len(row) for row in rows} == {len(header)}


def _inside(f, text: str) -> bool:
    """Whether a cell's text is a value the field's contract accepts."""
    if text == "":
        return f.nullable
    if f.type == "integer":
        value = int(text)
    elif f.type == "float":
        value = float(text)
    elif f.type == "boolean":
        return text in ("true", "false")
    elif f.type == "category":
        return text in f.values
    elif f.type in ("date", "datetime"):
        value = dt.datetime.fromisoformat(text)
        if f.type == "date" and value != dt.datetime.fromisoformat(text[:10]):
            return False
        low = f.min and dt.datetime.fromisoformat(f.min).replace(tzinfo=None)
        high = f.max and dt.datetime.fromisoformat(f.max).replace(tzinfo=None)
        return (not low or value >= low) and (not high or value <= high)
    else:
        return f.pattern is None or re.fullmatch(f.pattern, text) is not None
    return (f.min is None or value >= f.min) and (f.max is None or value <= f.max)


def test_every_value_is_inside_the_contract(drawn):
    checked, _, rows = drawn
    for position, f in enumerate(checked.spec.inputs.values()):
        column = [row[position] for row in rows]
        outside = [text for text in column if not _inside(f, text)]
        assert outside == [], f"{f.name}: {outside[:5]}"
        if f.nullable and not f.is_id:
            assert "" in column, f"{f.name}: a nullable field never null"
        if f.type in ("category", "boolean"):
            assert len(set(column) - {""}) > 1, f"{f.name}: one value only"


def test_ids_are_distinct_and_the_first_row_carries_the_example_keys(drawn):
    checked, _, _ = drawn
    spec = checked.spec
    ids = [f for f in spec.inputs.values() if f.is_id]
    example = {f.name: f"{f.name}-example" for f in ids}
    if spec.precompute is not None:
        example.setdefault(spec.precompute.entity, "entity-example")
    rows = list(csv.DictReader(io.StringIO(synthesize(checked, example=example))))
    names = {f.name: f.wire_name or f.name for f in spec.inputs.values()}
    assert {key: rows[0][names[key]] for key in example} == example
    for f in ids:
        column = [row[names[f.name]] for row in rows]
        assert len(set(column)) == len(column), f.name


def _matrix(checked, header, rows) -> np.ndarray:
    """The model's usable inputs, numbers scaled and categories one-hot, nulls as 0."""
    blocks = []
    for position, f in enumerate(checked.spec.inputs.values()):
        column = [row[position] for row in rows]
        if f.is_id or f.type not in ("integer", "float", "boolean", "category"):
            continue
        if f.type == "category":
            blocks += [[float(text == v) for text in column] for v in f.values]
        elif f.type == "boolean":
            blocks.append([{"true": 1.0, "false": -1.0}.get(t, 0.0) for t in column])
        else:
            values = np.array([float(t) if t else np.nan for t in column])
            scaled = (values - np.nanmean(values)) / (np.nanstd(values) or 1.0)
            blocks.append(np.nan_to_num(scaled).tolist())
    return np.array(blocks).T


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_a_linear_model_learns_the_target_on_held_out_rows(path):
    checked = modelplate.check(path)
    rows = list(csv.reader(io.StringIO(synthesize(checked))))
    header, rows = rows[0], rows[1:]
    x, y = _matrix(checked, header, rows), [row[-1] for row in rows]
    cut = len(rows) * 4 // 5
    task = checked.spec.model.task
    if task == "regression":
        target = np.array([float(v) for v in y])
        fitted = LinearRegression().fit(x[:cut], target[:cut])
        assert r2_score(target[cut:], fitted.predict(x[cut:])) > 0.5
    elif task == "binary_classification":
        labels = sorted(set(y))
        positive = np.array([v == labels[-1] for v in y])
        fitted = LogisticRegression(max_iter=2000).fit(x[:cut], positive[:cut])
        score = roc_auc_score(positive[cut:], fitted.predict_proba(x[cut:])[:, 1])
        assert score > 0.7
    else:
        fitted = LogisticRegression(max_iter=2000).fit(x[:cut], y[:cut])
        majority = max(y.count(label) for label in set(y)) / len(y)
        assert accuracy_score(y[cut:], fitted.predict(x[cut:])) > majority + 0.2
