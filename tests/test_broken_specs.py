"""A corpus of broken specs: each file makes one mistake and says where it is reported.

Every file in `specs/broken/` starts with

    # expect: LINE:COL: KEY.PATH: substring of the message

(KEY.PATH is empty for problems of the file itself, e.g. YAML syntax), optionally
followed by `# xfail: reason` for a known generator bug: the test is then a strict xfail
that starts passing (and so fails as XPASS) once the bug is fixed.
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from paths import BROKEN, CHURN, MINIMAL

import modelplate
from modelplate.cli import main
from modelplate.spec.reading import MAX_SPEC_BYTES

EXPECT = re.compile(r"# expect: (\d+):(\d+): ([^:]*): (.+)")
XFAIL = re.compile(r"# xfail: (.+)")


@dataclass(frozen=True)
class Expectation:
    line: int
    column: int
    path: str
    message: str


def _expectation(spec: Path) -> tuple[Expectation, str | None]:
    lines = spec.read_text(encoding="utf-8").splitlines()
    match = EXPECT.fullmatch(lines[0].rstrip())
    assert match, f"{spec.name}: first line must be '# expect: LINE:COL: PATH: text'"
    xfail = XFAIL.fullmatch(lines[1].rstrip()) if len(lines) > 1 else None
    expected = Expectation(
        int(match[1]), int(match[2]), match[3].strip(), match[4].strip()
    )
    return expected, xfail[1] if xfail else None


def _cases() -> list:
    cases = []
    for spec in sorted(BROKEN.glob("*.yaml")):
        expected, xfail = _expectation(spec)
        marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
        cases.append(pytest.param(spec, expected, id=spec.stem, marks=marks))
    return cases


CASES = _cases()


def _problems(path: Path) -> list[modelplate.Problem]:
    with pytest.raises(modelplate.SpecError) as caught:
        modelplate.check(str(path))
    return caught.value.problems


def _assert_reported(problems, path: Path, expected: Expectation) -> None:
    found = [
        p
        for p in problems
        if (p.file, p.line, p.column, p.path)
        == (str(path), expected.line, expected.column, expected.path)
        and expected.message in p.message
    ]
    shown = "\n".join(str(p) for p in problems)
    assert found, (
        f"expected {expected.line}:{expected.column}: {expected.path}: "
        f"...{expected.message}... among:\n{shown}"
    )


def test_the_corpus_is_there():
    assert len(CASES) >= 45


@pytest.mark.parametrize(("spec", "expected"), CASES)
def test_check_reports_the_mistake(spec: Path, expected: Expectation):
    _assert_reported(_problems(spec), spec, expected)


@pytest.mark.parametrize(("spec", "expected"), CASES)
def test_cli_reports_the_mistake(spec: Path, expected: Expectation, capsys):
    assert main(["check", str(spec)]) == 1
    out, err = capsys.readouterr()
    where = f"{spec}:{expected.line}:{expected.column}: "
    prefix = where + (f"{expected.path}: " if expected.path else "")
    lines = [line for line in err.splitlines() if line.startswith(prefix)]
    assert any(expected.message in line for line in lines), err
    assert "Traceback" not in err + out
    assert re.search(r"^\d+ problems? found$", err, re.MULTILINE)


# -- files that cannot carry their own `# expect:` line ----------------------------------
def test_empty_file(tmp_path):
    spec = tmp_path / "empty.yaml"
    spec.write_bytes(b"")
    expected = Expectation(1, 1, "", "the file is empty")
    _assert_reported(_problems(spec), spec, expected)


def test_non_utf8_file(tmp_path, capsys):
    spec = tmp_path / "latin1.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace("house-price", "maison")
    spec.write_bytes(text.encode("utf-8") + "owner: équipe\n".encode("latin-1"))
    expected = Expectation(12, 1, "", "expected UTF-8 text")
    _assert_reported(_problems(spec), spec, expected)
    assert main(["check", str(spec)]) == 1
    assert f"{spec}:12:1: expected UTF-8 text" in capsys.readouterr().err


def test_missing_file(tmp_path):
    spec = tmp_path / "absent.yaml"
    _assert_reported(_problems(spec), spec, Expectation(1, 1, "", "cannot read"))


def test_a_folder_is_refused(tmp_path):
    expected = Expectation(1, 1, "", "expected a regular file, got a folder")
    _assert_reported(_problems(tmp_path), tmp_path, expected)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    expected = Expectation(1, 1, "", "expected a regular file, got a pipe")
    _assert_reported(_problems(fifo), fifo, expected)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_device_is_refused():
    device = Path("/dev/zero")
    expected = Expectation(1, 1, "", "expected a regular file, got a device")
    _assert_reported(_problems(device), device, expected)


def test_an_oversize_file_is_refused_before_it_is_parsed(tmp_path, capsys):
    spec = tmp_path / "huge.yaml"
    spec.write_bytes(b"# " + b"x" * MAX_SPEC_BYTES + b"\n")
    _assert_reported(_problems(spec), spec, Expectation(1, 1, "", "too large"))
    assert main(["check", str(spec)]) == 1
    assert "Traceback" not in capsys.readouterr().err


# -- several mistakes, one run -------------------------------------------------------------
MANY_MISTAKES = """\
spec_version: 1
name: My Service
inputs:
  fields:
    rooms: {type: integer, min: 60, max: 50}
    area_m2: {type: float, min: 0, max: 5000}
    city: {type: category, values: [north, north]}
