"""`modelplate.infer.ids`: one id per spec, chosen on the strongest evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from modelplate.infer.ids import id_pattern


def test_ids_string_and_integer(customer_spec):
    spec, text, _ = customer_spec
    customer = spec.inputs["customer_id"]
    assert (customer.role, customer.type, customer.pattern) == (
        "id",
        "string",
        "^C[0-9]{6}$",
    )
    assert customer.min is None and customer.max is None
    # a unique sequence of whole numbers looks like an id too, but there is one id per
    # spec: it stays an integer and is kept away from the model
    assert spec.inputs["row_number"].role is None
    assert "row_number" not in spec.model.features
    assert "like a sequence" in " ".join(text.replace("#", " ").split())
    assert "customer_id" not in spec.model.features


def test_an_integer_id_alone_gets_the_role(tmp_path, inferred):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "account": np.arange(5000, 5100),
            "amount": rng.uniform(0, 10, 100),
            "label": rng.integers(0, 2, 100),
        }
    )
    spec, text, _ = inferred(tmp_path, frame, "label")
    assert spec.inputs["account"].role == "id"
    assert spec.inputs["account"].pattern is None
    assert spec.id_field == "account"
    assert spec.model.features is None
    # a 0/1 target is a boolean
    assert (spec.model.task, spec.model.target.type) == (
        "binary_classification",
        "boolean",
    )
    assert "100 different whole numbers from 5000 to 5099" in text


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        (["C000001", "C123456", "C999999"], "^C[0-9]{6}$"),
        (["AB-12", "XY-99"], "^[A-Z]{2}-[0-9]{2}$"),
        (
            [
                "3f2a9c1e-aaaa-4bcd-8e9f-0123456789ab",
                "0b1c2d3f-ffff-4aaa-9bbb-abcdefabcdef",
            ],
            # the constant version digit 4 counts as hex once the id is hex
            "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        ),
        (["x.1", "y.2"], "^[a-z]\\.[0-9]$"),
        (["C1", "C22"], None),  # lengths differ
        (["a1", "B2"], None),  # no one shape at the first position
        (["1" * 1001, "2" * 1001], None),  # a count over RE2's 1000: check refuses it
    ],
)
def test_id_pattern(values, pattern):
    assert id_pattern(values) == pattern
