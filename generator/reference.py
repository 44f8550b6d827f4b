"""Render `docs/spec.md`, the spec language's reference page, from `schema.py`.

The page is generated from the same table the loader validates against, so it cannot
drift from what the tool accepts; a test compares the committed page with this output.
Regenerate with `python -m modelplate.reference docs/spec.md`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import schema as S

_INTRO = """\
# The modelplate spec language (spec_version 1)

A spec is one YAML file. Every key below is checked: an unknown key is an error with a
"did you mean", a value of the wrong type names what was expected and what was found, and
every problem is reported at once as `FILE:LINE:COL: key.path: message`. YAML aliases and
anchors are refused (one edit must never change two places) and so are duplicate keys.

Names of fields, features and the decision output must be safe identifiers: letters,
digits and `_`, starting with a letter or `_`, at most 64 characters, not a Python keyword
and not one of the names the language reserves (`as_of`, `score`, `prediction`, the function
names, ...), and the names of fields and features must differ in more than case (custom
features become files and precomputed ones SQLite columns; both may ignore case). The
service `name` is lower-case letters and digits with single `-` or `_` between them; its
package name (`-` as `_`) must not be a Python keyword, nor shadow a standard-library
package, a package the generated project installs, or its own `tests`. A custom feature
cannot be called `routes` (the owners' routes module). Texts (descriptions, category
values, decisions, ...) may hold any character except the template delimiters `{{` and
`{%`; quotes, backslashes and line breaks are escaped wherever they are written.

A spec file must be a regular file of at most 4 MiB (a pipe, a device or a folder is
refused at once), and `check` takes time linear in its size.

The bundled examples are `examples/churn.yaml` (every section) and `examples/minimal.yaml`
(defaults only).
"""

_EXPRESSIONS = """\
## Expressions

`features.<name>.expr` and `decisions.rules[i].when` are written in a small, safe language.
It is parsed with Python's `ast` against an allow-list and compiled to vectorized
numpy/pandas code; nothing in a spec is ever executed by modelplate.

