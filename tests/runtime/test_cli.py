"""The command line, told a small hand-built service: commands, one-line errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest
from orders import STORE, Settings, one_error_line, program, write_sample

from modelplate.runtime import cli
from modelplate.runtime.commands import Program
from modelplate.runtime.errors import ServiceError


@pytest.fixture
def sample(tmp_path) -> Path:
    return write_sample(tmp_path)


def test_train_then_score_a_labelled_file(tmp_path, sample, capsys):
    orders = program(tmp_path)
    assert cli.main(orders, ["train"]) == 0
    assert "held-out roc_auc:" in capsys.readouterr().out
    out = tmp_path / "scored.csv"
    assert cli.main(orders, ["score", str(sample), str(out)]) == 0
    scored = pd.read_csv(out)
    assert len(scored) == 200 and scored["score"].between(0, 1).all()
    assert (tmp_path / "scored.rejects.csv").exists()


def test_a_missing_artifact_is_one_line_naming_the_train_command(tmp_path, capsys):
    code = cli.main(program(tmp_path), ["score", "in.csv", str(tmp_path / "o.csv")])
    assert code == 1
    line = one_error_line(capsys)
    assert line.startswith("orders: error: ") and "orders train" in line


def test_a_bad_as_of_is_one_line(tmp_path, sample, capsys):
    orders = program(tmp_path)
    assert cli.main(orders, ["train"]) == 0
    capsys.readouterr()
    argv = ["score", str(sample), str(tmp_path / "o.csv"), "--as-of", "soon"]
    assert cli.main(orders, argv) == 1
    assert one_error_line(capsys) == (
        "orders: error: --as-of: not an ISO date or datetime: 'soon'"
    )


def test_invalid_settings_are_one_line(tmp_path, capsys):
    def invalid() -> Settings:
        return Settings(artifact="m", sample_data="s", reports="r", port=0)

    assert cli.main(program(tmp_path, settings=invalid), ["sizing"]) == 1
    assert one_error_line(capsys).startswith("orders: error: invalid settings: port:")


def test_monitor_needs_something_to_judge(tmp_path, capsys):
    assert cli.main(program(tmp_path), ["monitor"]) == 1
    assert "monitor needs --current PATH" in one_error_line(capsys)


def test_serve_without_the_serving_packages_is_one_line(tmp_path, capsys):
    assert cli.main(program(tmp_path), ["serve"]) == 1
    assert one_error_line(capsys) == (
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
    assert list(_commands(plain)) == [
        "train",
        "score",
        "serve",
        "monitor",
        "sizing",
        "compare",
        "promote",
        "models",
        "contract",
        "ops",
    ]
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
    assert one_error_line(capsys) == "orders: error: billing is not ready"


def test_an_error_message_over_several_lines_is_printed_as_one(tmp_path, capsys):
    def refuse(orders: Program, args, settings) -> int:
        raise ServiceError("cannot parse:\n    - try this\n    - or that")

    def add_check(subparsers) -> None:
        subparsers.add_parser("check").set_defaults(handler=refuse)

    assert cli.main(program(tmp_path, extra=(add_check,)), ["check"]) == 1
    assert one_error_line(capsys) == (
        "orders: error: cannot parse: - try this - or that"
    )


def test_contract_prints_the_json_schema_or_writes_the_odcs_document(tmp_path, capsys):
    orders = program(tmp_path)
    assert cli.main(orders, ["contract"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert set(schema["properties"]) >= {f.name for f in orders.contract.fields}
    target = tmp_path / "contracts" / "orders.odcs.json"
    argv = ["contract", "--format", "odcs", "--output", str(target)]
    assert cli.main(orders, argv) == 0
    document = json.loads(target.read_text())
    assert document["version"] == orders.contract.hash[:12]
    assert f"-> {target}" in capsys.readouterr().out


def test_contract_to_a_path_it_cannot_write_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    argv = ["contract", "--output", str(blocker / "contract.json")]
    assert cli.main(program(tmp_path), argv) == 1
    assert one_error_line(capsys).startswith("orders: error: ")
