"""YAML text without a YAML library: read back by PyYAML as the same data."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from modelplate.runtime.yamltext import dump

scalars = st.none() | st.booleans() | st.integers() | st.text()
scalars |= st.floats(allow_nan=False, allow_infinity=False)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(documents)
def test_any_document_reads_back_as_itself(document):
    assert yaml.safe_load(dump(document)) == document


@pytest.mark.parametrize("word", ["on", "No", "true", "null", "~", "5m", "007", "a: b"])
def test_words_yaml_would_read_otherwise_are_quoted(word):
    assert yaml.safe_load(dump({"k": word})) == {"k": word}
    assert dump({"k": word}) != f"k: {word}\n"


@pytest.mark.parametrize("number", [1e16, 1e-07, 2.5e300, -0.0, 10**30])
def test_numbers_read_back_as_numbers(number):
    assert yaml.safe_load(dump([number])) == [number]


def test_promql_keeps_its_quotes_readable_and_the_comment_heads_the_file():
    text = dump({"expr": 'up{job="x"} == 0'}, "first\nsecond")
    assert text == "# first\n# second\nexpr: 'up{job=\"x\"} == 0'\n"


def test_other_objects_are_refused():
    with pytest.raises(TypeError, match="cannot write set"):
        dump({"k": {1, 2}})
