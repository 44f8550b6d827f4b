"""The records cases start from, and the values the service computes on a record.

Values come from our own scalar interpreter (`expressions.evaluate`), not from the generated
vectorized code, so each generated test compares two independent implementations.
"""

from __future__ import annotations

import ast
import datetime as dt
import random
from typing import Any

from ..checks import CheckedSpec
from ..examples import example_value
from ..expressions import evaluate, parse
from ..spec import FeatureSpec, FieldSpec
from .cases import AS_OF


class Records:
    """The base records, the imputation, and features' values computed on a record."""

    def __init__(self, checked: CheckedSpec):
        self.checked = checked
        self.spec = checked.spec
        self.fields = list(checked.spec.inputs.values())
        self.rng = random.Random(7)
        example = {f.name: example_value(f, self.rng) for f in self.fields}
        self.bases = {"example": example}
        for label, where in (("minimums", 0.0), ("maximums", 1.0)):
            record = {f.name: example_value(f, self.rng, where) for f in self.fields}
            # Ids keep the example's value: an id has no "end" to test.
            record.update({f.name: example[f.name] for f in self.fields if f.is_id})
            self.bases[label] = record
        self.imputation = {
            f.name: self._impute_value(f) for f in self.fields if f.impute
        }
        self.custom_names = {f.name for f in checked.spec.features.values() if f.custom}

    @property
    def example(self) -> dict:
        return self.bases["example"]

    def record(self, base: str, changes: dict, drop=()) -> dict:
        record = {**self.bases[base], **changes}
        for name in drop:
            record.pop(name, None)
        return record

    def _impute_value(self, f: FieldSpec) -> Any:
        if f.impute == "constant":
            return f.fill_value
        if f.type == "category":
            values = f.values or []
            return values[1] if len(values) > 1 else values[0]
        if f.type == "boolean":
            return False
        return float(example_value(f, self.rng, 0.25))

    def imputed(self, record: dict) -> dict:
        """The record as features read it: nulls imputed, then as `raw`."""
        return self.raw(
            {
                k: (self.imputation.get(k) if v is None and k in self.imputation else v)
                for k, v in record.items()
            }
        )

    def feature_value(self, feature: FeatureSpec, record: dict) -> Any:
        # is_null reads the raw record, everything else the imputed one.
        values = self.imputed(record)
        for name in _is_null_args(feature.expr or ""):
            values[name] = record.get(name)
        result = evaluate(feature.expr or "", values, feature.on_divide_by_zero)
        return bool(result) if isinstance(result, bool) else float(result)

    @staticmethod
    def custom_placeholder(feature: FeatureSpec):
        if feature.dtype == "boolean":
            return False
        return float(feature.range[0]) if feature.range else 0.0

    def raw(self, record: dict) -> dict:
        """The record as rules read it: dates parsed, `as_of` set, nulls left null."""
        values = dict(record)
        for f in self.fields:
            if f.type in ("date", "datetime") and values.get(f.name) is not None:
                values[f.name] = dt.datetime.fromisoformat(values[f.name])
        values["as_of"] = dt.datetime.fromisoformat(AS_OF)
        return values


def _is_null_args(expr: str) -> list[str]:
    return [
        call.args[0].id
        for call in ast.walk(parse(expr))
        if isinstance(call, ast.Call)
        and getattr(call.func, "id", "") == "is_null"
        and isinstance(call.args[0], ast.Name)
    ]
