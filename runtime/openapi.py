# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The HTTP API's schemas and examples, for the OpenAPI document.

The endpoints read their bodies raw (so that FastAPI never coerces "1.5" into a
number), which leaves FastAPI nothing to describe them from: the request schemas
come from the input contract itself (the fields a request carries), the result
schema from the task and the decisions, and the example from the service's spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .contract import json_schema
from .definition import Contract, Decisions, Field, Precompute

__all__ = ["NOT_READY", "OpenApi"]

NOT_READY = {
    "description": "The model is not loaded yet, or the service cannot answer: "
    "the model or the feature store failed its probe"
}

_VIOLATIONS = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "violations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "rule": {"type": "string"},
                    "message": {"type": "string"},
                    "index": {"type": "integer", "description": "record in a batch"},
                },
                "required": ["field", "rule", "message"],
            },
        },
    },
    "required": ["detail", "violations"],
}


@dataclass(frozen=True)
class OpenApi:
    """One service's request bodies and responses.

    ``request_fields`` are what a request carries (``Service.request_fields``),
    ``example`` one request the contract accepts, ``task`` the model's task; with
    ``decisions`` a result carries the decision, with ``precompute`` a request can
    be refused for an unknown entity (404) or stale features (409).
    """

    contract: Contract
    request_fields: tuple[Field, ...]
    example: Mapping[str, object]
    task: str
    decisions: Decisions | None = None
    precompute: Precompute | None = None

    def _record_schema(self) -> dict:
        schema = json_schema(self.contract, self.request_fields)
        schema = {key: value for key, value in schema.items() if key != "$schema"}
        return {**schema, "examples": [dict(self.example)]}

    def record_body(self) -> dict:
        """The request body of ``POST /predict``: one record."""
        body = {"schema": self._record_schema(), "example": dict(self.example)}
        return {"required": True, "content": {"application/json": body}}

    def batch_body(self, max_records: int) -> dict:
        """The request body of ``POST /predict/batch``: up to ``max_records``."""
        records = {
            "type": "array",
            "items": self._record_schema(),
            "maxItems": max_records,
        }
        schema = {
            "type": "object",
            "properties": {"records": records},
            "required": ["records"],
            "additionalProperties": False,
        }
        example = {"records": [dict(self.example)] * 2}
        body = {"schema": schema, "example": example}
        return {"required": True, "content": {"application/json": body}}

    def result_schema(self) -> dict:
        """One scored record, as ``/predict`` returns it (and each of a batch's)."""
        properties: dict[str, dict] = {}
        id_field = self.contract.id_field
        if id_field is not None:
            field = self.contract.by_name[id_field]
            schema = json_schema(self.contract, (field,))["properties"]
            properties[id_field] = next(iter(schema.values()))
        if self.task == "binary_classification":
            properties["score"] = {"type": "number", "minimum": 0, "maximum": 1}
        elif self.task == "multiclass_classification":
            properties["prediction"] = {"description": "the most probable class"}
            probability = {"type": "number", "minimum": 0, "maximum": 1}
            properties["probabilities"] = {
                "type": "object",
                "additionalProperties": probability,
            }
        else:
            properties["prediction"] = {"type": "number"}
        if self.decisions is not None:
            actions = list(self.decisions.actions)
            properties[self.decisions.output] = {"type": "string", "enum": actions}
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
        }

    def predict_responses(self) -> dict:
        """The responses of ``POST /predict``."""
        content = {"application/json": {"schema": self.result_schema()}}
        return {"200": {"content": content}, **self.error_responses()}

    def batch_responses(self) -> dict:
        """The responses of ``POST /predict/batch``."""
        results = {"type": "array", "items": self.result_schema()}
        body = {"type": "object", "properties": {"results": results}}
        content = {"application/json": {"schema": body}}
        return {"200": {"content": content}, **self.error_responses()}

    def error_responses(self) -> dict:
        """The error responses shared by both predict endpoints."""
        violations = {"application/json": {"schema": _VIOLATIONS}}
        responses = {
            "413": {
                "description": "A body longer than the endpoint's byte limit, or "
                "more records than the batch limit",
                "content": violations,
            },
            "415": {
                "description": "The body is not declared application/json (UTF-8)",
                "content": violations,
            },
            "422": {
                "description": "The body is not JSON, gives a key twice, or records "
                "break the contract: every violation, with its field, rule and "
                "(batch) record index",
                "content": violations,
            },
        }
        if self.precompute is not None:
            entity, max_age = self.precompute.entity, self.precompute.max_age
            responses["404"] = {
                "description": f"Unknown {entity}: no precomputed features",
                "content": violations,
            }
            responses["409"] = {
                "description": f"Precomputed features that are stale (older than "
                f"max_age {max_age}, or computed at a missing or future time) or "
                "hold no value",
                "content": violations,
            }
        return {**responses, "503": NOT_READY}
