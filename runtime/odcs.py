# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The input contract as an Open Data Contract Standard (ODCS v3.1.0) document.

Producers' data platforms read data contracts in ODCS (datacontract-cli, catalogs);
the JSON Schema (``contract.json_schema``) serves HTTP callers. Both are made from the
one ``Contract``, so they cannot disagree with what the service enforces. The document
is plain JSON, which is also YAML 1.2: tools that read ODCS as YAML read it as it is.

How the contract maps: each field is a property of one object, the record, under the
name producers send (its wire name). ODCS's ``required`` means "never null", so it is
``not nullable``; every property must still be sent (a missing one is rejected, see
``rules.MISSING``), which ODCS has no word for and the description says. Ranges and
patterns are ``logicalTypeOptions``; categories, for which ODCS 3.1 has no type option,
are a library quality rule (``invalidValues`` must be 0 with the valid values listed).
The contract's hash is its version: any change that changes what it accepts changes it.
"""

from __future__ import annotations

from .definition import Contract, Field

__all__ = ["API_VERSION", "odcs_document"]

API_VERSION = "v3.1.0"

_LOGICAL_TYPES = {
    "integer": "integer",
    "float": "number",
    "boolean": "boolean",
    "string": "string",
    "category": "string",
    "date": "date",
    "datetime": "timestamp",
}


def _options(field: Field) -> dict:
    options: dict = {}
    if field.minimum is not None:
        options["minimum"] = field.minimum
    if field.maximum is not None:
        options["maximum"] = field.maximum
    if field.pattern is not None:
        options["pattern"] = field.pattern
    if field.type == "date":
        options["format"] = "yyyy-MM-dd"
    return options


def _property(field: Field) -> dict:
    prop: dict = {
        "name": field.wire_name or field.name,
        "logicalType": _LOGICAL_TYPES[field.type],
        "required": not field.nullable,
        "description": "Always sent"
        + (", null when unknown." if field.nullable else ", never null."),
    }
    if field.role == "id":
        prop["primaryKey"] = True
    options = _options(field)
    if options:
        prop["logicalTypeOptions"] = options
    if field.values is not None:
        prop["quality"] = [
            {
                "type": "library",
                "metric": "invalidValues",
                "arguments": {"validValues": list(field.values)},
                "mustBe": 0,
                "description": "One of the declared categories.",
            }
        ]
    custom = [
        {"property": key, "value": value}
        for key, value in (("unit", field.unit), ("producer", field.producer))
        if value is not None
    ]
    if custom:
        prop["customProperties"] = custom
    return prop


def odcs_document(contract: Contract, description: str = "") -> dict:
    """The ODCS v3.1.0 data contract of ``contract`` (a JSON-ready dict)."""
    record = contract.title.replace("-", "_") + "_record"
    unknown = (
        "A record with a field the contract does not declare is rejected."
        if contract.unknown_fields == "reject"
        else "Fields the contract does not declare are ignored."
    )
    return {
        "apiVersion": API_VERSION,
        "kind": "DataContract",
        "id": f"{contract.title}-input",
        "name": contract.title,
        "version": contract.hash[:12],
        "status": "active",
        "description": {
            "purpose": description or f"The records {contract.title} scores.",
            "usage": f"Every declared field is sent, a nullable one as null. {unknown}",
        },
        "schema": [
            {
                "name": record,
                "logicalType": "object",
                "properties": [_property(field) for field in contract.fields],
            }
        ],
        "customProperties": [{"property": "contractHash", "value": contract.hash}],
    }
