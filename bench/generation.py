"""How long `modelplate new` and `modelplate update` take, next to copier doing the same.

Baseline, measured in the same run: copier's `run_copy` of the same template with the same
data and no formatting, so the figures show what modelplate's own work (checking the spec,
compiling it, synthesizing the sample data and test cases, verifying and moving the
result, git) adds. For update, copier's own `copier update` cannot run on a template inside
an installed package (it needs the template's git history), so the baseline is the figure
measured for it in design.md, marked as such.
"""

from __future__ import annotations

import itertools
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
NEW_FIELD = "    region: {type: category, values: [eu, us, apac], producer: crm}\n"
_names = itertools.count()


def with_new_field(text: str) -> str:
    """The spec with one more input field, first in its list."""
    return text.replace("  fields:\n", "  fields:\n" + NEW_FIELD, 1)


def _median(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_new(spec: Path, scratch: Path, repeat: int) -> float:
    return _median(
        lambda: modelplate.generate(spec, scratch / f"new-{next(_names)}"), repeat
    )


def time_copier(spec: Path, scratch: Path, repeat: int) -> float:
    context, data = api._render_inputs(modelplate.check(spec))

    def run() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier.run_copy(
                str(template_dir()),
                str(scratch / f"copier-{next(_names)}"),
                data={"ctx": context, **data},
                defaults=True,
                quiet=True,
            )

    return _median(run, repeat)


def time_update(spec: Path, scratch: Path, repeat: int) -> float:
    """Median time of an update that adds one field to a freshly generated project."""
    changed = scratch / f"{spec.stem}-plus-one.yaml"
    changed.write_text(with_new_field(spec.read_text()))
    times = []
    for _ in range(repeat):
        project = scratch / f"update-{next(_names)}"
        modelplate.generate(spec, project)
        start = time.perf_counter()
        modelplate.update(project, changed)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(report) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="modelplate-bench-"))
    copier_name = "copier run_copy, same template and data"
    try:
        report(
            "new: reference spec (median of 5)",
            time_new(CHURN, scratch, 5),
            "s",
            goal=1.0,
            baseline=time_copier(CHURN, scratch, 5),
            baseline_name=copier_name,
        )
        report(
            "update: reference spec + 1 field (median of 5)",
            time_update(CHURN, scratch, 5),
            "s",
            goal=1.5,
            baseline=2.4,
            baseline_name="copier update, design.md: 2.4-7.6 s",
        )
        for inputs, features in ((8, 2), (80, 20), (400, 100)):
            columns = inputs + features
            spec = scratch / f"wide-{columns}.yaml"
            spec.write_text(wide_spec(inputs, features, name=f"wide-{columns}"))
            report(
                f"new: {columns} columns (median of 3)",
                time_new(spec, scratch, 3),
                "s",
                goal=3.0 if columns == 500 else None,
                baseline=time_copier(spec, scratch, 3),
                baseline_name=copier_name,
            )
            report(
                f"update: {columns} columns + 1 field (median of 3)",
                time_update(spec, scratch, 3),
                "s",
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
