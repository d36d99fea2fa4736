"""Loading hand-written drops into a real DuckDB file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from orchestration.ingestion import connect
from tests.conftest import CONTACTS_HEADER, CSAT_HEADER, DEALS_HEADER, NPS_HEADER, WriteFile
from tests.warehouse import load_drops, query_rows

D1 = date(2026, 1, 1)
D2 = date(2026, 1, 2)


def _web(message_id: str, **extra: object) -> str:
    msg = {
        "messageId": message_id,
        "type": "page",
        "anonymousId": "anon-1",
        "userId": None,
        "timestamp": "2026-01-01T10:00:00+01:00",
        "receivedAt": "2026-01-01T09:00:01Z",
        "name": "Home",
        "properties": {"path": "/"},
        "context": {"userAgent": "Mozilla/5.0"},
    }
    msg.update(extra)
    return json.dumps(msg)


def test_csv_records_quarantine_with_line_numbers(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    write_file(
        "crm/2026-01-01/contacts.csv",
        CONTACTS_HEADER + "\r\n"
        'C1,Ann@Example.com,06 12 34 56 78,Ann,"Lee, Jr",FR,lead,direct,2026-01-01T10:00:00Z,'
        "2026-01-01T10:00:00Z,false\r\n"
        "\r\n"
        'C2,b@example.com,,"Bo\nmulti ""line""",Ma,US,lead,email,2026-01-01T09:00:00-05:00,'
        "2026-01-01 14:00:00,false\n"
        "C3,too,few,fields\n"
        ",c@example.com,,C,D,GB,lead,email,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z,false\n"
        "C5,e@example.com,,E,F,DE,lead,email,yesterday,2026-01-01T10:00:00Z,false\n"
        'C6,"broken"quote,,E,F,DE,lead,email,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z,false\n',
    )
    result = load_drops(warehouse, landing, "crm", [D1])

    assert result.problems == []
    [report] = result.files
    assert (report.records_read, report.records_loaded, report.records_quarantined) == (6, 2, 4)
    loaded = query_rows(
        warehouse, "SELECT contact_id, last_name, first_name, _line_number FROM raw.crm_contacts ORDER BY 1"
    )
    assert loaded == [("C1", "Lee, Jr", "Ann", 2), ("C2", "Ma", 'Bo\nmulti "line"', 4)]
    quarantined = query_rows(warehouse, "SELECT line_number, reason, raw_text FROM raw.quarantine ORDER BY line_number")
    assert [(line, reason) for line, reason, _ in quarantined] == [
        (6, "wrong number of fields: expected 11, found 4"),
        (7, "missing required field contact_id"),
        (8, "unparseable timestamp in created_at: yesterday"),
        (9, "malformed CSV quoting"),
    ]
    assert quarantined[0][2] == "C3,too,few,fields"
    assert query_rows(warehouse, "SELECT DISTINCT file, source, entity FROM raw.quarantine") == [
        ("crm/2026-01-01/contacts.csv", "crm", "contacts")
    ]


