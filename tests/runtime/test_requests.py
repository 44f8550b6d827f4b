"""Request bodies: decoded, checked one record or a batch at a time, refused by rule."""

from __future__ import annotations

import pytest

from modelplate.runtime.requests import Rejected, Requests, decode, records_of


@pytest.fixture
def requests(contract, record) -> Requests:
    return Requests(contract, contract.fields, record)


def _rejected(call, *args) -> Rejected:
    with pytest.raises(Rejected) as caught:
        call(*args)
    return caught.value


def test_nan_is_decoded_but_flagged_as_non_standard_json():
    assert decode(b'{"a": 1}') == ({"a": 1}, True)
    value, strict = decode(b'{"a": NaN}')
    assert value["a"] != value["a"] and not strict
    error = _rejected(decode, b"{not json")
    assert (error.status, error.violations[0]["rule"]) == (422, "json")


def test_a_valid_record_parses_to_the_row_a_batch_of_it_gives(requests, record):
    row = requests.check_record(record)
    assert row.equals(requests.check_batch([record]))
    assert requests.checked_record(record) is record


def test_a_record_gets_every_violation(requests, record):
    broken = {**record, "items": 0, "channel": "fax"}
    error = _rejected(requests.check_record, broken)
    assert error.status == 422
    assert {(v["field"], v["rule"]) for v in error.violations} == {
        ("items", "min"),
        ("channel", "category"),
    }


def test_a_batch_names_the_index_of_each_refused_record(requests, record):
    records = [record, {**record, "items": 0}, "not a record", {"items": 1}]
    error = _rejected(requests.check_batch, records)
    assert {v["index"] for v in error.violations} == {1, 2, 3}


def test_an_integer_beyond_float_range_is_refused_not_overflowed(requests, record):
    error = _rejected(requests.check_record, {**record, "amount": 10**400})
    assert [v["field"] for v in error.violations] == ["amount"]


def test_a_batch_body_holds_only_records_and_at_most_the_limit():
    assert records_of({"records": [1, 2]}, 2) == [1, 2]
    assert _rejected(records_of, {"records": [1, 2, 3]}, 2).status == 413
    assert _rejected(records_of, {"records": [], "x": 1}, 2).status == 422
    assert _rejected(records_of, [1], 2).status == 422


@pytest.mark.parametrize(
    "body, rule, field",
    [
        (b'{"a": 1, "b": {"c": 1, "c": 2}}', "duplicate_key", "c"),
        (b'{"a": "\\ud800"}', "encoding", "$body"),
        (b'{"\\uDFFF": 1}', "encoding", "$body"),
        ("{}".encode("utf-16"), "encoding", "$body"),
        (b"[" * 100_000, "json", "$body"),
    ],
)
def test_a_body_no_utf8_json_reader_reads_alike_is_refused(body, rule, field):
    error = _rejected(decode, body)
    assert error.status == 422
    assert (error.violations[0]["rule"], error.violations[0]["field"]) == (rule, field)


def test_a_surrogate_pair_and_a_huge_integer_decode():
    assert decode(b'{"a": "\\ud83d\\ude00"}') == ({"a": "\U0001f600"}, True)
    assert decode(b"9" * 5000) == (float("inf"), True)


def test_what_a_client_sent_is_echoed_cut(requests, record):
    error = _rejected(requests.check_batch, ["x" * 5000, {**record, "k" * 5000: 1}])
    assert all(len(str(v)) < 400 for v in error.violations)
    assert "(5002 characters)" in error.violations[0]["message"]
