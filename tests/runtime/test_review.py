"""The commands over the prediction log: `score` logs, `monitor --labels` judges the
log, `compare` weighs the challenger; realized performance as a Prometheus file."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from orders import Settings, one_error_line, program, write_sample
from sklearn.metrics import roc_auc_score

from modelplate.runtime import cli
from modelplate.runtime.estimation import estimate
from modelplate.runtime.logrows import COLUMNS
from modelplate.runtime.monitorrun import logged_matrix
from modelplate.runtime.predictionlog import read_log
from modelplate.runtime.registry import FolderRegistry
from modelplate.runtime.review import PROM_FILE


class Logged(Settings):
    prediction_log: str = ""


def _program(tmp_path: Path, log: Path | str):
    settings = Logged(
        artifact=str(tmp_path / "model"),
        sample_data=tmp_path / "sample.csv",
        reports=tmp_path / "reports",
        prediction_log=str(log),
    )
    return replace(program(tmp_path), settings=lambda: settings, namespace="orders")


@pytest.fixture
def logged(tmp_path, capsys):
    """A trained model, and the sample scored by `score` into the log."""
    write_sample(tmp_path)
    orders = _program(tmp_path, tmp_path / "log")
    assert cli.main(orders, ["train"]) == 0
    sample = pd.read_csv(tmp_path / "sample.csv")
    sample.drop(columns="late").to_csv(tmp_path / "orders.csv", index=False)
    argv = ["score", str(tmp_path / "orders.csv"), str(tmp_path / "scored.csv")]
    assert cli.main(orders, argv) == 0
    capsys.readouterr()
    return orders, sample


def test_score_logs_every_scored_row_under_one_run(tmp_path, logged):
    orders, sample = logged
    log = read_log(tmp_path / "log")
    assert len(log) == len(sample) and log["request_id"].nunique() == 1
    assert log["request_id"][0].startswith("score-")
    assert set(log["role"]) == {"batch"}
    assert log["entity"].tolist() == sample["order_id"].tolist()
    scored = pd.read_csv(tmp_path / "scored.csv")
    assert log["output"].to_numpy() == pytest.approx(scored["score"].to_numpy())


def test_score_can_leave_the_log_alone(tmp_path, logged, capsys):
    orders, _ = logged
    assert (
        cli.main(
            orders,
            [
                "score",
                str(tmp_path / "orders.csv"),
                str(tmp_path / "again.csv"),
                "--no-log",
            ],
        )
        == 0
    )
    assert len(read_log(tmp_path / "log")) == 200


def test_an_unwritable_log_stops_score_before_any_work(tmp_path, logged, capsys):
    _, _ = logged
    (tmp_path / "file").write_text("")
    blocked = _program(tmp_path, tmp_path / "file" / "log")
    argv = ["score", str(tmp_path / "orders.csv"), str(tmp_path / "other.csv")]
    assert cli.main(blocked, argv) == 1
    assert "prediction log" in one_error_line(capsys)
    assert not (tmp_path / "other.csv").exists()


def test_monitor_judges_the_logged_predictions_against_late_labels(
    tmp_path, logged, capsys
):
    orders, sample = logged
    labels = sample[["order_id", "late"]].assign(
        timestamp=pd.Timestamp.now(tz="UTC").tz_convert(None) + pd.Timedelta(days=30)
    )
    labels.to_csv(tmp_path / "labels.csv", index=False)
    status = cli.main(orders, ["monitor", "--labels", str(tmp_path / "labels.csv")])
    assert status in (0, 2)
    out = capsys.readouterr().out
    log = read_log(tmp_path / "log")
    expected = roc_auc_score(sample["late"], log["output"])
    gauge = (tmp_path / "reports" / PROM_FILE).read_text()
    value = re.search(
        r'orders_realized_performance\{metric="roc_auc",window="[^"]+"\} (\S+)', gauge
    )
    assert value is not None, gauge
    assert float(value.group(1)) == pytest.approx(expected)
    assert "roc_auc" in out
    # The estimate beside it is calibrated given the logged features too.
    metadata = orders.load_artifact(str(tmp_path / "model")).metadata
    outputs = pd.DataFrame({"score": log["output"]})
    matrix = logged_matrix(log["features"], metadata["columns"])
    given, how = estimate(
        "binary_classification",
        "roc_auc",
        outputs,
        metadata["calibration"],
        matrix,
        metadata["feature_calibration"],
    )
    alone, _ = estimate(
        "binary_classification", "roc_auc", outputs, metadata["calibration"]
    )
    assert how.endswith("given the features") and abs(given - alone) > 1e-6
    report = json.loads((tmp_path / "reports" / "monitoring.json").read_text())
    estimated = [w["estimated"] for w in report["performance"]["windows"]]
    assert estimated == [pytest.approx(given)]


def test_monitor_without_a_log_is_one_line(tmp_path, logged, capsys):
    _, sample = logged
    sample[["order_id", "late"]].to_csv(tmp_path / "labels.csv", index=False)
    empty = _program(tmp_path, tmp_path / "nowhere")
    assert cli.main(empty, ["monitor", "--labels", str(tmp_path / "labels.csv")]) == 1
    assert "prediction log" in one_error_line(capsys)


def test_compare_reports_the_challenger_on_the_logged_traffic(tmp_path, logged, capsys):
    orders, sample = logged
    log = read_log(tmp_path / "log")
    # The same requests, answered again by a challenger that is always half sure.
    challenger = log.assign(
        role="challenger",
        model_version="v2",
        output=0.5,
        result='{"order_id": "x", "score": 0.5}',
    )
    champion = log.assign(role="champion")
    folder = tmp_path / "shadow"
    folder.mkdir()
    table = pa.Table.from_pandas(
        pd.concat([champion, challenger], ignore_index=True),
        schema=COLUMNS,
        preserve_index=False,
    )
    pq.write_table(table, folder / "predictions-20240101T000000-1-000001.parquet")
    sample[["order_id", "late"]].to_csv(tmp_path / "labels.csv", index=False)
    argv = ["compare", "--log", str(folder), "--labels", str(tmp_path / "labels.csv")]
    assert cli.main(orders, argv) == 0
    out = capsys.readouterr().out
    assert "200 records, 200 compared" in out
    assert "roc_auc on 200 labelled records" in out
    assert "challenger 0.5000" in out and "better: champion" in out
    assert cli.main(orders, [*argv, "--format", "json"]) == 0
    assert '"better": "champion"' in capsys.readouterr().out


def test_compare_without_a_challenger_is_one_line(tmp_path, logged, capsys):
    orders, _ = logged
    assert cli.main(orders, ["compare"]) == 1
    assert "no champion predictions" in one_error_line(capsys)


def test_a_log_spanning_a_promotion_is_estimated_per_version(tmp_path, logged):
    """v2, trained where late orders are the small ones, promoted after the first
    scores: each logged row is estimated with the calibration of the version that
    scored it (v1's alone would make v2's rows look as good as v1's)."""
    orders, sample = logged
    first = read_log(tmp_path / "log")["model_version"][0]
    flipped = sample.assign(late=~sample["late"])
    flipped.to_csv(tmp_path / "sample.csv", index=False)
    assert cli.main(orders, ["train"]) == 0
    second = next(
        v.id
        for v in FolderRegistry(str(tmp_path / "model")).versions()
        if v.id != first
    )
    assert cli.main(orders, ["promote", second, "--alias", "champion"]) == 0
    later = sample.drop(columns="late").assign(order_id=[f"B{n}" for n in range(200)])
    later.to_csv(tmp_path / "later.csv", index=False)
    argv = ["score", str(tmp_path / "later.csv"), str(tmp_path / "later-scored.csv")]
    assert cli.main(orders, argv) == 0
    labels = pd.concat(
        [
            sample[["order_id", "late"]],
            later[["order_id"]].assign(late=flipped["late"].to_numpy()),
        ]
    ).assign(timestamp=pd.Timestamp.now(tz="UTC").tz_convert(None))
    labels.to_csv(tmp_path / "labels.csv", index=False)
    assert cli.main(orders, ["monitor", "--labels", str(tmp_path / "labels.csv")]) in (
        0,
        2,
    )
    report = json.loads((tmp_path / "reports" / "monitoring.json").read_text())
    (window,) = report["performance"]["windows"]
    # Both versions rank their own rows well: realized and estimated agree.
    assert window["value"] > 0.9
    assert window["estimated"] == pytest.approx(window["value"], abs=0.1)
