"""`modelplate.infer.task`: the task and metric follow from the target column."""

from __future__ import annotations

import pandas as pd


def test_iris_is_multiclass_with_species_names(tmp_path, iris, inferred):
    spec, text, _ = inferred(tmp_path, iris, "species")
    assert spec.name == "data"
    assert spec.model.task == "multiclass_classification"
    assert spec.model.metric == "accuracy"
    assert spec.model.target.type == "category"
    assert spec.model.target.values == ["setosa", "versicolor", "virginica"]
    length = spec.inputs["sepal_length_cm"]
    assert length.wire_name == "sepal length (cm)"
    assert (length.type, length.nullable, length.impute) == ("float", False, None)
    # observed 4.3 to 7.9: span 3.6, margin 0.36, rounded outwards to tenths
    assert (length.min, length.max) == (3.9, 8.3)
    # observed 0.1 to 2.5 and never negative: the margin stops at 0
    assert spec.inputs["petal_width_cm"].min == 0
    assert "# observed 4.3 to 7.9" in text
    assert "all 150 rows of data.csv" in text


def test_linnerud_is_a_regression_on_a_whole_number(tmp_path, inferred):
    from sklearn.datasets import load_linnerud

    bunch = load_linnerud(as_frame=True)
    frame = pd.concat([bunch.data, bunch.target], axis=1)
    spec, text, _ = inferred(tmp_path, frame, "Weight", filename="linnerud.parquet")
    assert spec.name == "linnerud"
    assert spec.model.task == "regression"
    assert (spec.model.target.name, spec.model.target.type) == ("Weight", "integer")
    assert spec.model.metric == "r2"
    # 16 values in 20 rows is a measurement, not 16 classes
    assert set(spec.inputs) == {"Chins", "Situps", "Jumps", "Waist", "Pulse"}
    chins = spec.inputs["Chins"]
    assert chins.type == "integer" and chins.role is None
    assert (chins.min, chins.max) == (0, 19)  # observed 1 to 17
    assert all(isinstance(f.min, int) for f in spec.inputs.values())


def test_a_two_valued_text_target_is_a_binary_category(customer_spec):
    spec, text, _ = customer_spec
    target = spec.model.target
    assert spec.model.task == "binary_classification"
    assert spec.model.metric == "roc_auc"
    assert (target.name, target.type, target.values) == (
        "churned",
        "category",
        ["No", "Yes"],
    )
    assert 'values: ["No", "Yes"]' in text


def test_error_target_with_one_value(tmp_path, infer_fails):
    data = tmp_path / "one.csv"
    pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": ["a", "a", None]}).to_csv(
        data, index=False
    )
    infer_fails(
        [str(data), "--target", "y"],
        "one.csv: target column 'y' has one value ('a') in all 2 rows",
    )
