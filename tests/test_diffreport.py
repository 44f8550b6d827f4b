"""`modelplate diff` end to end: the formats, the exit codes, --repo and --replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paths import CHURN

from modelplate.cli import main


def spec_with(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = CHURN.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text)
    return path


NARROWER = ("min: 0\n      max: 600", "min: 0\n      max: 500")
NEW_CATEGORY = (
    "values: [card, bank-transfer, check]",
    "values: [card, bank-transfer, check, crypto]",
)
NEW_OWNER = ("owner: retention-ml@example.com", "owner: growth-ml@example.com")


@pytest.mark.parametrize(
    "edits, code",
    [((), 0), ((NEW_OWNER,), 0), ((NEW_CATEGORY,), 3), ((NEW_CATEGORY, NARROWER), 2)],
)
def test_the_exit_code_is_the_verdict(tmp_path, capsys, edits, code):
    new = spec_with(tmp_path, "new.yaml", *edits)
    assert main(["diff", str(CHURN), str(new)]) == code
    out = capsys.readouterr().out
    assert out.startswith("churn-predictor: ")


def test_text_names_place_key_values_and_producer(tmp_path, capsys):
    new = spec_with(tmp_path, "new.yaml", NARROWER)
    main(["diff", str(CHURN), str(new)])
    out = capsys.readouterr().out.splitlines()
    line = next(text for text in CHURN.read_text().splitlines() if "max: 600" in text)
    number = CHURN.read_text().splitlines().index(line) + 1
    assert out[1] == (
        f"BREAKS {new}:{number}: inputs.fields.tenure_months.max: 600 -> 500: "
        "range narrowed: values valid today are rejected [notify billing-db]"
    )


def test_json_is_machine_readable(tmp_path, capsys):
    new = spec_with(tmp_path, "new.yaml", NEW_CATEGORY, NARROWER)
    assert main(["diff", str(CHURN), str(new), "--format", "json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["verdict"] == "breaking" and document["exit_code"] == 2
    kinds = {c["key"]: c["kind"] for c in document["changes"]}
    assert kinds == {
        "inputs.fields.tenure_months.max": "breaking",
        "inputs.fields.payment_method.values": "model",
    }


def test_markdown_groups_by_class_and_escapes_cells(tmp_path, capsys):
    new = spec_with(
        tmp_path,
        "new.yaml",
        NARROWER,
        NEW_CATEGORY,
        ('pattern: "^C[0-9]{6}$"', 'pattern: "^C[0-9]{6}|X$"'),
    )
    main(["diff", str(CHURN), str(new), "--format", "markdown"])
    out = capsys.readouterr().out
    assert "#### Breaks callers or producers (2)" in out
    assert "#### Risks the model (1)" in out
    assert "^C[0-9]{6}\\|X$" in out  # a | would split the table's cell


def test_repo_reads_what_the_model_was_trained_on(tmp_path, capsys):
    repo = tmp_path / "service"
    artifact = repo / "artifacts" / "model"
    artifact.mkdir(parents=True)
    metadata = {
        "model_sha256": "0123456789abcdef" * 4,
        "trained_at": "2026-11-30T08:00:00",
        "statistics": {"inputs": {"monthly_charges": {"min": 0.0, "max": 15000.0}}},
    }
    (artifact / "metadata.json").write_text(json.dumps(metadata))
    # 10000 -> 12000: beyond the declared range, but the model saw up to 15000.
    wider = spec_with(tmp_path, "new.yaml", ("max: 10000", "max: 12000"))
    assert main(["diff", str(CHURN), str(wider), "--repo", str(repo)]) == 0
    assert "range widened within its training data" in capsys.readouterr().out
    assert main(["diff", str(CHURN), str(wider)]) == 3
    capsys.readouterr()
    widest = spec_with(tmp_path, "newer.yaml", ("max: 10000", "max: 20000"))
    assert main(["diff", str(CHURN), str(widest), "--repo", str(repo)]) == 3
    out = capsys.readouterr().out
    assert "beyond its training data (15000.0)" in out
    assert "retrain the model 0123456789ab (trained 2026-11-30T08:00:00)" in out


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no trained model"),
        ("{not json", "cannot read the model's metadata"),
        ("[1, 2]", "no statistics.inputs"),
    ],
)
def test_a_repo_without_a_readable_model_is_one_line(
    tmp_path, capsys, content, message
):
    repo = tmp_path / "service"
    (repo / "artifacts" / "model").mkdir(parents=True)
    if content is not None:
        (repo / "artifacts" / "model" / "metadata.json").write_text(content)
    assert main(["diff", str(CHURN), str(CHURN), "--repo", str(repo)]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_replay_counts_past_records_the_new_contract_rejects(tmp_path, capsys):
    records = tmp_path / "served.csv"
    records.write_text(
        "customer_id,tenure_months,monthly_charges,total_charges,contract,"
        "payment_method,support_tickets_90d,signup_date,churned\n"
        "C000001,550,10.0,100.0,one-year,card,1,2020-01-01,true\n"
        "C000002,12,10.0,100.0,one-year,card,1,2020-01-01,false\n"
        "C000003,590,10.0,100.0,one-year,check,1,2020-01-01,false\n"
    )
    new = spec_with(tmp_path, "new.yaml", NARROWER)
    assert main(["diff", str(CHURN), str(new), "--replay", str(records)]) == 2
    out = capsys.readouterr().out
    assert f"replay of {records}: the new contract rejects 2 of 3 past record(s)" in out
    assert (
        "  tenure_months: max: 2 (e.g. got 550, expected <= 500; "
        "got 590, expected <= 500)" in out
    )


def test_replay_counts_a_row_the_reader_cannot_read_once(tmp_path, capsys):
    records = tmp_path / "served.csv"
    records.write_bytes(
        b"customer_id,tenure_months,monthly_charges,total_charges,contract,"
        b"payment_method,support_tickets_90d,signup_date\n"
        b"C000001,550,10.0,100.0,one-year,card,1,2020-01-01\n"
        b"C000002,12,10.0\n"
        b"C000003,\xff\xfe,10.0,100.0,one-year,card,1,2020-01-01\n"
    )
    new = spec_with(tmp_path, "new.yaml", NARROWER)
    assert main(["diff", str(CHURN), str(new), "--replay", str(records)]) == 2
    out = capsys.readouterr().out
    assert "rejects 3 of 3 past record(s)" in out
    assert "  tenure_months: max: 1 " in out
    assert "  row: cells: 1" in out and "  row: encoding: 1" in out
    assert "null" not in out  # the short row is not also counted field by field


def test_replay_of_an_unreadable_file_is_one_line(tmp_path, capsys):
    records = tmp_path / "served.txt"
    records.write_text("x")
    assert main(["diff", str(CHURN), str(CHURN), "--replay", str(records)]) == 1
    err = capsys.readouterr().err
    assert "--replay" in err and "unsupported file type" in err
