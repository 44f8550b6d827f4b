"""How long `modelplate new` and `modelplate update` take, next to copier doing the same.

Baseline, measured in the same run: copier's `run_copy` of the same template with the same
data and no formatting, so the figures show what modelplate's own work (checking the spec,
compiling it, synthesizing the sample data, verifying and moving the result, git) adds.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import copier

import modelplate
from modelplate import api
from modelplate.render import template_dir

from .specs import wide_spec

ROOT = Path(__file__).resolve().parent.parent
CHURN = ROOT / "examples" / "churn.yaml"
NEW_FIELD = "    region:\n      type: category\n      values: [eu, us, apac]\n      producer: crm\n"


def _median(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_new(spec: Path, scratch: Path, repeat: int = 5) -> float:
    counter = iter(range(10_000))
    return _median(
        lambda: modelplate.generate(spec, scratch / f"new-{next(counter)}"), repeat
    )


def time_copier(spec: Path, scratch: Path, repeat: int = 5) -> float:
    context, data = api._render_inputs(modelplate.check(spec))
    counter = iter(range(10_000))

    def run() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier.run_copy(
                str(template_dir()),
                str(scratch / f"copier-{next(counter)}"),
                data={"ctx": context, **data},
                defaults=True,
                quiet=True,
            )

    return _median(run, repeat)


def time_update(spec: Path, scratch: Path, repeat: int = 5) -> float:
    """Median time of an update that adds one field to a freshly generated project."""
    changed = scratch / f"{spec.stem}-plus-one.yaml"
    changed.write_text(
        spec.read_text().replace("    signup_date:\n", NEW_FIELD + "    signup_date:\n")
    )
    times = []
    for index in range(repeat):
        project = scratch / f"update-{spec.stem}-{index}"
        modelplate.generate(spec, project)
        start = time.perf_counter()
        modelplate.update(project, changed)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(report) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="modelplate-bench-"))
    try:
        churn_new = time_new(CHURN, scratch)
        churn_copier = time_copier(CHURN, scratch)
        report(
            "new: reference spec (median of 5)",
            churn_new,
            "s",
            goal=1.0,
            baseline=churn_copier,
            baseline_name="copier run_copy",
        )
        for inputs, features in ((8, 2), (80, 20), (400, 100)):
            spec = scratch / f"wide-{inputs + features}.yaml"
            spec.write_text(
                wide_spec(inputs, features, name=f"wide-{inputs + features}")
            )
            seconds = time_new(spec, scratch, repeat=3 if inputs < 400 else 3)
            baseline = time_copier(spec, scratch, repeat=3)
            goal = 3.0 if inputs == 400 else None
            report(
                f"new: {inputs + features} columns (median of 3)",
                seconds,
                "s",
                goal=goal,
                baseline=baseline,
                baseline_name="copier run_copy",
            )
        report(
            "update: reference spec + 1 field (median of 5)",
            time_update(CHURN, scratch),
            "s",
            goal=1.5,
            baseline=2.4,
            baseline_name="copier update (design.md, 2.4-7.6 s)",
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
