"""Drift on 20 columns x 100k rows against a 100k reference, with the runtime's code.

The runtime's `statistics.py` and `drift.py` are the files every generated package
vendors byte for byte (`<package>.runtime`); they use only numpy and pandas. Baseline,
in the same run: the usual hand-written check, `scipy.stats.ks_2samp` per numeric column
and a pandas PSI (`pd.cut` on reference quantiles + `value_counts`) per column. The libraries measured in
design.md (evidently 5.5-6.7 s, nannyml) are not installed.
"""

from __future__ import annotations

import importlib
import time
import types

import numpy as np
import pandas as pd
from scipy import stats

ROWS, NUMERIC, CATEGORICAL = 100_000, 15, 5
SHIFTED = ("x0", "x7", "c2")  # the columns the current data moves


def frames(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reference, current): the same distributions except for ``SHIFTED``."""
    rng = np.random.default_rng(seed)

    def draw(shift: bool) -> pd.DataFrame:
        columns = {}
        for i in range(NUMERIC):
            moved = shift and f"x{i}" in SHIFTED
            columns[f"x{i}"] = rng.normal(0.6 if moved else 0.0, 1.0, ROWS)
        for i in range(CATEGORICAL):
            moved = shift and f"c{i}" in SHIFTED
            weights = [0.25, 0.3, 0.45] if moved else [0.5, 0.3, 0.2]
            columns[f"c{i}"] = rng.choice(["a", "b", "c"], ROWS, p=weights).astype(
                object
            )
        return pd.DataFrame(columns)

    return draw(False), draw(True)


def load_generated() -> types.SimpleNamespace:
    """The runtime's `statistics` and `drift` modules: the bytes every generated
    package vendors as `<package>.runtime`."""
    return types.SimpleNamespace(
        statistics=importlib.import_module("modelplate.runtime.statistics"),
        drift=importlib.import_module("modelplate.runtime.drift"),
    )


# The reference spec's drift settings (monitoring.drift defaults).
DRIFT = {"method": "psi", "warn": 0.1, "alert": 0.25}
BINS = 10


def generated_drift(code, reference_stats: dict, current: pd.DataFrame) -> dict:
    return {
        name: code.drift.column_drift("inputs", name, histogram, current[name], **DRIFT)
        for name, histogram in reference_stats.items()
    }


def baseline_drift(reference: pd.DataFrame, current: pd.DataFrame) -> dict:
    """PSI with pandas and KS with scipy, column by column, the way it is often written."""
    results = {}
    for name in reference.columns:
        if pd.api.types.is_numeric_dtype(reference[name]):
            edges = np.unique(
                reference[name].quantile(np.linspace(0, 1, 11)).to_numpy()
            )
            edges[0], edges[-1] = -np.inf, np.inf
            expected = pd.cut(reference[name], edges).value_counts(
                normalize=True, sort=False
            )
            actual = pd.cut(current[name], edges).value_counts(
                normalize=True, sort=False
            )
            ks = stats.ks_2samp(reference[name], current[name]).statistic
        else:
            expected = reference[name].value_counts(normalize=True)
            actual = current[name].value_counts(normalize=True).reindex(expected.index)
            ks = None
        e, a = expected.clip(lower=1e-4), actual.fillna(0).clip(lower=1e-4)
        results[name] = (float(((a - e) * np.log(a / e)).sum()), ks)
    return results


def _best_of(run, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def run(report) -> None:
    code = load_generated()
    reference, current = frames()
    describe_s, reference_stats = _best_of(
        lambda: {n: code.statistics.histogram(reference[n], BINS) for n in reference}
    )
    drift_s, ours = _best_of(lambda: generated_drift(code, reference_stats, current))
    baseline_s, theirs = _best_of(lambda: baseline_drift(reference, current))
    report(
        "drift: 20 cols x 100k vs 100k reference (best of 3)",
        drift_s,
        "s",
        goal=1.0,
        baseline=baseline_s,
        baseline_name="scipy ks_2samp + pandas PSI",
    )
    report(
        "drift: reference histograms, 20 cols x 100k (train)",
        describe_s,
        "s",
        goal=1.0,
    )
    flagged = sorted(name for name, c in ours.items() if c.status == "alert")
    expected = sorted(SHIFTED)
    report(
        f"drift: columns alerting ({','.join(flagged)}; shifted {','.join(expected)})",
        float(flagged == expected),
        "ok",
        goal=1.0,
        lower_is_better=False,
    )
    gap = max(
        abs(ours[name].ks - theirs[name][1])
        for name in ours
        if ours[name].ks is not None
    )
    report(
        "drift: |KS generated - scipy ks_2samp|, worst column",
        gap,
        "",
        goal=0.011,
    )
