"""Names: fields named after columns, the service named after the file.

A column name that is not a safe identifier becomes a snake_case one; the spec keeps the
original as `wire_name`, so the producer goes on sending what it sends.
"""

from __future__ import annotations

import difflib
import keyword
import re
import unicodedata

from ..reader import SERVICE_NAME, TAKEN_PACKAGES, identifier_problem


def safe_identifier(column: str) -> str:
    """A snake_case identifier for a column name (not yet unique among the others)."""
    text = unicodedata.normalize("NFKD", str(column))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "column"
    if text[0].isdigit():
        text = f"col_{text}"
    text = text[:60]
    # PEP 8's way out of a keyword ("class" -> "class_"), also for reserved names.
    while identifier_problem(text) is not None:
        text += "_"
    return text


def column_names(columns: list[str]) -> dict[str, str]:
    """Column -> field name: safe names stay, others map to unique snake_case ones."""
    names: dict[str, str] = {}
    taken = {c for c in columns if identifier_problem(c) is None}
    for column in columns:
        if identifier_problem(column) is None:
            names[column] = column
            continue
        base = safe_identifier(column)
        name, number = base, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        taken.add(name)
        names[column] = name
    return names


def service_name(text: str) -> str:
    """A safe service name (lower-case, '-' between words, not shadowing a package)."""
    words = re.findall(
        r"[a-z0-9]+", unicodedata.normalize("NFKD", text).lower().replace("_", "-")
    )
    name = "-".join(words[:11]) or "service"
    if not name[0].isalpha():
        name = f"model-{name}"
    name = name[:56].strip("-")
    if name.replace("-", "_") in TAKEN_PACKAGES or keyword.iskeyword(name):
        name = f"{name}-service"
    assert SERVICE_NAME.fullmatch(name), name
    return name


def did_you_mean(word: str, choices: list[str]) -> str:
    """A '; did you mean ...?' hint for a misspelt column name, or ''."""
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return f"; did you mean {lowered[word.lower()]!r}?"
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""
