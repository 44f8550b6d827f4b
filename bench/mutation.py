"""How many bugs the generated tests catch: a mutation score of the owner's modules.

`python -m bench mutation [--all] [--per-spec N]` renders each spec below, then makes
one small change at a time (a mutant) in the generated owner's modules that hold what
the spec decides (`contracts.py`, `features.py`, `decisions.py`) and runs the
generated suite against it. A mutant the suite fails on is killed; one it passes
survives, and is printed with its place so that it can be explained (no test could
tell it apart: an equivalent mutant) or fixed. The mutants are the bugs lesson 1
names: a flipped or loosened comparison, a changed constant, a swapped operator,
`and` for `or`, a `raise` dropped.

The changes are made in the source text at the places the syntax tree gives, so the
file keeps its formatting. With `--per-spec N` a seeded sample of N mutants per spec
runs (the default, 30, takes some minutes per spec); `--all` runs every one.
"""

from __future__ import annotations

import ast
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = (
    ROOT / "examples" / "churn.yaml",
    ROOT / "examples" / "minimal.yaml",
    ROOT / "bench" / "nested.yaml",
)
MODULES = ("contracts.py", "features.py", "decisions.py")
GOAL = 0.90
_SWAPS = {
    ast.Lt: ("<", "<="),
    ast.LtE: ("<=", "<"),
    ast.Gt: (">", ">="),
    ast.GtE: (">=", ">"),
    ast.Eq: ("==", "!="),
    ast.NotEq: ("!=", "=="),
    ast.Add: ("+", "-"),
    ast.Sub: ("-", "+"),
    ast.Mult: ("*", "/"),
    ast.Div: ("/", "*"),
    ast.And: ("and", "or"),
    ast.Or: ("or", "and"),
    ast.BitAnd: ("&", "|"),
    ast.BitOr: ("|", "&"),
}


# Mutants no test can tell apart, by construction: the example record the OpenAPI
# document shows (any record the contract accepts documents the API equally well).
EQUIVALENT_IN = ("EXAMPLE_RECORD",)


@dataclass(frozen=True)
class Mutant:
    module: str
    line: int
    start: int  # offsets into the file's text
    end: int
    before: str
    after: str
    equivalent: bool = False

    def apply(self, text: str) -> str:
        assert text[self.start : self.end] == self.before
        return text[: self.start] + self.after + text[self.end :]

    def __str__(self) -> str:
        shown = self.before.strip().splitlines()[0][:60]
        return f"{self.module}:{self.line}: {shown!r} -> {self.after.strip()[:60]!r}"


def _offsets(text: str) -> list[int]:
    starts, total = [0], 0
    for line in text.splitlines(keepends=True):
        total += len(line.encode("utf-8"))
        starts.append(total)
    return starts


