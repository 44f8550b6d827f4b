"""Model references: a registry root and perhaps an alias or a version id."""

from __future__ import annotations

import pytest

from modelplate.runtime.errors import ArtifactError
from modelplate.runtime.references import check_name, reference, split_reference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("artifacts/model", ("artifacts/model", None)),
        ("artifacts/model@challenger", ("artifacts/model", "challenger")),
        ("s3://bucket/m@0123456789ab", ("s3://bucket/m", "0123456789ab")),
        ("models:/churn@champion", ("models:/churn", "champion")),
        ("ftp://user@host/model", ("ftp://user@host/model", None)),
    ],
)
def test_a_reference_is_a_root_and_perhaps_a_name(text, expected):
    assert split_reference(text) == expected
    assert reference(text, "challenger") == f"{expected[0]}@challenger"


@pytest.mark.parametrize("name", ["latest", "../x", "0123456789AB", "0123456789abc"])
def test_a_name_is_an_alias_or_a_version_id(name):
    check_name("champion", "root")
    check_name("0123456789ab", "root")
    with pytest.raises(ArtifactError, match="neither an alias"):
        check_name(name, "root")
