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
from .examples import example_value, numeric_bounds
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


def _contribution(
    f: FieldSpec, value, weight: float, effects: dict[str, float]
) -> float:
    if value is None:
        return 0.0
    if f.type == "category":
        return effects[value]
    if f.type == "boolean":
        return weight * (1.0 if value else -1.0)
    low, high = numeric_bounds(f)
    middle, half = (low + high) / 2, max((high - low) / 2, 1e-9)
    return weight * (float(value) - middle) / half


def _format(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def synthesize(
    checked: CheckedSpec, rows: int | None = None, example: dict | None = None
) -> str:
    """The sample data set as CSV text (inputs in spec order, then the target).

    The first row carries ``example``'s keys (its id fields and the precompute
    entity), so that features precomputed from the sample cover the example record
    the service's API documents: a new owner trying it gets a score, not a 404.
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
    scale = 2.5 / math.sqrt(max(len(signal), 1) / 3)
    ids: set = set()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # The header carries what the producers send (wire names), as real data would.
    writer.writerow(
        [f.wire_name or f.name for f in spec.inputs.values()] + [target.name]
    )
    keys = _keys(checked, example)
    ids.update(keys.values())
    for row in range(rows):
        record = {f.name: _draw(f, rng, row, ids) for f in spec.inputs.values()}
        if row == 0:  # drawn first all the same, so the other rows stay as they were
            record.update(keys)
        latent = (
            scale
            * sum(
                _contribution(
                    f, record[f.name], weights[f.name], effects.get(f.name, {})
                )
                for f in signal
            )
            / math.sqrt(3)
        )
        writer.writerow(
            [_format(record[name]) for name in spec.inputs]
            + [_format(_target(checked, latent, rng))]
        )
    return out.getvalue()


def _keys(checked: CheckedSpec, example: dict | None) -> dict:
    """The example record's values of the fields that identify a record."""
    if not example:
        return {}
    spec = checked.spec
    names = {f.name for f in spec.inputs.values() if f.is_id}
    if spec.precompute is not None:
        names.add(spec.precompute.entity)
    return {name: example[name] for name in names if example.get(name) is not None}


def _draw(f: FieldSpec, rng: random.Random, row: int, ids: set):
    if f.nullable and rng.random() < NULL_RATE:
        return None
    if f.is_id:
        return _unique_id(f, rng, row, ids)
    return example_value(f, rng, rng.random())


def _unique_id(f: FieldSpec, rng: random.Random, row: int, ids: set):
    if f.type == "integer":
        low, _ = numeric_bounds(f)
        return int(low) + row
    for _ in range(50):
        value = example_value(f, rng, rng.random())
        if value not in ids:
            ids.add(value)
            return value
    return value


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
