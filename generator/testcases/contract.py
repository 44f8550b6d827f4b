"""Cases of the input contract: records it accepts, and one violation per field and rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..examples import format_temporal, temporal_bounds
from ..patterns import fullmatch
from ..spec import FieldSpec
from .cases import UNKNOWN_FIELD, case, numeric, unique_ids
from .records import Records


class ContractCases(Records):
    """Records the contract accepts, and one violation of each of its rules."""

    def valid_records(self) -> list[dict]:
        records = [case(label, label) for label in self.bases]
        nullable = [f.name for f in self.fields if f.nullable]
        if nullable:
            records.append(case("nulls", changes=dict.fromkeys(nullable)))
        return records

    def contract_cases(self) -> list[dict]:
        cases = []
        for f in self.fields:
            cases.append(self._violation(f, "missing", drop=True))
            if not f.nullable:
                cases.append(self._violation(f, "null", None))
            for value in _wrong_types(f):
                cases.append(self._violation(f, "type", value))
            cases += self._range_cases(f)
            if f.type == "category":
                cases.append(
                    self._violation(f, "category", "not-" + (f.values or ["x"])[0])
                )
            if f.pattern:
                bad = _not_matching(f.pattern)
                if bad is not None:
                    cases.append(self._violation(f, "pattern", bad))
        if self.spec.unknown_fields == "reject":
            cases.append(
                case(
                    "unknown_field",
                    changes={UNKNOWN_FIELD: 1},
                    field=UNKNOWN_FIELD,
                    rule="unknown_field",
                )
            )
        return unique_ids(cases)

    def _violation(
        self, f: FieldSpec, rule: str, value: Any = None, drop: bool = False
    ) -> dict:
        if drop:
            return case(f"{f.name}-{rule}", drop=[f.name], field=f.name, rule=rule)
        return case(
            f"{f.name}-{rule}", changes={f.name: value}, field=f.name, rule=rule
        )

    def _range_cases(self, f: FieldSpec) -> list[dict]:
        cases = []
        if f.type in ("integer", "float"):
            step = (
                1
                if f.type == "integer"
                else max(abs(float(f.min or f.max or 1)) * 1e-6, 1e-6)
            )
            if f.min is not None:
                cases.append(self._violation(f, "min", numeric(f, f.min - step)))
            if f.max is not None:
                cases.append(self._violation(f, "max", numeric(f, f.max + step)))
        elif f.type in ("date", "datetime"):
            low, high = temporal_bounds(f)
            if f.min is not None:
                cases.append(
                    self._violation(
                        f, "min", format_temporal(f, low - dt.timedelta(days=1))
                    )
                )
            if f.max is not None:
                cases.append(
                    self._violation(
                        f, "max", format_temporal(f, high + dt.timedelta(days=1))
                    )
                )
        return cases


def _wrong_types(f: FieldSpec) -> list[Any]:
    if f.type == "integer":
        return ["12", 1.5, True, 10**400]
    if f.type == "float":
        return ["1.5", True, 10**400]
    if f.type == "boolean":
        return ["true", 1]
    if f.type in ("date", "datetime"):
        return ["not-a-date", 20240101]
    return [12]


def _not_matching(pattern: str) -> str | None:
    for candidate in ("", "!", "0", "a", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "A A"):
        if not fullmatch(pattern, candidate):
            return candidate
    return None
