"""The command line, told a small hand-built service: commands, one-line errors."""

from __future__ import annotations

import argparse
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel, Field
from sklearn.linear_model import LogisticRegression

from modelplate.runtime import artifact, cli
from modelplate.runtime import definition as d
from modelplate.runtime.commands import Program
from modelplate.runtime.errors import ServiceError
from modelplate.runtime.pipeline import Scorer

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
        load_artifact=partial(
            artifact.load_artifact,
            contract=CONTRACT,
            columns=FEATURES.model_columns,
            train_command="orders train",
        ),
        score_frame=SCORER.score_frame,
        settings=lambda: settings,
        server=_no_server,
    )
    return replace(bound, **changes)


def _no_server():
    raise ModuleNotFoundError("no fastapi here", name="fastapi")


@pytest.fixture
def sample(tmp_path) -> Path:
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


def test_train_then_score_a_labelled_file(tmp_path, sample, capsys):
    orders = program(tmp_path)
    assert cli.main(orders, ["train"]) == 0
    assert "held-out roc_auc:" in capsys.readouterr().out
    out = tmp_path / "scored.csv"
    assert cli.main(orders, ["score", str(sample), str(out)]) == 0
    scored = pd.read_csv(out)
    assert len(scored) == 200 and scored["score"].between(0, 1).all()
    assert (tmp_path / "scored.rejects.csv").exists()


def _one_error_line(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    return lines[0]


def test_a_missing_artifact_is_one_line_naming_the_train_command(tmp_path, capsys):
    code = cli.main(program(tmp_path), ["score", "in.csv", str(tmp_path / "o.csv")])
    assert code == 1
    line = _one_error_line(capsys)
    assert line.startswith("orders: error: ") and "orders train" in line


def test_a_bad_as_of_is_one_line(tmp_path, sample, capsys):
    orders = program(tmp_path)
    assert cli.main(orders, ["train"]) == 0
    capsys.readouterr()
    argv = ["score", str(sample), str(tmp_path / "o.csv"), "--as-of", "soon"]
    assert cli.main(orders, argv) == 1
    assert _one_error_line(capsys) == (
        "orders: error: --as-of: not an ISO date or datetime: 'soon'"
    )


def test_invalid_settings_are_one_line(tmp_path, capsys):
    def invalid() -> Settings:
        return Settings(artifact="m", sample_data="s", reports="r", port=0)

    assert cli.main(program(tmp_path, settings=invalid), ["sizing"]) == 1
    assert _one_error_line(capsys).startswith("orders: error: invalid settings: port:")


def test_monitor_needs_something_to_judge(tmp_path, capsys):
    assert cli.main(program(tmp_path), ["monitor"]) == 1
    assert "monitor needs --current PATH" in _one_error_line(capsys)


def test_serve_without_the_serving_packages_is_one_line(tmp_path, capsys):
    assert cli.main(program(tmp_path), ["serve"]) == 1
    assert _one_error_line(capsys) == (
        "orders: error: `serve` needs fastapi: pip install 'orders'"
    )


def test_serve_runs_the_server_with_the_overridden_settings(tmp_path):
    served = []
    orders = program(tmp_path, server=lambda: served.append)
    assert cli.main(orders, ["serve", "--port", "9001"]) == 0
    assert [(s.host, s.port) for s in served] == [("127.0.0.1", 9001)]


def _commands(orders: Program) -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser(orders)
    subparsers = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    return subparsers.choices


def test_precompute_and_store_options_exist_only_with_a_feature_store(tmp_path):
    plain, stored = program(tmp_path), program(tmp_path, precompute=STORE)
    assert list(_commands(plain)) == ["train", "score", "serve", "monitor", "sizing"]
    assert "precompute" in _commands(stored)
    for name in ("serve", "sizing"):
        assert "--store" not in _commands(plain)[name].format_help()
        assert "--store" in _commands(stored)[name].format_help()


def test_an_owner_command_runs_and_its_errors_are_one_line(tmp_path, capsys):
    def refuse(orders: Program, args: argparse.Namespace, settings) -> int:
        raise ServiceError(f"{args.what} is not ready")

    def add_check(subparsers) -> None:
        check = subparsers.add_parser("check", help="an owner's command")
        check.add_argument("what")
        check.set_defaults(handler=refuse)

    orders = program(tmp_path, extra=(add_check,))
    assert cli.main(orders, ["check", "billing"]) == 1
    assert _one_error_line(capsys) == "orders: error: billing is not ready"
