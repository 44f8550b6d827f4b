"""Performance estimated before labels against the realized metric, on a real service.

Generates and trains the churn project, draws fresh labelled rows from the same
synthetic distribution its sample came from (`modelplate.sample`, rows beyond the
sample's), and cuts them into covariate-shifted windows: rows sorted by
`tenure_months`, then windows of 2,000 consecutive rows, so each window holds another
range of customers. On each, with the generated package's own code: the realized
roc_auc and accuracy (labels known), the estimate from the calibration stored at
training (`runtime.estimation`), and, as the baseline in the same run, the estimate
from the raw scores taken as probabilities (no calibration). Goal (issue #17): the
estimate within 0.03 of the realized metric.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .service import PACKAGE, fresh_churn_rows, run_in, trained_churn

WINDOWS, ROWS = 8, 2000
SHIFT_BY = "tenure_months"

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
valid = valid.sort_values(sys.argv[3], kind="stable").reset_index(drop=True)
as_of = pd.Timestamp(artifact.metadata["as_of"])
calibrated = artifact.metadata["calibration"]
raw = {{"score": {{"x": [0.0, 1.0], "y": [0.0, 1.0]}}}}
errors = {{"calibrated": {{}}, "raw": {{}}}}
windows = int(sys.argv[4]); rows = len(valid) // windows
for n in range(windows):
    part = valid.iloc[n * rows:(n + 1) * rows]
    inputs, labels = split_target(part, MODEL)
    scored = SCORER.score_valid(inputs, artifact, as_of)
    realized = {{
        "roc_auc": metrics.roc_auc_score(labels, scored["score"]),
        "accuracy": metrics.accuracy_score(labels, scored["score"] > 0.5),
    }}
    for name, calibration in (("calibrated", calibrated), ("raw", raw)):
        for metric, value in realized.items():
            guess, _ = estimate(MODEL.task, metric, scored, calibration)
            errors[name].setdefault(metric, []).append(abs(guess - value))
print(json.dumps(errors))
"""


def run(report) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="modelplate-bench-estimation-"))
    try:
        project, artifact = trained_churn(scratch)
        fresh = fresh_churn_rows(scratch, WINDOWS * ROWS)
        script = JUDGE.format(package=PACKAGE)
        errors = run_in(
            project, script, str(artifact), str(fresh), SHIFT_BY, str(WINDOWS)
        )
        for metric in ("roc_auc", "accuracy"):
            report(
                f"largest |estimated - realized| {metric}, {WINDOWS} shifted windows",
                max(errors["calibrated"][metric]),
                "",
                goal=0.03,
                baseline=max(errors["raw"][metric]),
                baseline_name="raw scores as probabilities, same windows",
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
