"""`modelplate.infer.naming`: field names, wire names, the service name, hints."""

from __future__ import annotations

import pytest

from modelplate.infer.naming import column_names, service_name


@pytest.mark.parametrize(
    ("column", "name"),
    [
        ("Monthly Charges ($)", "monthly_charges"),
        ("class", "class_"),
        ("1st_value", "col_1st_value"),
        ("Customer ID", "customer_id"),
        ("customerID!", "customer_id"),
        ("score", "score_"),  # reserved by modelplate
        ("Score", "Score"),  # a safe name stays as it is
        ("as of", "as_of_"),  # a mapped name must not land on a reserved one
        ("élan vital", "elan_vital"),
        ("$$$", "column"),
        ("match", "match_"),
    ],
)
def test_column_names(column, name):
    assert column_names([column])[column] == name


def test_column_names_are_unique_after_mapping():
    names = column_names(["total charges", "Total-Charges", "total_charges"])
    assert names == {
        "total charges": "total_charges_2",
        "Total-Charges": "total_charges_3",
        "total_charges": "total_charges",
    }


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("churn", "churn"),
        ("Customer Churn 2024", "customer-churn-2024"),
        ("2024_data", "model-2024-data"),
        ("random", "random-service"),
        ("json", "json-service"),
        ("___", "service"),
    ],
)
def test_service_name(text, name):
    assert service_name(text) == name


def test_awkward_names_map_to_identifiers_and_keep_their_wire_name(customer_spec):
    spec, text, _ = customer_spec
    wire = {f.name: f.wire_name for f in spec.inputs.values() if f.wire_name}
    assert wire == {
        "monthly_charges": "Monthly Charges ($)",
        "class_": "class",
        "col_1st_value": "1st_value",
        "total_score": "Total Score",
        "total_score_2": "total-score",
    }
    assert spec.inputs["tenure_months"].wire_name is None
    assert "wire_name: Total Score" in text


def test_error_target_missing_says_did_you_mean(tmp_path, infer_fails, iris):
    data = tmp_path / "iris.csv"
    iris.to_csv(data, index=False)
    infer_fails(
        [str(data), "--target", "Species"],
        "iris.csv: no column 'Species' to use as the target",
        "did you mean 'species'?",
    )
    infer_fails([str(data), "--target", "specis"], "did you mean 'species'?")
