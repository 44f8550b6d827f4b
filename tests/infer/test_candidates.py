"""The candidate algorithms an inferred spec proposes fit the task and the data's size."""

from __future__ import annotations

import pytest

from modelplate import schema
from modelplate.infer.candidates import SMALL_DATA_ROWS, candidates, describe


@pytest.mark.parametrize("task", schema.TASKS)
@pytest.mark.parametrize("rows", [60, SMALL_DATA_ROWS - 1, SMALL_DATA_ROWS, None])
def test_every_candidate_fits_the_task(task, rows):
    proposed = candidates(task, rows)
    assert len(proposed) == len(set(proposed)) == 3
    assert set(proposed) <= set(schema.ALGORITHMS[task])


def test_small_data_gets_a_forest_and_larger_data_lightgbm():
    small = candidates("regression", SMALL_DATA_ROWS - 1)
    assert small == ["linear_regression", "random_forest", "hist_gradient_boosting"]
    large = candidates("binary_classification", SMALL_DATA_ROWS)
    assert large == ["logistic_regression", "hist_gradient_boosting", "lightgbm"]
    # A file read only in part has more rows than the sample: larger data.
    assert candidates("regression", None)[-1] == "lightgbm"


def test_no_proposal_needs_xgboost_and_its_700_mb():
    assert all(
        "xgboost" not in candidates(task, rows)
        for task in schema.TASKS
        for rows in (10, None)
    )


def test_the_reason_names_the_size():
    assert describe(442).startswith("442 rows: small data")
    assert "[lightgbm] extra" in describe(None)
