"""Reading the landing zone: formats, the column contract, quarantine, duplicates, as_of."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from . import as_of
from .cases import (
    CONTACTS_HEADER,
    NPS_HEADER,
    contact,
    nps,
    web,
    write_bad_input,
    write_csv,
    write_ndjson,
    write_text,
)
from .raw import load, parse_timestamp, read_landing, split_csv_record


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),  # a date alone: midnight UTC
        ("2026-03-01T10:00:00", datetime(2026, 3, 1, 10, tzinfo=UTC)),  # no offset: UTC
        ("2026-03-01 10:00:00Z", datetime(2026, 3, 1, 10, tzinfo=UTC)),
        ("2026-03-01T10:00:00+02:00", datetime(2026, 3, 1, 8, tzinfo=UTC)),
        ("2026-03-01T01:00:00-05:00", datetime(2026, 3, 1, 6, tzinfo=UTC)),
        ("2026-03-01T10:00:00.250+0100", datetime(2026, 3, 1, 9, 0, 0, 250000, tzinfo=UTC)),
        (" 2026-03-01T10:00Z ", datetime(2026, 3, 1, 10, tzinfo=UTC)),
        ("2026-02-30", None),
        ("2026-03-01T25:00:00Z", None),
        ("yesterday", None),
        ("01/03/2026", None),
    ],
)
def test_timestamps(text: str, expected: datetime | None) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize(
    ("record", "fields"),
    [
        ("a,b,c", ["a", "b", "c"]),
        ("a,,c,", ["a", None, "c", None]),  # empty field = null
        ('"a,b","say ""hi""",', ["a,b", 'say "hi"', None]),
        ('"",x', [None, "x"]),
        ('"multi\nline",x', ["multi\nline", "x"]),
        ('"a"b,c', None),  # text after a closing quote
        ('a"b,c', None),  # quote inside an unquoted field
        ('"abc', None),  # unterminated
    ],
)
def test_csv_records(record: str, fields: list[str | None] | None) -> None:
    assert split_csv_record(record) == fields


def test_bad_input_quarantine_and_failed_drops(tmp_path: Path) -> None:
    write_bad_input(tmp_path)
    landing = read_landing(tmp_path)
    quarantined = sorted((q.file, q.line) for q in landing.quarantine)
    assert quarantined == sorted(
        [
            # contacts: Q2 bad created_at (line 3), no id (4), 10 fields (5), broken quoting (6)
            ("crm/2026-04-01/contacts.csv", 3),
            ("crm/2026-04-01/contacts.csv", 4),
            ("crm/2026-04-01/contacts.csv", 5),
            ("crm/2026-04-01/contacts.csv", 6),
            # N1 '9.0', N2 'nine', N3 11, N4 -1 (lines 2-5), N7 no submitted_at (8), no response_id (9)
            ("crm/2026-04-01/nps_responses.csv", 2),
            ("crm/2026-04-01/nps_responses.csv", 3),
            ("crm/2026-04-01/nps_responses.csv", 4),
            ("crm/2026-04-01/nps_responses.csv", 5),
            ("crm/2026-04-01/nps_responses.csv", 8),
            ("crm/2026-04-01/nps_responses.csv", 9),
            # OQ1 'abc', OQ3 no amount, OQ4 no contact_id
            ("crm/2026-04-01/orders.csv", 2),
            ("crm/2026-04-01/orders.csv", 4),
            ("crm/2026-04-01/orders.csv", 5),
            # K-no-ts, K-bad-end
            ("contact_centre/2026-04-02/contacts-1.ndjson", 2),
            ("contact_centre/2026-04-02/contacts-1.ndjson", 3),
            # S2 '4.0', S3 0, S4 6, S5 five fields
            ("contact_centre/2026-04-02/csat_surveys.csv", 3),
            ("contact_centre/2026-04-02/csat_surveys.csv", 4),
            ("contact_centre/2026-04-02/csat_surveys.csv", 5),
            ("contact_centre/2026-04-02/csat_surveys.csv", 6),
            # not JSON, an array, no messageId, timestamp 'yesterday', receivedAt 'soon' (line 7 blank), blank id
            ("web/2026-04-02/events-1.ndjson.gz", 2),
            ("web/2026-04-02/events-1.ndjson.gz", 3),
            ("web/2026-04-02/events-1.ndjson.gz", 4),
            ("web/2026-04-02/events-1.ndjson.gz", 5),
            ("web/2026-04-02/events-1.ndjson.gz", 6),
            ("web/2026-04-02/events-1.ndjson.gz", 9),
        ]
    )
    failed = sorted((p.source, p.drop, p.file, p.column) for p in landing.failed_drops)
    assert failed == [
        ("crm", date(2026, 4, 3), "crm/2026-04-03/deals.csv", "amount"),
        ("web", date(2026, 4, 3), "web/2026-04-03/events-1.ndjson", "timestamp"),
    ]
    assert landing.loaded_drops == {
        "crm": [date(2026, 4, 1), date(2026, 4, 2)],
        "web": [date(2026, 4, 2)],
        "contact_centre": [date(2026, 4, 2)],
    }
    assert sorted(c.contact_id for c in landing.contacts) == ["Q1", "Q6"]
    q6 = next(c for c in landing.contacts if c.contact_id == "Q6")
    assert q6.created_at == datetime(2026, 4, 1, tzinfo=UTC)
    assert as_of(tmp_path) == datetime(2026, 4, 3, tzinfo=UTC)


