"""Rules of the input fields: one id, ordered bounds, distinct wire names, valid imputation."""

from __future__ import annotations

import datetime as dt

from .. import schema as S
from ..spec import FieldSpec
from .base import Checker


class FieldRules(Checker):
    """Checks `inputs.fields`, field by field and across fields."""

    def fields(self) -> None:
        ids = [f for f in self.spec.inputs.values() if f.is_id]
        for extra in ids[1:]:
            self.at(
                extra.at["role"],
                f"inputs.fields.{extra.name}.role",
                f"only one field can be the id (already '{ids[0].name}')",
            )
        for f in self.spec.inputs.values():
            path = f"inputs.fields.{f.name}"
            if (
                f.min is not None
                and f.max is not None
                and _ordered(f.min) > _ordered(f.max)
            ):
                self.at(
                    f.at["min"],
                    f"{path}.min",
                    f"min is greater than max (expected min <= max, got {f.min} > {f.max})",
                )
            if f.is_id and f.type not in ("string", "integer"):
                self.at(
                    f.at["role"],
                    f"{path}.role",
                    f"an id must be a string or integer field (got {f.type})",
                )
            if f.is_id and f.nullable:
                self.at(
                    f.at["nullable"],
                    f"{path}.nullable",
                    "an id cannot be nullable (expected nullable: false)",
                )
            self.imputation(f, path)
        self.wire_names()

    def wire_names(self) -> None:
        # The producer sends `wire_name` (or the field's own name); two fields read from
        # one wire name would silently receive the same value.
        seen: dict[str, str] = {}
        for f in self.spec.inputs.values():
            wire = f.wire_name if f.wire_name is not None else f.name
            if wire in seen:
                self.at(
                    f.at.get("wire_name", f.at[""]),
                    f"inputs.fields.{f.name}.wire_name",
                    f"field '{seen[wire]}' already reads the wire name {wire!r} (expected a wire name no other field uses)",
                )
            else:
                seen[wire] = f.name

    def imputation(self, f: FieldSpec, path: str) -> None:
        if f.impute is None:
            if f.fill_value is not None:
                self.at(
                    f.at["fill_value"],
                    f"{path}.fill_value",
                    "fill_value needs impute: constant",
                )
            return
        where = f.at["impute"]
        if not f.nullable:
            self.at(
                where,
                f"{path}.impute",
                "impute on a field that is not nullable never applies (expected nullable: true, or no impute)",
            )
        if f.impute in ("mean", "median") and not f.is_numeric:
            self.at(
                where,
                f"{path}.impute",
                f"{f.impute} needs a numeric field (got {f.type}; expected most_frequent or constant)",
            )
        if f.type in S.TEMPORAL_TYPES or f.type == "string":
            self.at(
                where,
                f"{path}.impute",
                f"a {f.type} field cannot be imputed (expected no impute; use is_null/coalesce in features)",
            )
        if f.impute == "constant":
            self.constant_fill(f, path)
        elif f.fill_value is not None:
            self.at(
                f.at["fill_value"],
                f"{path}.fill_value",
                f"fill_value needs impute: constant (got impute: {f.impute})",
            )

    def constant_fill(self, f: FieldSpec, path: str) -> None:
        value = f.fill_value
        if value is None and "fill_value" in f.at:
            return  # written but unreadable: already reported where it was read
        if value is None:
            self.at(
                f.at["impute"],
                f"{path}.impute",
                "impute: constant needs fill_value (expected e.g. fill_value: 0)",
            )
            return
        where, key = f.at["fill_value"], f"{path}.fill_value"
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if f.is_numeric and not number:
            self.at(
                where, key, f"expected a number for a {f.type} field, got {value!r}"
            )
        elif f.type == "category" and value not in (f.values or []):
            self.at(
                where,
                key,
                f"expected one of the field's values ({', '.join(f.values or [])}), got {value!r}",
            )
        elif f.type == "boolean" and not isinstance(value, bool):
            self.at(where, key, f"expected true or false, got {value!r}")
        elif f.is_numeric and not _inside(f, value):
            self.at(
                where,
                key,
                f"fill_value {value} is outside the field's range [{f.min}, {f.max}]",
            )


def _ordered(value):
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _inside(f: FieldSpec, value: float) -> bool:
    return (f.min is None or value >= f.min) and (f.max is None or value <= f.max)