def test_scores_and_amounts_are_checked(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    write_file(
        "crm/2026-01-01/nps_responses.csv",
        NPS_HEADER + "\n"
        "R1,C1,,10,great,2026-01-01T10:00:00Z\n"
        "R2,,x@example.com,0,,2026-01-01T10:00:00Z\n"
        "R3,C1,,11,,2026-01-01T10:00:00Z\n"
        "R4,C1,,9.0,,2026-01-01T10:00:00Z\n"
        "R5,C1,,nine,,2026-01-01T10:00:00Z\n"
        "R6,C1,,,,2026-01-01T10:00:00Z\n",
    )
    write_file(
        "crm/2026-01-01/deals.csv",
        DEALS_HEADER + "\n"
        "D1,C1,closedwon,1200.50,EUR,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,2026-01-01T11:00:00Z\n"
        "D2,C1,closedwon,12k,EUR,2026-01-01T10:00:00Z,,2026-01-01T11:00:00Z\n"
        "D3,,closedwon,5,EUR,2026-01-01T10:00:00Z,,2026-01-01T11:00:00Z\n",
    )
    write_file(
        "contact_centre/2026-01-01/csat_surveys.csv",
        CSAT_HEADER + "\nS1,K1,5,2026-01-01T10:00:00Z\nS2,K1,0,2026-01-01T10:00:00Z\nS3,K2,6,2026-01-01T10:00:00Z\n",
    )
    load_drops(warehouse, landing, "crm", [D1])
    load_drops(warehouse, landing, "contact_centre", [D1])

    reasons = dict(query_rows(warehouse, "SELECT raw_text, reason FROM raw.quarantine"))
    assert reasons["R3,C1,,11,,2026-01-01T10:00:00Z"] == "score out of range 0..10: 11"
    assert reasons["R4,C1,,9.0,,2026-01-01T10:00:00Z"] == "score is not an integer: 9.0"
    assert reasons["R5,C1,,nine,,2026-01-01T10:00:00Z"] == "score is not an integer: nine"
    assert reasons["R6,C1,,,,2026-01-01T10:00:00Z"] == "missing required field score"
    assert reasons["D2,C1,closedwon,12k,EUR,2026-01-01T10:00:00Z,,2026-01-01T11:00:00Z"] == "non-numeric amount: 12k"
    assert reasons["D3,,closedwon,5,EUR,2026-01-01T10:00:00Z,,2026-01-01T11:00:00Z"] == (
        "missing required field contact_id"
    )
    assert reasons["S2,K1,0,2026-01-01T10:00:00Z"] == "score out of range 1..5: 0"
    assert reasons["S3,K2,6,2026-01-01T10:00:00Z"] == "score out of range 1..5: 6"
    assert query_rows(warehouse, "SELECT response_id FROM raw.crm_nps_responses ORDER BY 1") == [("R1",), ("R2",)]
    assert query_rows(warehouse, "SELECT survey_id FROM raw.contact_centre_csat_surveys") == [("S1",)]


def test_ndjson_lines_reconcile(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    lines = [
        _web("m1"),
        '{"messageId": "m2", "type": "page", "anonymousId": "a", "timest',
        "",
        "[1, 2]",
        _web("m3", anonymousId=None),
        _web("m4", timestamp="not a time"),
        _web("m1"),
        _web("m5", type="screen", brandNewField={"x": 1}),
    ]
    write_file("web/2026-01-01/events-1.ndjson", "\n".join(lines) + "\n")
    result = load_drops(warehouse, landing, "web", [D1])

    [report] = result.files
    assert (report.records_read, report.records_loaded, report.records_quarantined) == (7, 3, 4)
    assert query_rows(warehouse, "SELECT line_number, reason FROM raw.quarantine ORDER BY 1") == [
        (2, "not valid JSON"),
        (4, "not a JSON object"),
        (5, "missing required field anonymousId"),
        (6, "unparseable timestamp in timestamp: not a time"),
    ]
    loaded = query_rows(warehouse, "SELECT message_id, type, _line_number FROM raw.web_events ORDER BY _line_number")
    assert loaded == [("m1", "page", 1), ("m1", "page", 7), ("m5", "screen", 8)]
    payload = query_rows(warehouse, "SELECT payload FROM raw.web_events WHERE message_id = 'm5'")[0][0]
    assert json.loads(payload)["brandNewField"] == {"x": 1}


def test_blank_lines_are_not_records_whatever_their_line_ending(
    landing: Path, write_file: WriteFile, warehouse: Path
) -> None:
    """Blank: nothing but spaces, tabs and carriage returns, in CSV and NDJSON alike; a line of
    non-breaking spaces is a record (and quarantined), not a blank line."""
    from tests.reference.raw import read_landing

    nbsp = "\u00a0\u00a0"
    write_file(
        "crm/2026-01-01/nps_responses.csv",
        NPS_HEADER + "\r\n"
        "R1,C1,,10,great,2026-01-01T10:00:00Z\r\n"
        "\r\n"
        " \t \r\n"
        f"{nbsp}\r\n"
        "R2,C1,,3,,2026-01-01T11:00:00Z\r\n"
        "\t\r\n"
        "\r",
    )
    write_file(
        "web/2026-01-01/events-1.ndjson",
        _web("m1") + "\r\n" + "\r\n" + "\t\r\n" + " \n" + nbsp + "\n" + _web("m2") + "\n" + "\t",
    )
    crm = load_drops(warehouse, landing, "crm", [D1])
    web = load_drops(warehouse, landing, "web", [D1])

    counts = {r.file: (r.records_read, r.records_loaded, r.records_quarantined) for r in crm.files + web.files}
    assert counts == {"crm/2026-01-01/nps_responses.csv": (3, 2, 1), "web/2026-01-01/events-1.ndjson": (3, 2, 1)}
    assert query_rows(warehouse, "SELECT file, line_number, reason FROM raw.quarantine ORDER BY 1") == [
        ("crm/2026-01-01/nps_responses.csv", 5, "wrong number of fields: expected 6, found 1"),
        ("web/2026-01-01/events-1.ndjson", 5, "not valid JSON"),
    ]
    assert query_rows(warehouse, "SELECT response_id, _line_number FROM raw.crm_nps_responses ORDER BY 1") == [
        ("R1", 2),
        ("R2", 6),
    ]
    assert query_rows(warehouse, "SELECT message_id, _line_number FROM raw.web_events ORDER BY 1") == [
        ("m1", 1),
        ("m2", 6),
    ]
    reference = read_landing(landing)
    assert sorted((q.file, q.line) for q in reference.quarantine) == [
        ("crm/2026-01-01/nps_responses.csv", 5),
        ("web/2026-01-01/events-1.ndjson", 5),
    ]
    assert sorted(r.delivery[1:3] for r in [*reference.nps_responses, *reference.web_events]) == [
        ("crm/2026-01-01/nps_responses.csv", 2),
        ("crm/2026-01-01/nps_responses.csv", 6),
        ("web/2026-01-01/events-1.ndjson", 1),
        ("web/2026-01-01/events-1.ndjson", 6),
    ]


def test_reload_is_idempotent_and_redelivery_replaces(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    write_file("web/2026-01-01/events-1.ndjson", _web("m1") + "\n" + _web("m2") + "\n")
    write_file("web/2026-01-02/events-1.ndjson", _web("m3") + "\nnot json\n")
    snapshot = "SELECT * FROM raw.web_events ORDER BY _file, _line_number"
    audit = "SELECT * FROM raw.loaded_files ORDER BY file"

    load_drops(warehouse, landing, "web", [D1, D2])
    first = (
        query_rows(warehouse, snapshot),
        query_rows(warehouse, audit),
        query_rows(warehouse, "SELECT * FROM raw.quarantine"),
    )
    load_drops(warehouse, landing, "web", [D1, D2])
    load_drops(warehouse, landing, "web", [D2])
    again = (
        query_rows(warehouse, snapshot),
        query_rows(warehouse, audit),
        query_rows(warehouse, "SELECT * FROM raw.quarantine"),
    )
    assert again == first
    assert len(first[0]) == 3 and len(first[2]) == 1

    # The drop of 2026-01-02 is delivered again, corrected: it replaces the earlier delivery.
    write_file("web/2026-01-02/events-1.ndjson", _web("m3") + "\n" + _web("m4") + "\n")
    load_drops(warehouse, landing, "web", [D2])
    assert query_rows(warehouse, "SELECT message_id FROM raw.web_events ORDER BY 1") == [
        ("m1",),
        ("m2",),
        ("m3",),
        ("m4",),
    ]
    assert query_rows(warehouse, "SELECT count(*) FROM raw.quarantine") == [(0,)]


def test_gzip_file_loads_like_plain(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    body = _web("m1") + "\n" + _web("m2") + "\n{oops\n"
    write_file("web/2026-01-01/events-1.ndjson", body)
    write_file("web/2026-01-02/events-1.ndjson.gz", body)
    result = load_drops(warehouse, landing, "web", [D1, D2])

    counts = [(r.file, r.records_read, r.records_loaded, r.records_quarantined) for r in result.files]
    assert counts == [
        ("web/2026-01-01/events-1.ndjson", 3, 2, 1),
        ("web/2026-01-02/events-1.ndjson.gz", 3, 2, 1),
    ]
    by_drop = query_rows(
        warehouse,
        "SELECT _drop_date, list(payload ORDER BY _line_number)::VARCHAR FROM raw.web_events GROUP BY 1 ORDER BY 1",
    )
    assert by_drop[0][1] == by_drop[1][1]


def test_missing_column_fails_only_that_drop(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    good = CONTACTS_HEADER + "\nC1,a@x.com,,A,B,FR,lead,direct,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z,false\n"
    write_file("crm/2026-01-01/contacts.csv", good)
    write_file("crm/2026-01-02/contacts.csv", good.replace("C1,", "C2,"))
    load_drops(warehouse, landing, "crm", [D1, D2])

    renamed = good.replace("updated_at", "modified_at").replace("C1,", "C9,")
    write_file("crm/2026-01-02/contacts.csv", renamed)
    write_file("crm/2026-01-01/deals.csv", DEALS_HEADER + "\n")
    result = load_drops(warehouse, landing, "crm", [D1, D2])

    assert [(p.file, p.column) for p in result.problems] == [("crm/2026-01-02/contacts.csv", "updated_at")]
    assert "crm/2026-01-02/contacts.csv" in result.problems[0].message
    assert "'updated_at'" in result.problems[0].message
    assert result.loaded_drops == [D1]
    # The failed drop keeps its previous load; the good drop is reloaded.
    assert query_rows(warehouse, "SELECT contact_id, _drop_date FROM raw.crm_contacts ORDER BY 1") == [
        ("C1", D1),
        ("C2", D2),
    ]
    assert query_rows(warehouse, "SELECT source, drop_date FROM raw.loaded_drops ORDER BY 2") == [
        ("crm", D1),
        ("crm", D2),
    ]


def test_renamed_json_field_fails_the_drop(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    renamed = [json.dumps({**json.loads(_web(f"m{i}")), "anonymous_id": "a"}) for i in range(3)]
    renamed = [json.dumps({k: v for k, v in json.loads(line).items() if k != "anonymousId"}) for line in renamed]
    write_file("web/2026-01-01/events-1.ndjson", "\n".join(renamed) + "\n")
    write_file("web/2026-01-02/events-1.ndjson", _web("ok") + "\n")
    result = load_drops(warehouse, landing, "web", [D1, D2])

    assert [(p.file, p.column) for p in result.problems] == [("web/2026-01-01/events-1.ndjson", "anonymousId")]
    assert result.loaded_drops == [D2]
    assert query_rows(warehouse, "SELECT message_id FROM raw.web_events") == [("ok",)]


def test_extra_columns_and_missing_descriptive_columns(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    write_file(
        "crm/2026-01-01/nps_responses.csv",
        "response_id,contact_id,email,score,submitted_at,survey_channel\nR1,C1,,9,2026-01-01T10:00:00Z,in_app\n",
    )
    result = load_drops(warehouse, landing, "crm", [D1])

    assert result.problems == []
    rows = query_rows(warehouse, "SELECT response_id, comment, _extra_columns FROM raw.crm_nps_responses")
    assert rows[0][:2] == ("R1", None)
    assert json.loads(rows[0][2]) == {"survey_channel": "in_app"}


@pytest.mark.parametrize("source", ["crm", "web", "contact_centre"])
def test_empty_landing_zone_loads_nothing(landing: Path, warehouse: Path, source: str) -> None:
    result = load_drops(warehouse, landing, source, [D1])
    assert result.files == [] and result.loaded_drops == [] and result.problems == []


def test_persona_column_is_optional(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    """contacts.csv with the optional persona column keeps it; a file without it loads with null."""
    with_persona = CONTACTS_HEADER.replace("original_source,", "original_source,persona,")
    write_file(
        "crm/2026-01-01/contacts.csv",
        with_persona + "\nC1,a@example.com,,A,B,FR,lead,email, persona_2 ,2026-01-01T10:00:00Z,"
        "2026-01-01T10:00:00Z,false\n",
    )
    write_file(
        "crm/2026-01-02/contacts.csv",
        CONTACTS_HEADER + "\nC2,b@example.com,,C,D,FR,lead,email,2026-01-02T10:00:00Z,2026-01-02T10:00:00Z,false\n",
    )
    result = load_drops(warehouse, landing, "crm", [D1, D2])

    assert result.problems == []
    assert result.loaded_drops == [D1, D2]
    assert query_rows(warehouse, "SELECT contact_id, persona FROM raw.crm_contacts ORDER BY 1") == [
        ("C1", " persona_2 "),
        ("C2", None),
    ]


def test_warehouse_from_before_the_persona_column_gains_it(
    landing: Path, write_file: WriteFile, warehouse: Path
) -> None:
    conn = connect(warehouse)
    try:
        conn.execute("CREATE SCHEMA raw")
        conn.execute(
            "CREATE TABLE raw.crm_contacts (contact_id VARCHAR, email VARCHAR, phone VARCHAR, first_name VARCHAR, "
            "last_name VARCHAR, country VARCHAR, lifecycle_stage VARCHAR, original_source VARCHAR, "
            "created_at VARCHAR, updated_at VARCHAR, is_deleted VARCHAR, _extra_columns JSON, _drop_date DATE, "
            "_file VARCHAR, _line_number INTEGER)"
        )
    finally:
        conn.close()
    with_persona = CONTACTS_HEADER.replace("original_source,", "original_source,persona,")
    write_file(
        "crm/2026-01-01/contacts.csv",
        with_persona + "\nC1,a@example.com,,A,B,FR,lead,email,persona_1,2026-01-01T10:00:00Z,"
        "2026-01-01T10:00:00Z,false\n",
    )
    result = load_drops(warehouse, landing, "crm", [D1])

    assert result.problems == []
    assert query_rows(warehouse, "SELECT contact_id, persona FROM raw.crm_contacts") == [("C1", "persona_1")]
