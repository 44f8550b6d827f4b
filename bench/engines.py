"""Scoring 1M rows with each engine of `score`: local, Dask and Spark, as a user waits.

Generates and trains the churn project, draws 1M rows from its sample (with
replacement), and times `churn-predictor score` as whole processes (interpreter start,
imports, a Dask cluster's or a JVM's start, reading, scoring, writing), the engines
taking turns in blocks whose order rotates, after one untimed run each. Each engine is
reported beside the local engine's median from the same run:

- on a Parquet file (the one input all three read): local, `--engine dask` (a cluster
  started on this machine), `--engine spark` (`local[2]`);
- on the same rows as a CSV file: local and `--engine spark` (Dask reads Parquet only).

Options: --blocks N (default 2), --rows N (default 1000000).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from .processes import Command
from .service import PACKAGE, _env, trained_churn

ENGINES = {
    "parquet": ("local", "dask", "spark"),
    "csv": ("local", "spark"),
}


def _option(name: str, default: int) -> int:
    argv = sys.argv[1:]
    return int(argv[argv.index(name) + 1]) if name in argv else default


def _command(project: Path, artifact: Path, source: Path, engine: str) -> Command:
    output = source.with_name(f"{source.stem}-{engine}.parquet")
    rejects = output.with_name(output.stem + ".rejects.parquet")
    argv = [sys.executable, "-m", PACKAGE, "score", str(source), str(output)]
    argv += ["--rejects", str(rejects), "--artifact", str(artifact)]
    argv += ["--as-of", "2026-01-01", "--engine", engine]
    return Command(prepare=lambda: argv, env=lambda: _env(project))


def _rows(project: Path, scratch: Path, count: int) -> dict[str, Path]:
    """``count`` rows drawn from the sample, as a Parquet file (row groups small
    enough for every engine to split it) and as a CSV file."""
    sample = pd.read_csv(project / "data" / "sample.csv")
    rows = sample.sample(count, replace=True, random_state=0).reset_index(drop=True)
    paths = {"parquet": scratch / "rows.parquet", "csv": scratch / "rows.csv"}
    rows.to_parquet(paths["parquet"], index=False, row_group_size=100_000)
    rows.to_csv(paths["csv"], index=False)
    return paths


def _time(commands: dict[str, Command], blocks: int) -> None:
    """One untimed run each, then ``blocks`` blocks, each engine once per block, the
    order rotating so that no engine always follows the same one."""
    for command in commands.values():
        command.run()
        command.times.clear()
        command.cpu.clear()
    names = list(commands)
    for block in range(blocks):
        shift = block % len(names)
        for name in names[shift:] + names[:shift]:
            commands[name].run()


def run(report) -> None:
    blocks, count = _option("--blocks", 2), _option("--rows", 1_000_000)
    scratch = Path(tempfile.mkdtemp(prefix="modelplate-bench-engines-"))
    try:
        project, artifact = trained_churn(scratch)
        sources = _rows(project, scratch, count)
        for kind, engines in ENGINES.items():
            source = sources[kind]
            commands = {e: _command(project, artifact, source, e) for e in engines}
            _time(commands, blocks)
            local = commands["local"]
            for engine, command in commands.items():
                report(
                    f"score {count:,} rows ({kind}), --engine {engine}",
                    command.median(),
                    "s",
                    baseline=local.median(),
                    baseline_name="--engine local, same run",
                    spread=command.spread(),
                    baseline_spread=local.spread(),
                )
                # The JVM (and Spark's Python workers under it) is never waited
                # for, so its CPU time is not counted: the driver's only.
                driver = " (the driver only)" if engine == "spark" else ""
                report(
                    f"  CPU seconds, --engine {engine}{driver}",
                    command.median(cpu=True),
                    "s",
                    spread=command.spread(cpu=True),
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
