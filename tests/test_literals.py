"""Spec text pasted into generated Python and TOML reads back as the same text, in the
style black would write, and a comment stays one line, whatever the text holds."""

from __future__ import annotations

import ast
import sys

import black
from hypothesis import given, settings
from hypothesis import strategies as st

from modelplate.literals import comment_text, py_string, toml_authors, toml_string

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Any text YAML can carry: no lone surrogates.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
HOSTILE = ["it's", 'say "hi"', "'\"'\"", '"""', "back\\slash\\", "a\r\nb\x00\u2028c"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(TEXT, st.sampled_from(HOSTILE)))
def test_a_python_string_reads_back_and_is_as_black_writes_it(text):
    source = f"x = {py_string(text)}\n"
    assert ast.literal_eval(py_string(text)) == text
    mode = black.Mode(line_length=10_000)
    assert black.format_str(source, mode=mode) == source


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(TEXT, st.sampled_from(HOSTILE)))
def test_a_toml_string_reads_back(text):
    assert tomllib.loads(f"a = {toml_string(text)}\n")["a"] == text


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(TEXT, st.sampled_from(HOSTILE)))
def test_a_comment_stays_on_its_line(text):
    module = ast.parse(f"x = 1  # {comment_text(text)}\ny = 2\n")
    assert [type(node).__name__ for node in module.body] == ["Assign", "Assign"]


def test_an_owner_that_is_not_an_address_is_a_name():
    address = tomllib.loads(f"a = {toml_authors('ml@example.com')}")["a"]
    team = tomllib.loads(f"a = {toml_authors('retention team <ml@example.com>')}")["a"]
    assert address == [{"email": "ml@example.com"}]
    assert team == [{"name": "retention team <ml@example.com>"}]
