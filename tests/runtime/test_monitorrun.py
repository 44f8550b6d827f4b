"""`monitor` over time: the batch's drift per window, its violations and
decisions, and the estimated metric beside the realized one per window."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from orders import MODEL, program, write_sample

from modelplate.runtime import cli
from modelplate.runtime import definition as d


@pytest.fixture
def trained(tmp_path, capsys):
    sample = write_sample(tmp_path)
    assert cli.main(program(tmp_path), ["train"]) == 0
    capsys.readouterr()
    return pd.read_csv(sample)


def write_days(tmp_path, sample: pd.DataFrame) -> pd.DataFrame:
    """Three days of orders: like training, then larger, then much larger; and
    two rows the contract rejects."""
    days = []
    for day, shift in enumerate((0, 30, 60)):
        rows = sample.drop(columns="late").assign(
            items=np.minimum(sample["items"] + shift, 100),
            timestamp=f"2024-05-0{day + 1}T12:00:00",
            order_id=[f"D{day}-{n}" for n in range(len(sample))],
        )
        days.append(rows)
    bad = pd.DataFrame(
        {"order_id": ["X1", "X2"], "items": [0, 500], "timestamp": "2024-05-03T13:00"}
    )
    batch = pd.concat([*days, bad], ignore_index=True)
    batch.to_csv(tmp_path / "current.csv", index=False)
    return batch


def _report(tmp_path) -> dict:
    return json.loads((tmp_path / "reports" / "monitoring.json").read_text())


def test_the_batch_is_judged_per_day_and_its_rows_tallied(tmp_path, trained, capsys):
    write_days(tmp_path, trained)
    argv = ["monitor", "--current", str(tmp_path / "current.csv")]
    assert cli.main(program(tmp_path), argv) == 2
    report = _report(tmp_path)
    windows = report["drift_over_time"]
    assert [w["window"] for w in windows] == [
        "2024-05-01T00:00:00",
        "2024-05-02T00:00:00",
        "2024-05-03T00:00:00",
    ]
    assert [w["rows"] for w in windows] == [200, 200, 202]
    assert windows[0]["drift"]["status"] == "ok"
    assert windows[2]["drift"]["status"] == "alert"
    assert windows[2]["drift"]["rejected"] == 2
    assert report["outcome"]["violations"] == {"items": {"min": 1, "max": 1}}
    assert report["outcome"]["decisions"] == {}  # the orders have no rules
    page = (tmp_path / "reports" / "monitoring.html").read_text()
    assert "Drift over time (3 windows)" in page
    assert "alert" in capsys.readouterr().out


def test_without_a_time_column_windows_are_chunks_of_the_drift_window(
    tmp_path, trained
):
    batch = write_days(tmp_path, trained).drop(columns="timestamp")
    batch.to_csv(tmp_path / "current.csv", index=False)
    orders = program(tmp_path)
    monitoring = d.Monitoring(
        d.Drift(bins=5, window=250), d.Performance(metric="roc_auc")
    )
    argv = ["monitor", "--current", str(tmp_path / "current.csv")]
    assert cli.main(replace(orders, monitoring=monitoring), argv) == 2
    windows = _report(tmp_path)["drift_over_time"]
    assert [w["window"] for w in windows] == [
        "rows 1-250",
        "rows 251-500",
        "rows 501-602",
    ]


def test_rules_decisions_are_counted_by_action(tmp_path, trained):
    write_days(tmp_path, trained)
    decisions = d.Decisions(
        output="action",
        rules=(
            d.Rule(when=lambda inputs, f, out: out["score"] > 0.5, then="expedite"),
        ),
        default="wait",
    )
    orders = program(tmp_path)
    orders = replace(orders, scorer=replace(orders.scorer, decisions=decisions))
    argv = ["monitor", "--current", str(tmp_path / "current.csv")]
    assert cli.main(orders, argv) == 2
    decided = _report(tmp_path)["outcome"]["decisions"]
    assert set(decided) == {"expedite", "wait"} and sum(decided.values()) == 600


def test_windows_without_labels_are_estimated_beside_the_realized_ones(
    tmp_path, trained, capsys
):
    batch = write_days(tmp_path, trained).iloc[:600]
    argv = ["score", str(tmp_path / "current.csv"), str(tmp_path / "scored.csv")]
    batch.drop(columns="timestamp").to_csv(tmp_path / "current.csv", index=False)
    assert cli.main(program(tmp_path), argv) == 0
    scored = pd.read_csv(tmp_path / "scored.csv").assign(timestamp=batch["timestamp"])
    scored.to_csv(tmp_path / "scored.csv", index=False)
    # Labels only for the first day so far.
    labels = trained[["late"]].assign(order_id=[f"D0-{n}" for n in range(200)])
    labels.to_csv(tmp_path / "labels.csv", index=False)
    capsys.readouterr()
    argv = ["monitor", "--labels", str(tmp_path / "labels.csv")]
    argv += ["--predictions", str(tmp_path / "scored.csv")]
    assert cli.main(program(tmp_path), argv) in (0, 2)
    windows = _report(tmp_path)["performance"]["windows"]
    assert [(w["rows"], w["served"]) for w in windows] == [
        (200, 200),
        (0, 200),
        (0, 200),
    ]
    assert windows[0]["value"] is not None and windows[1]["value"] is None
    # The last day's calibrated chances are all certain: its roc_auc is undefined.
    assert [0.5 <= w["estimated"] <= 1 for w in windows[:2]] == [True, True]
    assert "estimated" in capsys.readouterr().out


def test_logged_features_become_the_matrix_or_nothing():
    """A log from another version of the service (a column missing, or not a
    number) leaves the estimate to the outputs alone, never an error."""
    from modelplate.runtime.monitorrun import logged_matrix

    columns = ["items", "amount"]
    good = [json.dumps({"items": 1, "amount": 2.5}), '{"amount": 3, "items": 4}']
    assert logged_matrix(pd.Series(good), columns).tolist() == [[1, 2.5], [4, 3]]
    for bad in (
        json.dumps({"items": 1}),
        json.dumps({"items": "x", "amount": 1}),
        json.dumps({"items": None, "amount": 1}),
        json.dumps({"items": True, "amount": 1}),  # a boolean is no number
        json.dumps({"items": 1, "amount": [1]}),
        '{"items": 1, "amount": NaN}',
        '{"items": 1, "amount": 1e999}',
        '{"items": 1, "amount": ' + "9" * 400 + "}",
        '{"items": 1, "amount": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "[1, 2]",
        "not json",
        None,
    ):
        assert logged_matrix(pd.Series([good[0], bad]), columns) is None, bad


def test_a_regressor_says_no_estimate_is_made(tmp_path):
    from modelplate.runtime.monitorrun import estimated_windows
    from modelplate.runtime.performance import PerformanceReport
    from modelplate.runtime.report import format_performance

    regressor = program(tmp_path, model=replace(MODEL, task="regression"))
    report = PerformanceReport("mae", "1d", None, 2.0, [], 0)
    served = pd.DataFrame({"prediction": [1.0], "timestamp": ["2024-05-01"]})
    said = estimated_windows(regressor, None, None, report, served, "timestamp")
    assert said.no_estimate.startswith("no estimate for a regressor")
    (window,) = said.windows
    assert (window.served, window.rows, window.estimated) == (1, 0, None)
    assert "estimated mae: none (no estimate for a regressor" in format_performance(
        said
    )


def test_a_metric_that_cannot_be_estimated_says_why(tmp_path, trained, capsys):
    batch = trained.drop(columns="late").assign(timestamp="2024-05-01T12:00:00")
    batch.drop(columns="timestamp").to_csv(tmp_path / "current.csv", index=False)
    argv = ["score", str(tmp_path / "current.csv"), str(tmp_path / "scored.csv")]
    assert cli.main(program(tmp_path), argv) == 0
    scored = pd.read_csv(tmp_path / "scored.csv").assign(timestamp=batch["timestamp"])
    scored.to_csv(tmp_path / "scored.csv", index=False)
    trained[["order_id", "late"]].to_csv(tmp_path / "labels.csv", index=False)
    orders = program(tmp_path)
    performance = d.Performance(metric="average_precision")
    orders = replace(
        orders, monitoring=replace(orders.monitoring, performance=performance)
    )
    capsys.readouterr()
    argv = ["monitor", "--labels", str(tmp_path / "labels.csv")]
    argv += ["--predictions", str(tmp_path / "scored.csv")]
    assert cli.main(orders, argv) in (0, 2)
    said = _report(tmp_path)["performance"]["no_estimate"]
    assert said == "average_precision cannot be estimated from calibrated probabilities"
    assert "average_precision cannot be estimated" in capsys.readouterr().out
