# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Batch scoring beyond one machine: the same pure pipeline on a Dask cluster.

``score_parquet`` reads a Parquet dataset as a ``dask.dataframe``, runs the
service's ``Scorer.score_frame`` on every partition with ``map_partitions`` and
writes the scored rows and the rejected rows (with their ``_reasons``) as two
Parquet datasets: the same columns and the same rejects as ``score`` on one
machine. Each partition is one pass: a row is scored or rejected, and the two
outputs are written from that one result in one ``dask.compute``.

Workers load the artifact themselves, once per process, with the service's
loader, from its location, so that location must be one they can all read (an
``s3://`` or ``gs://`` URI on a real cluster). The client loads it first as well,
so a missing or tampered artifact stops the command before any work is sent.
"""

from __future__ import annotations

import dask
import dask.dataframe as dd
import pandas as pd
from distributed import Client, LocalCluster

from .contract import REASONS, validate_frame
from .errors import ServiceError
from .pipeline import Scorer
from .workers import BatchLog, Counts, Loader, worker_artifact

__all__ = ["Counts", "score_parquet", "score_partition"]

CONNECT_SECONDS = 30
# The service's artifact loader: a location -> the loaded, verified artifact.


def score_partition(
    partition: pd.DataFrame,
    scorer: Scorer,
    load: Loader,
    location: str,
    as_of: pd.Timestamp,
    log: BatchLog | None = None,
) -> pd.DataFrame:
    """Every row of ``partition`` once: its inputs, then the scored columns
    (empty for rejected rows) and ``_reasons`` (empty for scored rows); the scored
    rows staged in ``log`` too."""
    valid, rejects = validate_frame(partition, scorer.contract)
    scoring = scorer.score_steps(valid, worker_artifact(load, location), as_of)
    scored = scoring.scored
    if log is not None:
        log.write(valid, scoring.features, scored, as_of)
    id_field = scorer.contract.id_field
    outputs = scored.drop(columns=[id_field]) if id_field else scored
    # Text as the nullable string dtype: an object column gives Parquet no type
    # to agree on between partitions (and dask's placeholder values none at all).
    text = [name for name in outputs.columns if outputs[name].dtype == object]
    reasons = pd.Series(pd.NA, index=partition.index, dtype="string", name=REASONS)
    reasons[rejects.index] = rejects[REASONS].astype("string")
    # One concat, not column inserts: a wide spec's frame would fragment (and warn).
    outputs = outputs.astype(dict.fromkeys(text, "string"))
    return pd.concat([partition, outputs.reindex(partition.index), reasons], axis=1)


def _compute(
    ddf: dd.DataFrame,
    paths: tuple[str, str],
    scorer: Scorer,
    load: Loader,
    location: str,
    as_of: pd.Timestamp,
    log: BatchLog | None = None,
) -> Counts:
    inputs = list(ddf.columns)
    arguments = (scorer, load, location, as_of)
    combined = ddf.map_partitions(
        score_partition, *arguments, log, meta=score_partition(ddf._meta, *arguments)
    )
    scored_columns = [
        name for name in combined.columns if name not in inputs and name != REASONS
    ]
    if scorer.contract.id_field:
        scored_columns.insert(0, scorer.contract.id_field)
    rejected = ~combined[REASONS].isna()
    scored = combined[~rejected][scored_columns]
    rejects = combined[rejected][[*inputs, REASONS]]
    output, rejects_path = paths
    _, _, n_scored, n_rejected = dask.compute(
        scored.to_parquet(output, write_index=False, compute=False),
        rejects.to_parquet(rejects_path, write_index=False, compute=False),
        scored.shape[0],
        rejects.shape[0],
    )
    return Counts(int(n_scored), int(n_rejected))


def score_parquet(
    source: str,
    output: str,
    rejects: str,
    *,
    scorer: Scorer,
    load: Loader,
    artifact: str,
    as_of: pd.Timestamp,
    scheduler: str | None = None,
    client: Client | None = None,
    log: BatchLog | None = None,
) -> Counts:
    """Score the Parquet dataset ``source`` into the datasets ``output``/``rejects``
    with ``scorer``, on the artifact ``load(artifact)`` returns; the scored rows
    staged in ``log`` (the caller commits it).

    Runs on ``client`` if given, else on the cluster at ``scheduler``, else on a
    cluster started on this machine for the duration of the call.
    """
    location = str(artifact)
    target = load(location).metadata["target"]
    # A labelled dataset can be scored: its label is not an input.
    ddf = dd.read_parquet(source)
    ddf = ddf.drop(columns=[target]) if target in ddf.columns else ddf
    work = (ddf, (output, rejects), scorer, load, location, as_of, log)
    if client is not None:
        return _compute(*work)
    if scheduler is not None:
        try:
            connected = Client(scheduler, timeout=CONNECT_SECONDS)
        except (OSError, ValueError) as error:
            raise ServiceError(
                f"cannot reach the Dask scheduler at {scheduler}: {error}"
            ) from error
        with connected:
            return _compute(*work)
    with LocalCluster() as cluster, Client(cluster):
        return _compute(*work)
