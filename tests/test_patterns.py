"""The spec's pattern language: `check`, the generator and the runtime read it alike.

The runtime matches with RE2 (pyarrow), the generator with `patterns.fullmatch`; every
pattern `check` accepts must compile in RE2 and match exactly the same strings in both,
and every example the generator makes of it must match in RE2.
"""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelplate.examples import regex_example
from modelplate.patterns import fullmatch, pattern_problem


def _re2(pattern: str, texts: list[str]) -> list[bool]:
    whole = pa.array(texts, type=pa.string())
    return pc.match_substring_regex(whole, f"^(?:{pattern})$").to_pylist()


@pytest.mark.parametrize(
    ("pattern", "refused"),
    [
        (r"^(a)\1$", r"escape '\1'"),
        (r"(?P<x>a)(?P=x)", "'(?P'"),
        (r"^(?=a)a$", "'(?='"),
        (r"^(?!a)b$", "'(?!'"),
        (r"(?<=a)b", "'(?<'"),
        (r"(?>a+)b", "'(?>'"),
        (r"a++", "possessive"),
        (r"(?(1)a|b)", "'(?('"),
        (r"(?i)abc", "'(?i'"),
        (r"a(?#note)", "'(?#'"),
        (r"\bword\b", r"escape '\b'"),
        (r"^a\Z", r"escape '\Z'"),
        (r"\u00e9", r"escape '\u'"),
        (r"[[:alpha:]]+", "POSIX"),
        (r"a{,3}", "{0,n}"),
        (r"a{1001}", "over 1000"),
        (r"(a{100}){11}", "over 1000"),
        (r"(?:a{1000})?(?:b{1000})?(c{10}){100}", None),  # siblings do not multiply
        ("(?:[^a]{1000})" * 71, "RE2 steps"),  # RE2 refuses it: pattern too large
        ("(?:[a-z]{1000})" * 30, "RE2 steps"),  # 5 ms to compile, on every record
        ("(?:a{0,500})" * 3, "1,500 optional copies"),  # 2 ms, superlinear beyond
        ("a{1000}" * 2, "shortest value it matches has 2,000 characters"),
        (r"^[\w.%+-]{1,64}@[A-Za-z0-9.-]{1,255}\.[A-Za-z]{2,63}$", None),
        (r"a$|b", None),
        (r"a$b", "'^' and '$'"),
        (r"(^a)", "'^' and '$'"),
        ("a" * 1001, "at most 1000 characters"),
        (r"[a-", "expected a regular expression"),
        (r"^C[0-9]{6}$", None),
        (r"^(a+)+$", None),  # linear in RE2, so accepted
        (r"^[^@\s]+@[\w.-]+\.[a-z]{2,}$", None),
        (r"^\x41[\]\-]?(?:ab|cd){2,5}?$", None),
    ],
)
def test_check_refuses_what_re2_cannot_run_or_would_read_differently(pattern, refused):
    problem = pattern_problem(pattern)
    if refused is None:
        assert problem is None
        _re2(pattern, ["x"])  # compiles in RE2
    else:
        assert problem is not None and refused in problem, problem


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        (r"^C[0-9]{6}$", "C123456", True),
        (r"^C[0-9]{6}$", "C123456\n", False),
        (r"[0-9]{2}", "a12", False),
        (r"\d+", "\u0663", False),
        (r"\w+", "\u00e9", False),
        (r"\s", "\x0b", False),
        (r".", "\n", False),
        (r"[^a]", "\n", True),
        (r"^(a+)+$", "a" * 40 + "b", False),
        (r"a|ab", "ab", True),
    ],
)
def test_the_generator_matches_as_re2_does(pattern, text, matches):
    assert fullmatch(pattern, text) is matches
    assert _re2(pattern, [text]) == [matches]


_TOKENS = st.sampled_from(
    ["a", "b", "é", ".", r"\d", r"\w", r"\s", r"\D", r"\W", r"\S", r"\.", r"\x41"]
    + ["[ab]", "[^a]", "[a-c\\d]", "[^\\s]", "(", ")", "(?:", "|", "^", "$"]
    + ["*", "+", "?", "*?", "{2}", "{1,3}", "{0,}", "\n", " "]
)
_TEXT = st.text(st.sampled_from(list("abcAé1٣ \n\t\x0b_.-")), max_size=8)


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.lists(_TOKENS, max_size=8).map("".join), st.lists(_TEXT, max_size=12))
def test_an_accepted_pattern_means_the_same_in_re2_and_in_the_generator(pattern, texts):
    if pattern_problem(pattern) is not None:
        return
    example = regex_example(pattern, random.Random(0))
    assert _re2(pattern, texts) == [fullmatch(pattern, text) for text in texts]
    assert fullmatch(pattern, example), example
    assert _re2(pattern, [example]) == [True]
