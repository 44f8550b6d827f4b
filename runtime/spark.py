# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Batch scoring on Spark: the same pure pipeline, partition by partition.

``score_spark`` reads a CSV file or a Parquet file (or dataset) with Spark, runs
the service's ``Scorer.score_frame`` on every partition with ``mapInPandas`` and
writes the scored rows and the rejected rows as two Parquet datasets: the same
rows, columns and rejects (as read, with ``_line`` and ``_reasons``) as ``score``
on one machine.

A CSV file is not split by Spark's CSV reader, whose rules differ from the
runtime's: Spark reads its lines as bytes, numbered, and each partition splits
its lines with ``csvfile.split_lines`` and types them with ``io.text_batch``, as
``score`` does. A file where a quoted cell holds a line break cannot be split
line by line; it is read whole here, with ``csvfile.read_csv``, and its rows
handed to Spark to score.

Workers load the artifact themselves, once per process, with the service's
loader, from its location; they must be able to read it (and to import the
service's package). Spark runs on this machine (``sparksession``); its errors
reach the user as one line.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from py4j.protocol import Py4JError
from pyspark import StorageLevel
from pyspark.errors import PySparkException
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema
from pyspark.sql.types import LongType, StringType, StructField, StructType

from .contract import REASONS, frame_from_wire, validate_frame
from .csvfile import header, read_csv, split_lines
from .definition import Contract
from .errors import DataError, ServiceError
from .io import LINE, Batch, check_type, text_batch
from .pipeline import Scorer, Trained
from .sparksession import PANDAS_WARNING, one_line, session
from .workers import BatchLog, Counts, Loader, worker_artifact

__all__ = ["Counts", "score_spark"]

# The service's artifact loader: a location -> the loaded, verified artifact.
# Turns one batch of the input's Spark rows, as pandas, into the rows as read.
Reader = Callable[[pd.DataFrame], Batch]

# Scored columns travel beside the input's text under this prefix (an id field is
# both), and are named as ``score`` names them when written.
_SCORED = "__scored__."
# Raised in a worker whose lines hold a record spanning lines (see the docstring).
_SPANS = "record spans lines: read the file whole"


def _quoted(name: str) -> Column:
    return F.col("`" + name.replace("`", "``") + "`")


def _numbered(frame: DataFrame) -> DataFrame:
    """``frame`` with ``_line``: each row's number from 1, in file order (the
    partitions of one file are its consecutive pieces)."""
    part = F.spark_partition_id().alias("_part")
    tagged = frame.select("*", part, F.monotonically_increasing_id().alias("_id"))
    tagged = tagged.withColumn("_file", F.input_file_name())
    tagged = tagged.withColumn("_start", F.input_file_block_start())
    pieces = tagged.groupBy("_part").agg(
        F.count("*").alias("rows"), F.min("_file"), F.min("_start")
    )
    offsets, total = {}, 0
    for piece in sorted(pieces.collect(), key=lambda row: (row[2], row[3])):
        offsets[piece["_part"]], total = total, total + piece["rows"]
    table = F.create_map(*(F.lit(v) for pair in offsets.items() for v in pair))
    first = F.coalesce(table[F.col("_part")], F.lit(0))
    within = F.col("_id") - F.shiftleft(F.col("_part").cast("long"), 33)
    return tagged.select(
        *(_quoted(name) for name in frame.columns),
        (first + within + 1).alias(LINE),
    )


def _from_lines(names: list[str], contract: Contract, rows: pd.DataFrame) -> Batch:
    split = split_lines(rows["raw"].tolist(), names)
    if split is None:
        raise DataError(_SPANS)
    text, kept, problems = split
    return text_batch(text, rows[LINE].to_numpy()[kept], problems, contract)


def _from_rows(names: list[str], contract: Contract, rows: pd.DataFrame) -> Batch:
    text = rows[names].reset_index(drop=True)
    problems = rows["_problem"].reset_index(drop=True).dropna().to_dict()
    return text_batch(text, rows[LINE].to_numpy(), problems, contract)


def _from_table(names: list[str], contract: Contract, rows: pd.DataFrame) -> Batch:
    text = rows[names].reset_index(drop=True)
    return Batch(frame_from_wire(text, contract), text, rows[LINE].to_numpy())


@dataclass(frozen=True)
class _Job:
    """What every partition is scored with (sent to the workers)."""

    scorer: Scorer
    load: Loader
    location: str
    target: str | None  # a labelled file's label: no input, set aside
    as_of: pd.Timestamp
    log: BatchLog | None = None  # where the scored rows are staged


def _scored(
    batches: Iterator[pd.DataFrame], read: Reader, job: _Job
) -> Iterator[pd.DataFrame]:
    """Each batch's rows once: a rejected row as read with ``_line`` and
    ``_reasons``, a scored row with its line and its scored columns."""
    artifact = worker_artifact(job.load, job.location)
    unlabelled = [job.target] if job.target else []
    for rows in batches:
        batch = read(rows)
        frame = batch.frame.drop(columns=unlabelled, errors="ignore")
        valid, rejects = validate_frame(frame, job.scorer.contract)
        scoring = job.scorer.score_steps(valid, artifact, job.as_of)
        scored = scoring.scored
        if job.log is not None:
            job.log.write(valid, scoring.features, scored, job.as_of)
        positions = scored.index.to_numpy()
        scored = scored.reset_index(drop=True).add_prefix(_SCORED)
        scored[LINE] = batch.lines[positions]
        yield _plain(pd.concat([batch.rejected(rejects), scored], ignore_index=True))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text as Python strings: pyspark cannot convert pandas 3's
    Arrow-backed string columns."""
    text = [n for n in frame.columns if isinstance(frame[n].dtype, pd.StringDtype)]
    return frame.astype(dict.fromkeys(text, object)) if text else frame


def _scored_schema(scorer: Scorer, artifact: Trained, as_of) -> StructType:
    """The scored columns' types: those of scoring no rows, text as strings."""
    names = [field.wire_name or field.name for field in scorer.contract.fields]
    empty = pd.DataFrame({name: [] for name in names}, dtype=object)
    frame = text_batch(empty, np.zeros(0, dtype=np.int64), {}, scorer.contract).frame
    scored, _ = scorer.score_frame(frame, artifact, as_of)
    types = pa.Schema.from_pandas(scored, preserve_index=False)
    fields = []
    for field in types:
        kind = field.type
        if pa.types.is_null(kind):
            labels = getattr(artifact.model, "classes_", None)
            is_label = field.name == scorer.output and labels is not None
            kind = pa.array(list(labels)).type if is_label else pa.string()
        fields.append(pa.field(_SCORED + field.name, kind))
    return from_arrow_schema(pa.schema(fields))


def _inputs(
    spark: SparkSession, source: str, contract: Contract, whole: bool
) -> tuple[DataFrame, StructType, Reader]:
    """(the input as Spark rows with ``_line``, the schema of its rows as read,
    the function turning a batch of those rows into a ``Batch``)."""
    if Path(source).suffix.lower() != ".csv":
        table = spark.read.parquet(source)
        return (
            _numbered(table),
            table.schema,
            partial(_from_table, table.columns, contract),
        )
    names = None if whole else header(Path(source))
    if names is None:
        text, lines, problems = read_csv(Path(source))
        names = list(text.columns)
        rows = text.assign(
            **{LINE: lines, "_problem": pd.Series(problems, dtype=object)}
        )
        schema = _strings(names)
        extra = [StructField(LINE, LongType()), StructField("_problem", StringType())]
        inputs = spark.createDataFrame(
            _plain(rows), StructType([*schema.fields, *extra])
        )
        return inputs, schema, partial(_from_rows, names, contract)
    lines = spark.read.text(source).select(F.col("value").cast("binary").alias("raw"))
    lines = _numbered(lines).where(F.col(LINE) > 1)  # line 1 is the header
    return lines, _strings(names), partial(_from_lines, names, contract)


def _strings(names: list[str]) -> StructType:
    return StructType([StructField(name, StringType()) for name in names])


def _score(
    spark: SparkSession, source: str, paths: tuple[str, str], job: _Job, whole: bool
) -> Counts:
    contract = job.scorer.contract
    inputs, text, read = _inputs(spark, source, contract, whole)
    artifact = worker_artifact(job.load, job.location)
    scored = _scored_schema(job.scorer, artifact, job.as_of)
    reasons = [StructField(LINE, LongType()), StructField(REASONS, StringType())]
    schema = StructType([*text.fields, *reasons, *scored.fields])
    rows = inputs.mapInPandas(partial(_scored, read=read, job=job), schema)
    # Both datasets come from one pass: kept until both are written.
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        rejected = F.col(REASONS).isNotNull()
        named = [_quoted(f.name).alias(f.name[len(_SCORED) :]) for f in scored.fields]
        as_read = [_quoted(f.name) for f in text.fields]
        output, rejects = paths
        rows.where(~rejected).select(*named).write.mode("overwrite").parquet(output)
        kept = rows.where(rejected).select(*as_read, LINE, REASONS)
        kept.write.mode("overwrite").parquet(rejects)
        counts = dict(rows.groupBy(rejected).count().collect())
    finally:
        rows.unpersist()
    return Counts(counts.get(False, 0), counts.get(True, 0))


def score_spark(
    source: str,
    output: str,
    rejects: str,
    *,
    scorer: Scorer,
    load: Loader,
    artifact: str,
    as_of: pd.Timestamp,
    spark: SparkSession | None = None,
    log: BatchLog | None = None,
) -> Counts:
    """Score the CSV file or Parquet file or dataset ``source`` into the Parquet
    datasets ``output``/``rejects`` with ``scorer``, on the artifact
    ``load(artifact)`` returns; on ``spark`` if given, else on a session started
    on this machine for the duration of the call."""
    if not Path(source).is_dir():  # a folder is a Parquet dataset
        check_type(source)
    location = str(artifact)
    # Loaded here first: a missing or tampered artifact stops before any work.
    target = worker_artifact(load, location).metadata.get("target")
    job = _Job(scorer, load, location, target, as_of, log)
    if spark is None:
        with session() as started:
            return _run(started, source, (output, rejects), job)
    return _run(spark, source, (output, rejects), job)


def _run(spark: SparkSession, source: str, paths: tuple[str, str], job: _Job) -> Counts:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", PANDAS_WARNING, FutureWarning)
        try:
            try:
                return _score(spark, source, paths, job, whole=False)
            except (PySparkException, Py4JError) as error:
                if _SPANS not in str(error):
                    raise
            if job.log is not None:
                job.log.discard()  # the partitions that did finish: scored again
            return _score(spark, source, paths, job, whole=True)
        except (PySparkException, Py4JError) as error:
            raise ServiceError(
                f"Spark could not score {source}: {one_line(error)}"
            ) from error