- Numbers (`12`, `0.5`), `true`/`false` as `True`/`False`, and quoted text only in `==`/`!=`
  against a category or string field (`contract == "one-year"`; the value must be one of
  the field's `values`).
- Names: input fields; in rules also expression features and the model output (`score` for
  binary classification: the probability of the positive class; `prediction` otherwise);
  `as_of`, the scoring time (an argument of every pipeline function, never the clock).
- Arithmetic `+ - * /` and `x ** n` for a whole `n` from 0 to 4; comparisons
  `< <= > >= == !=` (chains like `0 < x < 5` too); `and`, `or`, `not`.
- A comparison with a null value is false. Nullable fields with `impute` are imputed before
  features are computed; `is_null(field)` sees the value before imputation.

Functions:

| call | meaning |
|---|---|
{functions}

Checks made on every expression:

- every name exists (with a "did you mean" when it does not);
- types fit: arithmetic on numbers, `and`/`or`/`not` on true/false, dates only in
  `days_between`;
- a division whose denominator can be 0 needs `on_divide_by_zero` on its feature. Whole
  numbers are taken into account: a guarded division by an integer field in [0, 600]
  divides by at least 1;
- `log`, `log1p` and `sqrt` only of values their input ranges keep in the domain;
- a declared `range` must follow from the input ranges by interval arithmetic; the
  message reports the computed bounds when it does not;
- a feature that could be null (a nullable field without `impute`) cannot reach the model.
"""


_PATTERNS = """\
## Patterns

A `string` field's `pattern` must match the **whole** value: `^C[0-9]{6}$`, `C[0-9]{6}`
and `^C[0-9]{6}` mean the same, and `$` is the end of the value ('C123456' followed by a
newline does not match, where Python's `re.search` would take it).

The runtime matches patterns with RE2, for one record at the HTTP edge and for a batch
alike (google-re2, the pattern compiled once, for one record and small batches; pyarrow
for larger ones). RE2's time is linear in the value whatever the pattern, so a
pattern such as `^(a+)+$`, which takes Python's `re` minutes on 30 a's and a b, cannot
stall the service. The generator reads patterns the same way when it makes examples
and test cases, and the OpenAPI schema states the pattern as `^(?:PATTERN)$`.

So patterns are written in the part of the syntax that RE2 runs and every reader
(RE2, the generator, the JSON Schema of the API) reads alike:

- literals, `.` (any character but a newline), classes `[a-z0-9_]` and `[^...]`,
  `\\d` `\\D` `\\w` `\\W` `\\s` `\\S` (ASCII, as in RE2: `\\d` is `[0-9]`, `\\w` is
  `[0-9A-Za-z_]`, `\\s` is `[\\t\\n\\f\\r ]`), `\\t` `\\n` `\\r` `\\f` `\\v`, `\\xHH`
  and escaped punctuation (`\\.`, `\\-`);
- groups `(...)` and `(?:...)`, alternation `|`, repeats `* + ? {n} {n,} {n,m}` and
  their lazy forms (`*?`), with counts up to 1000 (nested counts multiplied, too);
- `^` only at the start and `$` only at the end (of the pattern or of a top-level
  alternative); at most 1000 characters.

A batch matched by pyarrow compiles the pattern once per batch (pyarrow keeps no
compiled pattern), so the size of what RE2 compiles is bounded so that no pattern costs
more than a few milliseconds. Counted repeats are compiled as
copies of their body, so `check` also refuses a pattern that expands to more than
50,000 steps (an ASCII character or class is 1-2 steps, `.` 32, a class that can match
non-ASCII text 48 and more), whose repeats have more than 1000 optional copies in all
(`a{0,1000}` has 1000), or whose shortest value is over 1000 characters.

`check` refuses everything else with the line and key of the pattern: back-references,
lookarounds, conditionals, atomic groups, possessive repeats, named groups, inline flags
and comments (`(?i)`, `(?#...)`), `\\b`, `\\A`, `\\Z`, `\\u`, POSIX classes
(`[[:alpha:]]`) and `{,n}`.
"""


def _value(text: str) -> str:
    return text.replace("|", "\\|")


def _section(section: S.Section) -> str:
    rows = [
        f"## `{section.path}`" if section is not S.TOP else "## Top level",
        "",
        section.doc,
        "",
        "| key | type | default | example | meaning |",
        "|---|---|---|---|---|",
    ]
    for key in section.keys:
        example = f"`{key.example}`" if key.example else ""
        rows.append(
            f"| `{key.name}` | {_value(key.type)} | {_value(key.default)} | {_value(example)} "
            f"| {_value(key.doc)} |"
        )
    return "\n".join(rows) + "\n"


def _metrics() -> str:
    rows = [
        "## Metrics",
        "",
        "| metric | tasks | better | default gate |",
        "|---|---|---|---|",
    ]
    for name, (tasks, greater, gate) in S.METRICS.items():
        better = "higher" if greater else "lower"
        default = "none" if gate is None else f"min_metric {gate}"
        rows.append(f"| `{name}` | {', '.join(tasks)} | {better} | {default} |")
    rows += ["", "Targets by task:", ""]
    rows += [f"- {task}: {', '.join(types)}" for task, types in S.TARGET_TYPES.items()]
    return "\n".join(rows) + "\n"


def render_reference() -> str:
    functions = "\n".join(
        f"| `{call}` | {_value(doc)} |" for call, doc in S.FUNCTIONS.values()
    )
    parts = [
        _INTRO,
        *(_section(s) for s in S.SECTIONS),
        _metrics(),
        _EXPRESSIONS.format(functions=functions),
        _PATTERNS,
    ]
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    Path(sys.argv[1]).write_text(render_reference(), encoding="utf-8")
