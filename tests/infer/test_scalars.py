"""`modelplate.infer.scalars`: every value written reads back as itself."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from modelplate.infer.scalars import scalar
from modelplate.yamlsource import parse_yaml


@given(
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
        st.sampled_from(
            [
                "yes",
                "No",
                "on",
                "OFF",
                "null",
                "~",
                "true",
                "1.5",
                "1e3",
                "2020-01-01",
                "0x1F",
                "- a",
                "a: b",
                "a #b",
                "'",
                '"',
                "@x",
                "[1]",
                "{a}",
                "*x",
                "&x",
                "!x",
                "%x",
                "|",
                ">",
                " lead",
            ]
        ),
    )
)
def test_scalars_read_back_as_written(text):
    node = parse_yaml(f"key: {scalar(text)}\n", "t.yaml")
    assert node.value["key"].value == text


@pytest.mark.parametrize("number", [0, -3, 3.9, 1e-05, 2.5e20, -0.0001, 12345.678])
def test_numbers_read_back_as_written(number):
    assert yaml.safe_load(f"key: {scalar(number)}")["key"] == number
