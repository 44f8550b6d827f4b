"""Scoring on Spark (a real ``local[2]`` session) gives what ``score`` gives on one
machine: the same scored rows, and the same rejects as read, line and reasons."""

from __future__ import annotations

import shutil
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from orders import FEATURES, Settings, program

from modelplate.runtime import artifact, cli, versions
from modelplate.runtime import definition as d
from modelplate.runtime.errors import ServiceError
from modelplate.runtime.pipeline import Scorer

pytest.importorskip("pyspark", reason="the [spark] extra is not installed")
if shutil.which("java") is None:
    pytest.skip(
        "Spark needs Java (.ci/system-packages installs it)", allow_module_level=True
    )

from modelplate.runtime.predictionlog import read_log
from modelplate.runtime.spark import score_spark  # noqa: E402
from modelplate.runtime.sparksession import session  # noqa: E402

pytestmark = pytest.mark.slow
AS_OF = "2024-06-01T00:00:00"
CONTRACT = d.Contract(
    title="orders",
    fields=(
        d.Field(name="order_id", type="string", role="id"),
        d.Field(name="items", type="integer", minimum=1, maximum=100),
        d.Field(name="channel", type="category", values=("web", "shop")),
        d.Field(name="coupon", type="boolean", nullable=True),
        d.Field(name="Ship To", type="string", nullable=True, wire_name="ship-to"),
    ),
)
SCORER = Scorer(
    CONTRACT,
    FEATURES,
    "binary_classification",
    artifact.predictor("binary_classification"),
)
# A reference to a registry (what `train` writes) or a plain artifact folder.
LOAD = partial(
    versions.load, contract=CONTRACT, columns=FEATURES.model_columns, command="orders"
)


def _program(tmp_path: Path):
    return replace(
        program(tmp_path),
        contract=CONTRACT,
        scorer=SCORER,
        load_artifact=LOAD,
        score_frame=SCORER.score_frame,
    )


def _good(n: int) -> bytes:
    channel = ("web", "shop")[n % 2]
    return f"O{n},{1 + n * 7 % 90},{channel},{('true', '')[n % 2]},Lyon\r\n".encode()


# One bad row of each kind, and blank lines, among good rows.
HOSTILE = [
    b"O900,\xd9\xa1\xd9\xa2,web,true,Lyon\r\n",  # Arabic-Indic digits
    b"O901,1e309,web,,Lyon\r\n",  # beyond float range
    b"O902,1_000,shop,false,Lyon\r\n",
    b"O903,5,post,true,Lyon\r\n",  # an unknown category
    b"O904,,web,true,\r\n",  # a required cell left blank
    b"O905,5,web,true,Lyon,extra\r\n",  # too many cells
    b"O906,5,web\r\n",  # too few
    b"O907,\xff,web,true,Lyon\r\n",  # not UTF-8
    b"O908,5,web,tr\x00ue,Lyon\r\n",  # a NUL byte
    b"\r\n",
    b'"O909",6,"web",TRUE,"Lyon, FR"\r\n',  # quoted cells, a comma in one
    b"O910,7,web,yes,Lyon\r\n",  # not a boolean
]