features:
  rooms_per_area: {expr: rooms / area_m2}
  log_area: {expr: log(area_m2)}
model:
  task: regression
  target: {name: price, type: float}
  metric: roc_auc
  algoritm: ridge
"""


def test_every_mistake_is_reported_in_one_run(tmp_path, capsys):
    spec = tmp_path / "many.yaml"
    spec.write_text(MANY_MISTAKES, encoding="utf-8")
    problems = _problems(spec)
    where = [(p.line, p.column, p.path) for p in problems]
    assert where == [
        (2, 7, "name"),
        (5, 33, "inputs.fields.rooms.min"),
        (7, 44, "inputs.fields.city.values[1]"),
        (9, 34, "features.rooms_per_area.expr"),
        (10, 24, "features.log_area.expr"),
        (14, 11, "model.metric"),
        (15, 3, "model.algoritm"),
    ], "\n".join(map(str, problems))
    assert main(["check", str(spec)]) == 1
    assert "7 problems found" in capsys.readouterr().err


# -- the reference specs ---------------------------------------------------------------
@pytest.mark.parametrize("spec", [CHURN, MINIMAL], ids=["churn", "minimal"])
def test_reference_specs_pass(spec: Path, capsys):
    checked = modelplate.check(spec)
    loaded = modelplate.load_spec(spec)
    assert checked.spec.name == loaded.name
    assert main(["check", str(spec)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{spec}: ok: {loaded.name}")
    assert err == ""


def test_guarded_division_by_an_integer_passes(tmp_path):
    """An integer in [0, 600] is 0 or at least 1: guarded, the quotient is bounded."""
    spec = tmp_path / "ok.yaml"
    spec.write_text(
        MINIMAL.read_text(encoding="utf-8").replace(
            "    city:",
            "    viewings: {type: integer, min: 0, max: 600}\n"
            "    budget: {type: float, min: 0, max: 1000000}\n"
            "    city:",
        )
        + textwrap.dedent(
            """\
            features:
              budget_per_viewing:
                expr: budget / viewings
                on_divide_by_zero: 0
                range: [0, 1000000]
            """
        ),
        encoding="utf-8",
    )
    checked = modelplate.check(spec)
    interval = checked.features["budget_per_viewing"].typed.interval
    assert (interval.low, interval.high) == (0, 1_000_000)


# -- known crashes: only SpecError (or success) may come out of `check` -------------------
def _only_spec_error(path: Path) -> None:
    try:
        modelplate.check(str(path))
    except modelplate.SpecError:
        pass


def test_no_crash_on_overflowing_power(tmp_path):
    spec = tmp_path / "power.yaml"
    spec.write_text(
        MINIMAL.read_text(encoding="utf-8")
        + "features:\n  huge: {expr: (((area_m2 ** 4) ** 4) ** 4) ** 4}\n",
        encoding="utf-8",
    )
    _only_spec_error(spec)


def test_no_crash_on_a_huge_integer_bound(tmp_path):
    spec = tmp_path / "huge.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace("max: 50}", f"max: {10**400}}}")
    spec.write_text(text, encoding="utf-8")
    _only_spec_error(spec)


def test_no_crash_on_mixed_timezone_bounds(tmp_path):
    spec = tmp_path / "tz.yaml"
    spec.write_text(
        MINIMAL.read_text(encoding="utf-8").replace(
            "    city:",
            "    seen_at:\n"
            "      type: datetime\n"
            "      min: 2020-01-01T00:00:00Z\n"
            "      max: 2021-01-01T00:00:00\n"
            "    city:",
        ),
        encoding="utf-8",
    )
    _only_spec_error(spec)


def test_no_crash_on_deeply_nested_yaml(tmp_path):
    spec = tmp_path / "deep.yaml"
    depth = 600
    spec.write_text("".join("  " * i + "a:\n" for i in range(depth)), encoding="utf-8")
    assert sys.getrecursionlimit() < 2 * depth  # the default limit: the crash is real
    _only_spec_error(spec)


def test_deeply_nested_flow_yaml_is_a_syntax_error(tmp_path):
    spec = tmp_path / "deep_flow.yaml"
    spec.write_text("a: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    _assert_reported(
        _problems(spec), spec, Expectation(1, 1003, "", "maximum nesting depth")
    )


# -- messages that show internals ------------------------------------------------------
@pytest.mark.parametrize(
    "edit",
    [
        ("owner:", "? {a: 1}\n: x\nowner:"),
        (
            "{type: float, min: 5, max: 5000}",
            "{type: float, nullable: true, impute: constant, fill_value: {a: 1}}",
        ),
    ],
    ids=["mapping-key", "mapping-fill-value"],
)
def test_messages_do_not_show_internal_nodes(tmp_path, edit):
    spec = tmp_path / "node.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace("model:", "owner: me\nmodel:")
    spec.write_text(text.replace(*edit), encoding="utf-8")
    problems = _problems(spec)
    assert problems
    assert not any("Node(" in p.message for p in problems), problems
