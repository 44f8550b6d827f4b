"""Performance estimated before labels against the realized metric, on a real service.

Generates and trains the churn project, draws fresh labelled rows from the same
synthetic distribution its sample came from (`modelplate.sample`, rows beyond the
sample's), and cuts them into covariate-shifted windows: rows sorted by one input,
then windows of consecutive rows, so each window holds another range of customers;
once per input in SHIFTS and per window size in SIZES (2,000 rows, and 5,000 where
the realized metric's own noise is smaller). On each, with the generated package's own
code: the realized roc_auc and accuracy (labels known) and the estimate from the
calibrations stored at training (`runtime.estimation`): given the features, as
`monitor` makes it, and, as the baseline in the same run, given the score alone
(as where no features are at hand); and the raw scores taken as probabilities (no
calibration). Goal (issue #17): the estimate within 0.03 of the realized metric.
Beside it, the realized metric's own sampling noise in a window (bootstrap standard
deviation): no estimate can follow that noise, so it sets how close any estimate
can come.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .service import PACKAGE, fresh_churn_rows, run_in, trained_churn

WINDOWS, SIZES = 8, (2000, 5000)
# The inputs the windows are cut along: tenure first (the shift of the bench's
# first runs), then the other numeric inputs the model reads.
SHIFTS = ("tenure_months", "monthly_charges", "support_tickets_90d", "total_charges")
RESAMPLES = 200

JUDGE = """
import json, sys
import numpy as np
import pandas as pd
from sklearn import metrics
from {package}.contracts import CONTRACT
from {package}.model import MODEL
from {package}.pipeline import SCORER, load_artifact
from {package}.runtime.contract import validate_frame
from {package}.runtime.estimation import estimate
from {package}.runtime.io import read_frame
from {package}.runtime.training import split_target, training_fields

artifact = load_artifact(sys.argv[1])
frame = read_frame(sys.argv[2], CONTRACT, training_fields(CONTRACT, MODEL))
valid, _ = validate_frame(frame, CONTRACT, training_fields(CONTRACT, MODEL))
windows, size, resamples = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
valid = valid.iloc[: windows * size]
as_of = pd.Timestamp(artifact.metadata["as_of"])
alone = artifact.metadata["calibration"]
given = artifact.metadata["feature_calibration"]
raw = {{"score": {{"x": [0.0, 1.0], "y": [0.0, 1.0]}}}}
draw = np.random.default_rng(0)


def realized(labels, scores):
    return {{
        "roc_auc": metrics.roc_auc_score(labels, scores),
        "accuracy": metrics.accuracy_score(labels, scores > 0.5),
    }}


results = {{}}
for shift in sys.argv[6:]:
    ordered = valid.sort_values(shift, kind="stable").reset_index(drop=True)
    rows = len(ordered) // windows
    errors = {{"given": {{}}, "alone": {{}}, "raw": {{}}, "noise": {{}}}}
    for n in range(windows):
        inputs, labels = split_target(ordered.iloc[n * rows:(n + 1) * rows], MODEL)
        steps = SCORER.score_steps(inputs, artifact, as_of)
        scored, matrix = steps.scored, steps.matrix
        scores = scored["score"].to_numpy()
        truth = realized(labels, scores)
        again = [realized(labels[i], scores[i]) for i in (
            draw.integers(0, len(labels), len(labels)) for _ in range(resamples)
        )]
        for metric, value in truth.items():
            errors["noise"].setdefault(metric, []).append(
                float(np.std([one[metric] for one in again]))
            )
            for name, calibration, features in (
                ("given", alone, given), ("alone", alone, None), ("raw", raw, None)
            ):
                guess, _ = estimate(
                    MODEL.task, metric, scored, calibration, matrix, features
                )
                errors[name].setdefault(metric, []).append(abs(guess - value))
    results[shift] = errors
print(json.dumps(results))
"""


def run(report) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="modelplate-bench-estimation-"))
    try:
        project, artifact = trained_churn(scratch)
        fresh = fresh_churn_rows(scratch, WINDOWS * max(SIZES))
        script = JUDGE.format(package=PACKAGE)
        for size in SIZES:
            results = run_in(
                project,
                script,
                str(artifact),
                str(fresh),
                str(WINDOWS),
                str(size),
                str(RESAMPLES),
                *SHIFTS,
            )
            _report(report, size, results)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _report(report, size: int, results: dict) -> None:
    for shift, errors in results.items():
        for metric in ("roc_auc", "accuracy"):
            report(
                f"largest |estimated - realized| {metric}, {WINDOWS} windows of "
                f"{size} along {shift}",
                max(errors["given"][metric]),
                "",
                goal=0.03,
                baseline=max(errors["alone"][metric]),
                baseline_name="calibrated given the score alone, same windows",
            )
    for metric in ("roc_auc", "accuracy"):
        report(
            f"largest |raw score estimate - realized| {metric}, windows of {size}",
            max(max(errors["raw"][metric]) for errors in results.values()),
            "",
        )
        report(
            f"realized {metric}'s own sampling sd in a window of {size}, largest",
            max(max(errors["noise"][metric]) for errors in results.values()),
            "",
        )
