"""A small hand-built service for the command tests: orders that may be late."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field
from sklearn.linear_model import LogisticRegression

from modelplate.runtime import artifact, versions
from modelplate.runtime import definition as d
from modelplate.runtime.commands import Program
from modelplate.runtime.pipeline import Scorer
from modelplate.runtime.serving import Serving

CONTRACT = d.Contract(
    title="orders",
    fields=(
        d.Field(name="order_id", type="string", role="id"),
        d.Field(name="items", type="integer", minimum=1, maximum=100),
    ),
)
FEATURES = d.Features(expressions={}, model_columns=("items",))
MODEL = d.Model(
    task="binary_classification",
    algorithm="logistic_regression",
    estimator=lambda seed: LogisticRegression(random_state=seed),
    target=d.Field(name="late", type="boolean"),
    metric="roc_auc",
)
SCORER = Scorer(CONTRACT, FEATURES, MODEL.task, artifact.predictor(MODEL.task))
RECORD = {"order_id": "O1", "items": 3}
# The orders' artifacts loaded as a generated service loads its own.
LOAD_ARTIFACT = partial(
    versions.load, contract=CONTRACT, columns=FEATURES.model_columns, command="orders"
)
STORE = d.Precompute(
    entity="order_id",
    features=("items",),
    max_age="1h",
    max_age_seconds=3600.0,
    store="store.db",
)


class Settings(BaseModel):
    artifact: str
    sample_data: Path
    reports: Path
    seed: int = 0
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


def program(tmp_path: Path, **changes) -> Program:
    settings = Settings(
        artifact=str(tmp_path / "model"),
        sample_data=tmp_path / "sample.csv",
        reports=tmp_path / "reports",
    )
    bound = Program(
        prog="orders",
        description="Late orders.",
        title="Orders",
        contract=CONTRACT,
        features=FEATURES,
        model=MODEL,
        monitoring=d.Monitoring(d.Drift(bins=5), d.Performance(metric="roc_auc")),
        resources=d.Resources(),
        scorer=SCORER,
        load_artifact=LOAD_ARTIFACT,
        score_frame=SCORER.score_frame,
        settings=lambda: settings,
        server=_no_server,
    )
    return replace(bound, **changes)


def serving() -> Serving:
    """The orders served as a generated service serves itself."""
    return Serving(
        contract=CONTRACT,
        request_fields=CONTRACT.fields,
        features=FEATURES,
        scorer=SCORER,
        load_artifact=LOAD_ARTIFACT,
        example=RECORD,
        monitoring=d.Monitoring(d.Drift(window=100), d.Performance(metric="roc_auc")),
        namespace="orders",
    )


def _no_server():
    raise ModuleNotFoundError("no fastapi here", name="fastapi")


def write_sample(tmp_path: Path) -> Path:
    """200 labelled orders at ``tmp_path / "sample.csv"``, the settings' sample."""
    rng = np.random.default_rng(3)
    items = rng.integers(1, 100, 200)
    path = tmp_path / "sample.csv"
    pd.DataFrame(
        {
            "order_id": [f"O{n}" for n in range(200)],
            "items": items,
            "late": items + rng.normal(0, 20, 200) > 50,
        }
    ).to_csv(path, index=False)
    return path


def one_error_line(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]
