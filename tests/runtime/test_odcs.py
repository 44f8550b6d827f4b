"""`runtime.odcs`: the contract as an ODCS v3.1.0 document, linted by datacontract-cli."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from modelplate.runtime.definition import Contract, Field
from modelplate.runtime.odcs import API_VERSION, odcs_document


def datacontract() -> str:
    """The datacontract CLI of this environment (the test extra installs it)."""
    beside = Path(sys.executable).with_name("datacontract")
    found = str(beside) if beside.exists() else shutil.which("datacontract")
    assert found, "datacontract-cli is part of the test extra: pip install -e '.[test]'"
    return found


def lint(document: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "contract.odcs.json"
    path.write_text(json.dumps(document, indent=2))
    return subprocess.run(
        [datacontract(), "lint", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"},
    )


def test_every_field_maps_to_a_property(contract):
    document = odcs_document(contract, "Orders to score.")
    assert document["apiVersion"] == API_VERSION
    assert document["version"] == contract.hash[:12]
    [record] = document["schema"]
    props = {p["name"]: p for p in record["properties"]}
    # Producers' names: the wire name, not the Python one.
    assert list(props) == [f.wire_name or f.name for f in contract.fields]
    assert props["order_id"]["primaryKey"] is True
    assert props["order_id"]["logicalTypeOptions"] == {"pattern": "^O[0-9]{4}$"}
    assert props["items"]["logicalType"] == "integer"
    assert props["items"]["logicalTypeOptions"] == {"minimum": 1, "maximum": 100}
    assert props["amount"]["logicalType"] == "number"
    assert props["amount"]["customProperties"] == [{"property": "unit", "value": "EUR"}]
    assert props["coupon"]["required"] is False and props["items"]["required"] is True
    assert props["placed"]["logicalTypeOptions"]["minimum"] == "2020-01-01"
    [rule] = props["channel"]["quality"]
    assert rule["arguments"]["validValues"] == ["web", "shop"]


def test_the_version_follows_what_the_contract_accepts(contract):
    wider = Contract(
        contract.title,
        tuple(
            Field(**{**f.__dict__, "maximum": 200}) if f.name == "items" else f
            for f in contract.fields
        ),
    )
    assert odcs_document(wider)["version"] != odcs_document(contract)["version"]


def test_datacontract_lint_accepts_the_document(contract, tmp_path):
    linted = lint(odcs_document(contract, "Orders to score."), tmp_path)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert f"valid against ODCS {API_VERSION}" in linted.stdout


@pytest.mark.parametrize(
    "field",
    [
        Field(name="at", type="datetime", minimum="2020-01-01T00:00:00"),
        Field(name="flag", type="boolean"),
        Field(name="ratio", type="float", minimum=-1.5),
    ],
)
def test_every_type_lints(field, tmp_path):
    linted = lint(odcs_document(Contract("kinds", (field,))), tmp_path)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_lint_fails_a_broken_document(contract, tmp_path):
    # The check can fail: a type ODCS does not know is refused by the real tool.
    document = odcs_document(contract)
    document["schema"][0]["properties"][1]["logicalType"] = "int"
    linted = lint(document, tmp_path)
    assert linted.returncode != 0
    assert "is not one of" in linted.stdout.replace("\n", " ")


SPECS = Path(__file__).resolve().parents[2]
SPEC_FILES = [
    SPECS / "examples" / "churn.yaml",
    SPECS / "examples" / "loan-default.yaml",
    SPECS / "tests" / "specs" / "valid" / "hostile-names.yaml",
]


@pytest.mark.parametrize("spec", SPEC_FILES, ids=[p.stem for p in SPEC_FILES])
def test_the_contract_of_every_reference_spec_lints(spec, tmp_path):
    import modelplate
    from modelplate.context import field_arguments

    checked = modelplate.check(spec)
    contract = Contract(
        checked.spec.name,
        tuple(Field(**field_arguments(f)) for f in checked.spec.inputs.values()),
    )
    linted = lint(odcs_document(contract, checked.spec.description), tmp_path)
    assert linted.returncode == 0, linted.stdout + linted.stderr
