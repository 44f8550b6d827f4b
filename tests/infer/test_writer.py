"""`modelplate.infer.writer`: the written YAML explains itself and reads back."""

from __future__ import annotations

import yaml


def test_the_written_yaml_explains_itself(customer_spec):
    _, text, _ = customer_spec
    assert text.startswith(
        "# Inferred by `modelplate infer` from all 300 rows of data.csv."
    )
    assert "# 'total_charges'" not in text  # unchanged names are not repeated
    assert "# 'Monthly Charges ($)': 300 values, " in text
    assert "nullable: true              # 10.0% null" in text or "% null" in text
    assert "# an id: its name says id, and every value is different" in text
    assert all(len(line) <= 88 for line in text.splitlines())


def test_the_written_yaml_round_trips(customer_spec, customers):
    spec, text, _ = customer_spec
    assert (
        yaml.safe_load(text)["inputs"]["fields"]["plan"]["values"]
        == spec.inputs["plan"].values
    )
    written = {f.wire_name or f.name for f in spec.inputs.values()}
    assert written == set(customers.columns) - {"churned"}


def test_the_model_proposes_candidates_for_the_data_size(customer_spec):
    spec, text, _ = customer_spec
    assert spec.model.algorithm == [
        "logistic_regression",
        "random_forest",
        "hist_gradient_boosting",
    ]
    comments = " ".join(line.strip(" #") for line in text.splitlines())
    assert "keeps the best (300 rows: small data" in comments
