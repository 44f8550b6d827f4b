# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Outcomes joined with the predictions the service logged.

An outcome names what it is the outcome of in one of two ways. With a
``request_id`` column (and an ``index`` for a batch's records; 0 when absent) it is
matched with exactly that logged answer. Otherwise it is matched by the contract's id
field: with a time column, to the entity's latest prediction made at or before the
outcome (an answer given after the outcome cannot have been acted on); without, to
the entity's latest prediction. Windows are placed at the time the prediction was
served, so a window's metric is that of the model that was serving then.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from .errors import MonitoringError
from .performance import LABEL, TIME

__all__ = [
    "LOGGED",
    "LOGGED_FEATURES",
    "LOGGED_VERSION",
    "REQUEST_ID",
    "iso_times",
    "join_logged",
    "scored_rows",
]

REQUEST_ID, INDEX = "request_id", "index"
# The log's own columns in ``scored_rows``, named apart from any contract field.
LOGGED = {
    "request_id": "_request_id",
    "index": "_index",
    "logged_at": "_logged_at",
    "role": "_role",
    "model_version": "_model_version",
    "status": "_status",
    "latency_ms": "_latency_ms",
    "features": "_features",  # JSON: the model's columns
}
LOGGED_FEATURES = LOGGED["features"]
LOGGED_VERSION = LOGGED["model_version"]


def _flat(result: dict) -> dict:
    probabilities = result.pop("probabilities", None) or {}
    return {**result, **{f"probability[{k}]": v for k, v in probabilities.items()}}


def scored_rows(log: pd.DataFrame) -> pd.DataFrame:
    """Logged rows as ``score`` writes its output (the id field, the model's output
    and a classifier's ``probability[<class>]`` columns, the decision), beside the
    log's own columns (``LOGGED``)."""
    results = [_flat(json.loads(text)) for text in log["result"]]
    frame = pd.DataFrame(results, index=log.index)
    own = log[list(LOGGED)].rename(columns=LOGGED)
    own["_logged_at"] = own["_logged_at"].astype("datetime64[ns]")
    return pd.concat([own, frame], axis=1)


def _by_request(
    served: pd.DataFrame, outcomes: pd.DataFrame, labels: np.ndarray
) -> pd.DataFrame:
    index = outcomes[INDEX] if INDEX in outcomes.columns else 0
    try:
        index = pd.Series(index, index=outcomes.index).astype("int64")
    except (ValueError, TypeError) as error:
        raise MonitoringError(
            f"the labels' {INDEX!r} column is not whole numbers ({error})"
        ) from None
    right = pd.DataFrame(
        {
            "_request_id": outcomes[REQUEST_ID].astype(str),
            "_index": index,
            LABEL: labels,
        }
    ).drop_duplicates(["_request_id", "_index"], keep="last")
    left = served.drop_duplicates(["_request_id", "_index"], keep="last")
    return left.merge(right, on=["_request_id", "_index"], how="inner")


def iso_times(values: pd.Series, name: str) -> pd.Series:
    """``values`` as naive UTC times; one line naming column ``name`` if not ISO."""
    try:
        return pd.to_datetime(values, format="ISO8601", utc=True).dt.tz_convert(None)
    except (ValueError, TypeError) as error:
        first = str(error).splitlines()[0]  # pandas goes on with advice
        raise MonitoringError(
            f"column {name!r}: not ISO dates or datetimes ({first})"
        ) from None


def _by_entity(
    served: pd.DataFrame,
    outcomes: pd.DataFrame,
    labels: np.ndarray,
    time: str,
    id_field: str | None,
) -> pd.DataFrame:
    if id_field is None:
        raise MonitoringError(
            f"the labels have no {REQUEST_ID!r} column and this spec declares no id "
            "field (an input with role: id) to match them by"
        )
    if id_field not in outcomes.columns:
        raise MonitoringError(
            f"the labels have neither a {REQUEST_ID!r} nor an id column {id_field!r}"
        )
    left = served.assign(_entity=served[id_field].astype(str))
    right = pd.DataFrame({"_entity": outcomes[id_field].astype(str), LABEL: labels})
    if time not in outcomes.columns:
        right = right.drop_duplicates("_entity", keep="last")
        left = left.drop_duplicates("_entity", keep="last")
        return left.merge(right, on="_entity", how="inner").drop(columns="_entity")
    # One resolution on both sides: merge_asof refuses to compare us with ns.
    right["_outcome_at"] = iso_times(outcomes[time], time).astype("datetime64[ns]")
    left["_logged_at"] = left["_logged_at"].astype("datetime64[ns]")
    right = right.dropna(subset=["_outcome_at"]).sort_values("_outcome_at")
    joined = pd.merge_asof(
        right,
        left.sort_values("_logged_at"),
        left_on="_outcome_at",
        right_on="_logged_at",
        by="_entity",
        direction="backward",
    )
    joined = joined.dropna(subset=["_logged_at"])
    return joined.drop(columns=["_entity", "_outcome_at"])


def join_logged(
    served: pd.DataFrame,
    outcomes: pd.DataFrame,
    labels: np.ndarray,
    time: str,
    id_field: str | None,
    output: str | None = None,
) -> tuple[pd.DataFrame, int, int]:
    """(served rows with ``LABEL`` and ``TIME``, unmatched predictions, unmatched
    outcomes). ``served`` comes from ``scored_rows``; ``labels`` are ``outcomes``'
    labels as the model learns them; ``output``, when given, must be logged."""
    if output is not None and output not in served.columns:
        raise MonitoringError(f"the logged answers have no output {output!r}")
    if REQUEST_ID in outcomes.columns:
        joined = _by_request(served, outcomes, labels)
    else:
        joined = _by_entity(served, outcomes, labels, time, id_field)
    joined = joined.assign(**{TIME: joined["_logged_at"]})
    return joined, len(served) - len(joined), len(outcomes) - len(joined)