def test_a_missing_descriptive_column_is_fine_but_a_blank_header_fails(tmp_path: Path) -> None:
    header = CONTACTS_HEADER.replace("first_name,last_name,", "")
    write_text(tmp_path, "crm/2026-01-01/contacts.csv", header + "\nZ1,,,FR,lead,direct,2026-01-01,2026-01-01,false\n")
    write_text(tmp_path, "crm/2026-01-02/contacts.csv", "\n" + CONTACTS_HEADER + "\n")
    write_text(tmp_path, "crm/2026-01-03/nps_responses.csv", "")  # an empty file breaks nothing
    write_text(tmp_path, "crm/not-a-drop/contacts.csv", CONTACTS_HEADER + "\n")
    landing = read_landing(tmp_path)
    assert [c.contact_id for c in landing.contacts] == ["Z1"]
    assert landing.loaded_drops["crm"] == [date(2026, 1, 1), date(2026, 1, 3)]
    assert as_of(tmp_path) == datetime(2026, 1, 4, tzinfo=UTC)


def test_duplicates_first_delivered_copy_counts(tmp_path: Path) -> None:
    write_ndjson(
        tmp_path, "web/2026-01-02/events-a.ndjson", [web("m1", "page", "d", "2026-01-01T10:00:00Z", path="/a")]
    )
    write_ndjson(
        tmp_path,
        "web/2026-01-01/events-b.ndjson",
        [
            web("m1", "page", "d", "2026-01-01T10:00:00Z", path="/b"),
            web("m1", "page", "d", "2026-01-01T10:00:00Z", path="/c"),
        ],
    )
    write_ndjson(
        tmp_path, "web/2026-01-01/events-c.ndjson", [web("m1", "page", "d", "2026-01-01T10:00:00Z", path="/d")]
    )
    write_csv(tmp_path, "crm/2026-01-01/nps_responses.csv", NPS_HEADER, [nps("R", 9, "2026-01-01T00:00:00Z")])
    write_csv(tmp_path, "crm/2026-01-02/nps_responses.csv", NPS_HEADER, [nps("R", 1, "2026-01-01T00:00:00Z")])
    data = load(tmp_path)
    assert data.web_events["m1"].page_path == "/b"  # drop 01-01, file events-b, line 1
    assert data.nps_responses["R"].score == 9


def test_crm_versions_latest_updated_at_then_delivered_last(tmp_path: Path) -> None:
    write_csv(
        tmp_path,
        "crm/2026-01-06/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("A", "2026-01-01T00:00:00Z", lifecycle="customer", updated="2026-01-05T00:00:00Z"),
            contact("B", "2026-01-01T00:00:00Z", lifecycle="lead", updated="2026-01-01T00:00:00Z"),
            contact("B", "2026-01-01T00:00:00Z", lifecycle="opportunity", updated="2026-01-01T00:00:00Z"),
        ],
    )
    write_csv(
        tmp_path,
        "crm/2026-01-07/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("A", "2026-01-01T00:00:00Z", lifecycle="lead", updated="2026-01-02T00:00:00Z"),
        ],
    )
    data = load(tmp_path)
    assert data.contacts["A"].lifecycle_stage == "customer"  # latest updated_at, though delivered first
    assert data.contacts["B"].lifecycle_stage == "opportunity"  # same updated_at: delivered last


def test_no_drop_at_all(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        as_of(tmp_path)
