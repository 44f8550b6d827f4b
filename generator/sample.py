"""A synthetic training set drawn from the contract, so a generated repo trains out of the box.

The rows respect every declared type, range, category and nullability, and the target
follows a seeded linear signal over the model's numeric and category inputs, so a model
can learn it (the generated `train` must clear the spec's metric gate on it).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import random

from .checks import CheckedSpec
from .examples import (
    CHECKED_EXAMPLES,
    POSITIONED,
    numeric_bounds,
    string_example,
    values_at,
)
from .spec import FieldSpec

NULL_RATE = 0.05
MAX_CELLS = 400_000


def sample_rows(checked: CheckedSpec) -> int:
    """2000 rows, fewer for very wide specs, to keep the bundled file small."""
    width = len(checked.spec.inputs) + 1
    return max(500, min(2000, MAX_CELLS // width))


def _seed(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")


def _signal_fields(checked: CheckedSpec) -> list[FieldSpec]:
    spec = checked.spec
    encoded = {ft.field or ft.name for ft in spec.features.values() if ft.encode}
    used = set(checked.columns) | encoded
    for analysis in checked.features.values():
        used |= set(analysis.names)
    return [
        f
        for f in spec.inputs.values()
        if f.name in used
        and not f.is_id
        and f.type in ("integer", "float", "boolean", "category")
    ]


def synthesize(
    checked: CheckedSpec, rows: int | None = None, example: dict | None = None
) -> str:
    """The sample data set as CSV text (inputs in spec order, then the target).

    The first row carries ``example``'s keys (its id fields and the precompute
    entity), so that features precomputed from the sample cover the example record
    the service's API documents: a new owner trying it gets a score, not a 404.

    Drawn a column at a time, each input from its own seeded stream: the bounds of a
    field are worked out once per column instead of once per value (a 500-column spec
    draws 400,000 values), and a field's values do not depend on the other fields.
    """
    spec, target = checked.spec, checked.spec.model.target
    rows = rows or sample_rows(checked)
    rng = random.Random(_seed(spec.name))
    signal = _signal_fields(checked)
    weights = {f.name: rng.choice((-1, 1)) * rng.uniform(0.5, 1.5) for f in signal}
    effects = {
        f.name: {v: rng.uniform(-1.2, 1.2) for v in f.values or []}
        for f in signal
        if f.type == "category"
    }
    keys = _keys(checked, example)
    columns = {
        f.name: _column(f, rows, random.Random(_seed(f"{spec.name}/{f.name}")), keys)
        for f in spec.inputs.values()
    }
    latent = [0.0] * rows
    for f in signal:
        parts = _contributions(f, columns[f.name], weights[f.name], effects)
        latent = [total + part for total, part in zip(latent, parts, strict=True)]
    scale = 2.5 / math.sqrt(max(len(signal), 1) / 3) / math.sqrt(3)
    targets = [_target(checked, scale * total, rng) for total in latent]
    out = io.StringIO()
    # csv writes None as an empty cell and numbers as their repr; booleans need ours.
    writer = csv.writer(out, lineterminator="\n")
    # The header carries what the producers send (wire names), as real data would.
    writer.writerow(
        [f.wire_name or f.name for f in spec.inputs.values()] + [target.name]
    )
    cells = [
        _as_text(column) if f.type == "boolean" else column
        for f, column in zip(spec.inputs.values(), columns.values(), strict=True)
    ]
    cells.append(_as_text(targets) if target.type == "boolean" else targets)
    writer.writerows(zip(*cells, strict=True))
    return out.getvalue()


def _column(f: FieldSpec, rows: int, rng: random.Random, keys: dict) -> list:
    """The field's values for every row; the first carries the example's key, if any."""
    uniform = rng.random
    nulls = [uniform() < NULL_RATE for _ in range(rows)] if f.nullable else None
    if f.is_id:
        values = _unique_ids(f, rows, rng, set(keys.values()))
    elif f.type in POSITIONED:
        values = values_at(f, [uniform() for _ in range(rows)])
    else:
        values = [
            string_example(f, rng, checked=row < CHECKED_EXAMPLES)
            for row in range(rows)
        ]
    if nulls is not None:
        values = [None if null else v for null, v in zip(nulls, values, strict=True)]
    if f.name in keys:
        values[0] = keys[f.name]
    return values


def _contributions(
    f: FieldSpec, values: list, weight: float, effects: dict[str, dict[str, float]]
) -> list[float]:
    """What each row's value adds to the latent signal the target follows."""
    if f.type == "category":
        effect = effects[f.name]
        return [0.0 if v is None else effect[v] for v in values]
    if f.type == "boolean":
        return [0.0 if v is None else (weight if v else -weight) for v in values]
    low, high = numeric_bounds(f)
    middle, half = (low + high) / 2, max((high - low) / 2, 1e-9)
    factor = weight / half
    return [0.0 if v is None else (v - middle) * factor for v in values]


def _as_text(booleans: list) -> list:
    return [None if v is None else ("true" if v else "false") for v in booleans]


def _keys(checked: CheckedSpec, example: dict | None) -> dict:
    """The example record's values of the fields that identify a record."""
    if not example:
        return {}
    spec = checked.spec
    names = {f.name for f in spec.inputs.values() if f.is_id}
    if spec.precompute is not None:
        names.add(spec.precompute.entity)
    return {name: example[name] for name in names if example.get(name) is not None}


def _unique_ids(f: FieldSpec, rows: int, rng: random.Random, taken: set) -> list:
    """Distinct ids (as far as the pattern allows), none equal to a value in `taken`."""
    if f.type == "integer":
        low, _ = numeric_bounds(f)
        return [int(low) + row for row in range(rows)]
    values = []
    for row in range(rows):
        for _ in range(50):
            value = string_example(f, rng, checked=row < CHECKED_EXAMPLES)
            if value not in taken:
                break
        taken.add(value)
        values.append(value)
    return values


def _target(checked: CheckedSpec, latent: float, rng: random.Random):
    model = checked.spec.model
    target = model.target
    if model.task == "binary_classification":
        positive = rng.random() < 1 / (1 + math.exp(-latent))
        if target.type == "boolean":
            return positive
        if target.type == "category":
            return (target.values or ["no", "yes"])[1 if positive else 0]
        return int(positive)
    if model.task == "multiclass_classification":
        classes = target.values or ["0", "1", "2"]
        k = len(classes)
        # Class c is favoured in the c-th slice of the latent's range, plus noise.
        position = (math.tanh(latent / 2) + 1) / 2 * k + rng.gauss(0, 0.5)
        label = classes[min(max(int(position), 0), k - 1)]
        return (
            int(label)
            if target.type == "integer" and str(label).lstrip("-").isdigit()
            else label
        )
    value = 100 + 20 * latent + rng.gauss(0, 5)
    return int(round(value)) if target.type == "integer" else round(value, 2)


__all__ = ["sample_rows", "synthesize"]
