"""Scoring Parquet on a Dask cluster gives what scoring on one machine gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from order_rows import order_rows
from sklearn.linear_model import LogisticRegression

from modelplate.runtime.contract import REASONS
from modelplate.runtime.definition import Features
from modelplate.runtime.distributed import score_parquet, score_partition
from modelplate.runtime.logrows import entries_to_table
from modelplate.runtime.pipeline import Scorer
from modelplate.runtime.predictionlog import PredictionLog, read_log
from modelplate.runtime.workers import BatchLog

AS_OF = pd.Timestamp("2024-06-01")
FEATURES = Features(
    expressions={
        "per_item": lambda inputs, raw, as_of: inputs["amount"] / inputs["items"]
    },
    model_columns=("items", "per_item"),
)


@dataclass(frozen=True)
class Artifact:
    model: object
    columns: tuple[str, ...] = FEATURES.model_columns
    imputation: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=lambda: {"target": "large"})


# Where each test's artifact "lives": the loader the workers call with a location.
_SAVED: dict[str, Artifact] = {}


def _load(location: str) -> Artifact:
    return _SAVED[location]


def _frame(count: int) -> pd.DataFrame:
    frame = pd.DataFrame(order_rows(count))
    frame["large"] = frame["items"] > 40  # the label
    frame.loc[[3, 17], "items"] = 0  # below the contract's minimum: rejected
    return frame


def _dataset(frame: pd.DataFrame, folder: Path) -> Path:
    """``frame`` as a Parquet dataset of three parts of 20 rows (three partitions)."""
    folder.mkdir()
    for part, start in enumerate(range(0, len(frame), 20)):
        frame.iloc[start : start + 20].to_parquet(folder / f"part.{part}.parquet")
    return folder


@pytest.fixture
def scorer(contract):
    return Scorer(
        contract,
        FEATURES,
        "binary_classification",
        lambda model, matrix: model.predict_proba(matrix)[:, 1],
    )


@pytest.fixture
def location(request):
    frame = _frame(40)
    frame = frame[frame["items"] > 0]
    matrix = np.column_stack([frame["items"], frame["amount"] / frame["items"]])
    model = LogisticRegression().fit(matrix, frame["large"])
    _SAVED[request.node.name] = Artifact(model)
    return request.node.name


@pytest.fixture(scope="module")
def client():
    # In-process and bounded: one worker thread. The scheduler's HTTP server takes
    # a free port: with None it still binds 8787, and warns when a cluster of
    # another test run holds it.
    bounds = {"processes": False, "n_workers": 1, "threads_per_worker": 1}
    with LocalCluster(**bounds, dashboard_address=":0") as cluster:
        with Client(cluster) as client:
            yield client


def test_a_partition_keeps_its_rows_with_scores_or_reasons(scorer, location):
    frame = _frame(20).drop(columns=["large"])
    combined = score_partition(frame, scorer, _load, location, AS_OF)
    assert combined.index.equals(frame.index)
    rejected = combined[REASONS].notna()
    assert list(combined.index[rejected]) == [3, 17]
    assert combined.loc[~rejected, "score"].between(0, 1).all()
    assert combined.loc[rejected, "score"].isna().all()


def test_a_cluster_scores_and_rejects_like_one_machine(
    client, scorer, location, tmp_path
):
    frame = _frame(60)
    source = _dataset(frame, tmp_path / "input")
    output, rejects_path = tmp_path / "scored", tmp_path / "rejects"
    counts = score_parquet(
        str(source),
        str(output),
        str(rejects_path),
        scorer=scorer,
        load=_load,
        artifact=location,
        as_of=AS_OF,
        client=client,
    )
    unlabelled = frame.drop(columns=["large"]).astype(object)
    scored, rejects = scorer.score_frame(unlabelled, _load(location), AS_OF)
    assert (counts.scored, counts.rejected) == (len(scored), len(rejects)) == (58, 2)
    on_cluster = pd.read_parquet(output)
    assert list(on_cluster.columns) == list(scored.columns) == ["order_id", "score"]
    expected = scored.reset_index(drop=True)
    pd.testing.assert_frame_equal(on_cluster, expected, check_dtype=False)
    rejected = pd.read_parquet(rejects_path)
    assert rejected[REASONS].tolist() == rejects[REASONS].tolist()
    assert "large" not in rejected.columns


def test_a_clusters_scored_rows_reach_the_log_together_once_committed(
    client, scorer, location, tmp_path
):
    frame = _frame(60)
    source = _dataset(frame, tmp_path / "input")
    folder = tmp_path / "log"
    to_table = partial(
        entries_to_table, id_field="order_id", output="score", decision=None
    )
    log = BatchLog.start(
        PredictionLog(folder, to_table, max_bytes=10**9), scorer, _load(location)
    )
    options = {"scorer": scorer, "load": _load, "artifact": location, "as_of": AS_OF}
    score_parquet(
        str(source),
        str(tmp_path / "scored"),
        str(tmp_path / "rejects"),
        client=client,
        log=log,
        **options,
    )
    # Staged, not yet in the log: a run that fails now leaves nothing behind.
    assert read_log(folder).empty and len(list(log.staging.iterdir())) == 3
    assert log.commit() == 3
    logged = read_log(folder)
    assert not log.staging.exists()
    assert len(logged) == 58 and set(logged["role"]) == {"batch"}
    assert logged["request_id"].str.startswith(log.run).all()
    assert logged["request_id"].nunique() == 3  # one per partition
    scored = pd.read_parquet(tmp_path / "scored")
    assert sorted(logged["output"]) == pytest.approx(sorted(scored["score"]))
    log.discard()  # nothing left to discard: no error