def mutants(module: str, text: str) -> list[Mutant]:
    """Every mutant of one module's source text."""
    tree = ast.parse(text)
    data = text.encode("utf-8")
    lines = _offsets(text)

    def at(line: int, col: int) -> int:  # ast columns are UTF-8 byte offsets
        return len(data[: lines[line - 1] + col].decode("utf-8"))

    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    documented = [
        (node.lineno, node.end_lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and any(
            getattr(target, "id", None) in EQUIVALENT_IN
            for target in (
                node.targets if isinstance(node, ast.Assign) else [node.target]
            )
        )
    ]
    found: list[Mutant] = []

    def operator(node: ast.AST, left: ast.AST, right: ast.AST, op: ast.AST) -> None:
        swap = _SWAPS.get(type(op))
        if swap is None:
            return
        start, end = at(left.end_lineno, left.end_col_offset), at(
            right.lineno, right.col_offset
        )
        between = text[start:end]
        index = between.find(swap[0])
        if index < 0:
            return
        begin = start + index
        found.append(
            Mutant(module, node.lineno, begin, begin + len(swap[0]), swap[0], swap[1])
        )

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for left, right, op in zip(
                [node.left, *node.comparators[:-1]],
                node.comparators,
                node.ops,
                strict=True,
            ):
                operator(node, left, right, op)
        elif isinstance(node, ast.BinOp):
            operator(node, node.left, node.right, node.op)
        elif isinstance(node, ast.BoolOp):
            for left, right in zip(node.values, node.values[1:], strict=False):
                operator(node, left, right, node.op)
        elif isinstance(node, ast.Constant) and id(node) not in docstrings:
            value = node.value
            if isinstance(value, bool):
                after = "False" if value else "True"
            elif isinstance(value, int):
                after = repr(value + 1)
            elif isinstance(value, float):
                after = repr(1.0 if value == 0 else round(value * 1.1, 12))
            else:
                continue
            start = at(node.lineno, node.col_offset)
            end = at(node.end_lineno, node.end_col_offset)
            equivalent = any(a <= node.lineno <= b for a, b in documented)
            found.append(
                Mutant(
                    module, node.lineno, start, end, text[start:end], after, equivalent
                )
            )
        elif isinstance(node, ast.Raise):
            start = at(node.lineno, node.col_offset)
            end = at(node.end_lineno, node.end_col_offset)
            found.append(
                Mutant(module, node.lineno, start, end, text[start:end], "pass")
            )
    return sorted(found, key=lambda m: m.start)


def _suite(project: Path, first: str) -> list[str]:
    """The generated suite, the module's own tests first (a kill is found sooner)."""
    tests = sorted(p.name for p in (project / "tests").glob("test_*.py"))
    mirror = f"test_{first}"
    ordered = [mirror] if mirror in tests else []
    return ordered + [t for t in tests if t != mirror]


def _passes(project: Path, first: str) -> bool:
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
            + [f"tests/{name}" for name in _suite(project, first)],
            cwd=project,
            env=env,
            capture_output=True,
            timeout=900,
        )
    except subprocess.TimeoutExpired:
        return False  # a mutant that hangs the suite is caught too
    return done.returncode == 0


def _render(spec: Path, scratch: Path) -> Path:
    out = scratch / spec.stem
    subprocess.run(
        [
            sys.executable,
            "-m",
            "modelplate",
            "new",
            str(spec),
            "--output",
            str(out),
            "--no-git",
        ],
        check=True,
        capture_output=True,
    )
    return out


def run(report, argv: list[str] | None = None) -> None:
    argv = argv if argv is not None else sys.argv[1:]
    every = "--all" in argv
    per_spec = int(argv[argv.index("--per-spec") + 1]) if "--per-spec" in argv else 30
    rng = random.Random(18)
    killed_total = run_total = 0
    with tempfile.TemporaryDirectory(prefix="modelplate-mutation-") as scratch:
        for spec in SPECS:
            project = _render(spec, Path(scratch))
            package = next(p for p in (project / "src").iterdir() if p.is_dir())
            assert _passes(
                project, "features.py"
            ), f"{spec.name}: the suite fails as made"
            pool = []
            for module in MODULES:
                path = package / module
                if path.exists():
                    pool += mutants(module, path.read_text(encoding="utf-8"))
            chosen = (
                pool
                if every
                else sorted(
                    rng.sample(pool, min(per_spec, len(pool))), key=lambda m: m.start
                )
            )
            killed, survivors, started = 0, [], time.perf_counter()
            equivalent = [m for m in chosen if m.equivalent]
            chosen = [m for m in chosen if not m.equivalent]
            for mutant in chosen:
                path = package / mutant.module
                original = path.read_text(encoding="utf-8")
                try:
                    path.write_text(mutant.apply(original), encoding="utf-8")
                    alive = _passes(project, mutant.module)
                finally:
                    path.write_text(original, encoding="utf-8")
                killed += not alive
                if alive:
                    survivors.append(mutant)
            elapsed = time.perf_counter() - started
            report(
                f"mutation score, {spec.name} ({len(chosen)} of {len(pool)} mutants; "
                f"{len(equivalent)} equivalent left out)",
                killed / len(chosen),
                "killed",
                goal=GOAL,
                lower_is_better=False,
            )
            for mutant in equivalent:
                print(f"   equivalent: {mutant}", flush=True)
            print(f"   {elapsed:.0f} s; survivors:", flush=True)
            for mutant in survivors:
                print(f"     {mutant}", flush=True)
            killed_total += killed
            run_total += len(chosen)
            shutil.rmtree(project, ignore_errors=True)
    report(
        "mutation score, all specs",
        killed_total / run_total,
        "killed",
        goal=GOAL,
        lower_is_better=False,
    )