def _write(path: Path, count: int, tail: bytes = b"") -> Path:
    """``count`` good orders with the hostile rows among them, labelled (a label
    is set aside when scoring, and kept in the rejects)."""
    rows = [_good(n) for n in range(count)]
    for position, line in enumerate(HOSTILE):
        rows.insert(3 + position * (count // len(HOSTILE)), line)
    labelled = [
        row.replace(b"\r\n", b",true\r\n") if row.strip() else row for row in rows
    ]
    header = b"order_id,items,channel,coupon,ship-to,late\r\n"
    path.write_bytes(header + b"".join(labelled) + tail)
    return path


@pytest.fixture(scope="module")
def spark():
    with session() as started:
        # Small pieces: several partitions of one file, several batches in each.
        started.conf.set("spark.sql.files.maxPartitionBytes", "2048")
        started.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
        yield started


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trained")
    rng = np.random.default_rng(5)
    items = rng.integers(1, 100, 200)
    pd.DataFrame(
        {
            "order_id": [f"T{n}" for n in range(200)],
            "items": items,
            "channel": "web",
            "coupon": True,
            "ship-to": "Lyon",
            "late": items + rng.normal(0, 20, 200) > 50,
        }
    ).to_csv(folder / "sample.csv", index=False)
    assert cli.main(_program(folder), ["train"]) == 0
    return folder


def _local(folder: Path, source: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What ``score`` writes on one machine, as Parquet."""
    output = source.with_name("local.parquet")
    rejects = source.with_name("local.rejects.parquet")
    command = ["score", str(source), str(output), "--rejects", str(rejects)]
    assert cli.main(_program(folder), [*command, "--as-of", AS_OF]) == 0
    return pd.read_parquet(output), pd.read_parquet(rejects)


def _on_spark(spark, folder: Path, source: Path, tmp_path: Path):
    output, rejects = tmp_path / "scored", tmp_path / "rejects"
    counts = score_spark(
        str(source),
        str(output),
        str(rejects),
        scorer=SCORER,
        load=LOAD,
        artifact=str(folder / "model"),
        as_of=pd.Timestamp(AS_OF),
        spark=spark,
    )
    scored, rejected = pd.read_parquet(output), pd.read_parquet(rejects)
    assert (counts.scored, counts.rejected) == (len(scored), len(rejected))
    return scored, rejected


def _assert_same(on_spark, local):
    scored, rejected = on_spark
    local_scored, local_rejected = local
    pd.testing.assert_frame_equal(scored, local_scored, check_dtype=False)
    assert list(rejected.columns) == list(local_rejected.columns)
    pd.testing.assert_frame_equal(
        rejected.astype(object), local_rejected.astype(object), check_dtype=False
    )


def test_hostile_csv_scores_and_rejects_like_one_machine(spark, trained, tmp_path):
    source = _write(tmp_path / "orders.csv", 150)
    local = _local(trained, source)
    assert len(local[1]) == len(HOSTILE) - 2  # less the blank and the quoted line
    _assert_same(_on_spark(spark, trained, source, tmp_path), local)


def test_a_quoted_cell_across_lines_is_read_as_one_machine_reads_it(
    spark, trained, tmp_path
):
    tail = b'O950,8,web,true,"Lyon\r\nFrance",true\r\nO951,9,post,,Lyon,true\r\n'
    source = _write(tmp_path / "orders.csv", 60, tail)
    local = _local(trained, source)
    assert "O950" in local[0]["order_id"].tolist()
    _assert_same(_on_spark(spark, trained, source, tmp_path), local)


def test_parquet_scores_and_rejects_like_one_machine(spark, trained, tmp_path):
    rows = 90
    frame = pd.DataFrame(
        {
            "order_id": [f"O{n}" for n in range(rows)],
            "items": [float(1 + n * 7 % 90) for n in range(rows)],
            "channel": [("web", "shop")[n % 2] for n in range(rows)],
            "coupon": [(True, None)[n % 2] for n in range(rows)],
            "ship-to": "Lyon",
            "late": True,
        }
    )
    # Broken values that keep their column's type, as Parquet requires.
    frame.loc[[4, 30], "items"] = [0.0, 500.0]
    frame.loc[[11, 50], "items"] = [np.nan, 2.5]
    frame.loc[17, "channel"] = "post"
    frame.loc[60, "order_id"] = None
    source = tmp_path / "orders.parquet"
    frame.to_parquet(source, index=False, row_group_size=20)
    local = _local(trained, source)
    assert len(local[1]) == 6
    _assert_same(_on_spark(spark, trained, source, tmp_path), local)


def test_what_spark_cannot_do_is_one_line(spark, trained, tmp_path):
    missing = tmp_path / "missing.parquet"
    with pytest.raises(ServiceError) as raised:
        _on_spark(spark, trained, missing, tmp_path)
    message = str(raised.value)
    assert len(message.splitlines()) == 1
    assert "missing.parquet" in message and "\tat " not in message


def test_the_command_scores_on_spark(spark, trained, tmp_path, capsys):
    source = _write(tmp_path / "orders.csv", 40)
    local = _local(trained, source)
    output = tmp_path / "scored.parquet"
    command = ["score", str(source), str(output), "--engine", "spark"]
    assert cli.main(_program(trained), [*command, "--as-of", AS_OF]) == 0
    said = capsys.readouterr().out
    assert f"rejected {len(local[1])} rows" in said
    rejects = tmp_path / "scored.rejects.parquet"
    _assert_same((pd.read_parquet(output), pd.read_parquet(rejects)), local)
    # Written beside their targets and moved in: nothing else is left there.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_command_logs_sparks_scored_rows(spark, trained, tmp_path, capsys):
    source = _write(tmp_path / "orders.csv", 40)
    local = _local(trained, source)
    folder = tmp_path / "log"

    class Logged(Settings):
        prediction_log: str = str(folder)

    settings = Logged(**program(trained).settings().model_dump())
    logged = replace(_program(trained), settings=lambda: settings)
    command = ["score", str(source), str(tmp_path / "out.parquet"), "--engine", "spark"]
    assert cli.main(logged, [*command, "--as-of", AS_OF]) == 0
    rows = read_log(folder)
    assert len(rows) == len(local[0]) and set(rows["role"]) == {"batch"}
    assert sorted(rows["entity"]) == sorted(local[0]["order_id"])
    assert "logged as score-" in capsys.readouterr().out
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []
