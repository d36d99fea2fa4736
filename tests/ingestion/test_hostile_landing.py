"""A hostile landing zone: odd file names, links out of it, bad bytes, impossible values, broken files.

Every planted record is found: loaded, or quarantined with its reason; a file that cannot be read
fails its own drop with one line naming it; nothing outside the landing zone is read.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from orchestration.ingestion import connect, load_source
from orchestration.ingestion.landing import landing_warnings
from tests.conftest import CSAT_HEADER, DEALS_HEADER, NPS_HEADER, WriteFile
from tests.warehouse import load_drops, query_rows, run_dbt

D1 = date(2026, 1, 1)
D2 = date(2026, 1, 2)
D3 = date(2026, 1, 3)
ORDERS_HEADER = "order_id,contact_id,ordered_at,status,amount,currency,updated_at"
SUBSCRIPTIONS_HEADER = "subscription_id,contact_id,plan,mrr,currency,started_at,cancelled_at,cancel_reason,updated_at"
PROJECT_DIR = Path(__file__).resolve().parents[2]


def _web(message_id: str, timestamp: str = "2026-01-01T10:00:00Z", **extra: object) -> str:
    msg = {"messageId": message_id, "type": "page", "anonymousId": "a1", "timestamp": timestamp, "name": "Home"}
    msg.update(extra)
    return json.dumps(msg, ensure_ascii=False)


def test_file_names_are_never_patterns(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    names = ["events-1.ndjson", "events-[1].ndjson", "events-*.ndjson", "events-?.ndjson", "events-[!x]{a,b}.ndjson"]
    for i, name in enumerate(names):
        write_file(f"web/2026-01-01/{name}", _web(f"m{i}") + "\n")
    result = load_drops(warehouse, landing, "web", [D1])

    assert sorted((r.file, r.records_read) for r in result.files) == sorted((f"web/2026-01-01/{n}", 1) for n in names)
    loaded = query_rows(warehouse, "SELECT _file, message_id FROM raw.web_events ORDER BY message_id")
    assert loaded == [(f"web/2026-01-01/{n}", f"m{i}") for i, n in enumerate(names)]


def test_links_out_of_the_landing_zone_are_not_read(
    landing: Path, write_file: WriteFile, warehouse: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.ndjson").write_text(_web("stolen") + "\n", encoding="utf-8")
    (outside / "contacts-1.ndjson").write_text('{"ContactId": "K-stolen"}\n', encoding="utf-8")
    write_file("web/2026-01-01/events-1.ndjson", _web("own") + "\n")
    (landing / "web/2026-01-01/events-2.ndjson").symlink_to(outside / "secret.ndjson")
    (landing / "web/2026-01-01/events-3.ndjson").symlink_to("/etc/passwd")
    (landing / "web/2026-01-02").symlink_to(outside)
    (landing / "contact_centre").mkdir()
    (landing / "contact_centre/2026-01-01").symlink_to(outside)
    # a link that stays inside the landing zone is read like the file it leads to
    write_file("shared/events-9.ndjson", _web("shared") + "\n")
    (landing / "web/2026-01-01/events-9.ndjson").symlink_to(landing / "shared/events-9.ndjson")

    result = load_drops(warehouse, landing, "web", [D1, D2])
    assert result.skipped == ["web/2026-01-01/events-2.ndjson", "web/2026-01-01/events-3.ndjson", "web/2026-01-02"]
    assert [r.file for r in result.files] == ["web/2026-01-01/events-1.ndjson", "web/2026-01-01/events-9.ndjson"]
    assert query_rows(warehouse, "SELECT message_id FROM raw.web_events ORDER BY 1") == [("own",), ("shared",)]
    assert query_rows(warehouse, "SELECT count(*) FROM raw.quarantine") == [(0,)]
    assert load_drops(warehouse, landing, "contact_centre", [D1]).files == []
    assert query_rows(warehouse, "SELECT count(*) FROM raw.contact_centre_contacts") == [(0,)]

    warnings = landing_warnings(landing)
    assert len(warnings) == 4, warnings
    for name in ["web/2026-01-01/events-2.ndjson", "web/2026-01-01/events-3.ndjson", "web/2026-01-02"]:
        assert any(w.startswith(f"{name} is a link to ") and "outside the landing zone" in w for w in warnings)
    assert any(w.startswith("contact_centre/2026-01-01 is a link to") for w in warnings)


def test_invalid_utf8_quarantines_only_its_record(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    body = (_web("m1") + "\n" + _web("m2", name="Caf\udcff") + "\n" + _web("m3", name="Café") + "\n").encode(
        "utf-8", errors="surrogateescape"
    )
    (landing / "web/2026-01-01").mkdir(parents=True)
    (landing / "web/2026-01-01/events-1.ndjson").write_bytes(body)
    (landing / "web/2026-01-02").mkdir(parents=True)
    (landing / "web/2026-01-02/events-1.ndjson.gz").write_bytes(gzip.compress(body))
    csv_body = (
        NPS_HEADER + "\nR1,C1,,9,ok,2026-01-01T10:00:00Z\n"
        'R2,C1,,7,"two\nlines \udcfe\udcff",2026-01-01T10:00:00Z\n'
        "R3,C1,,8,tr\u00e8s bien,2026-01-01T10:00:00Z\n"
    ).encode("utf-8", errors="surrogateescape")
    (landing / "crm/2026-01-01").mkdir(parents=True)
    (landing / "crm/2026-01-01/nps_responses.csv").write_bytes(csv_body)

    web = load_drops(warehouse, landing, "web", [D1, D2])
    crm = load_drops(warehouse, landing, "crm", [D1])

    assert web.problems == [] and crm.problems == []
    assert [(r.records_read, r.records_loaded, r.records_quarantined) for r in web.files + crm.files] == [
        (3, 2, 1),
        (3, 2, 1),
        (3, 2, 1),
    ]
    assert query_rows(warehouse, "SELECT DISTINCT message_id, name FROM raw.web_events ORDER BY 1") == [
        ("m1", "Home"),
        ("m3", "Café"),
    ]
    assert query_rows(warehouse, "SELECT response_id, comment FROM raw.crm_nps_responses ORDER BY 1") == [
        ("R1", "ok"),
        ("R3", "très bien"),
    ]
    quarantined = query_rows(warehouse, "SELECT file, line_number, raw_text, reason FROM raw.quarantine ORDER BY 1, 2")
    assert [(f, line) for f, line, _, _ in quarantined] == [
        ("crm/2026-01-01/nps_responses.csv", 3),
        ("web/2026-01-01/events-1.ndjson", 2),
        ("web/2026-01-02/events-1.ndjson.gz", 2),
    ]
    assert {reason for *_, reason in quarantined} == {"invalid UTF-8 (bytes shown as \\xNN)"}
    assert quarantined[0][2] == 'R2,C1,,7,"two\nlines \\xfe\\xff",2026-01-01T10:00:00Z'
    assert '"name": "Caf\\xff"' in quarantined[1][2] and quarantined[1][2] == quarantined[2][2]


def test_amounts_scores_and_timestamps_out_of_range(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    ok = "2026-01-01T10:00:00Z"
    write_file(
        "crm/2026-01-01/orders.csv",
        ORDERS_HEADER + "\n"
        f"O1,C1,{ok},completed,9999999999999999.99,EUR,{ok}\n"
        f"O2,C1,{ok},completed,1234567890123456789012345,EUR,{ok}\n"
        f"O3,C1,{ok},completed,9999999999999999.995,EUR,{ok}\n"
        f"O4,C1,{ok},completed,-9999999999999999.994,EUR,{ok}\n"
        f"O5,C1,0001-01-01T00:00:00Z,completed,1,EUR,{ok}\n"
        f"O6,C1,9999-12-31T00:00:00Z,completed,1,EUR,{ok}\n"
        f"O7,C1,10000-01-01T00:00:00Z,completed,1,EUR,{ok}\n"
        f"O8,C1,2026-02-30T10:00:00Z,completed,1,EUR,{ok}\n"
        f"O9,C1,1989-12-31T23:59:59Z,completed,1,EUR,{ok}\n"
        f"O10,C1,1990-01-01T00:00:00Z,completed,1,EUR,{ok}\n"
        f"O11,C1,2026-01-03T00:00:00Z,completed,1,EUR,{ok}\n"
        f"O12,C1,2026-01-03T00:00:01Z,completed,1,EUR,{ok}\n"
        f"O13,C1,2026-01-03T01:00:00+02:00,completed,1,EUR,{ok}\n",
    )
    write_file(
        "crm/2026-01-01/subscriptions.csv",
        SUBSCRIPTIONS_HEADER + f"\nS1,C1,pro,99999999999999999,EUR,{ok},,,{ok}\nS2,C1,pro,12.5,EUR,{ok},,,{ok}\n",
    )
    write_file(
        "crm/2026-01-01/deals.csv",
        DEALS_HEADER + f"\nD1,C1,closedwon,1e3,EUR,{ok},,{ok}\nD2,C1,closedwon,10000000000000000,EUR,{ok},,{ok}\n",
    )
    write_file(
        "crm/2026-01-01/nps_responses.csv",
        NPS_HEADER + f"\nR1,C1,,99999999999999999999999999999999999999999,,{ok}\nR2,C1,,10,,{ok}\n",
    )
    write_file("contact_centre/2026-01-01/csat_surveys.csv", CSAT_HEADER + f"\nV1,K1,5,{ok}\nV2,K1,-3,{ok}\n")
    write_file(
        "web/2026-01-01/events-1.ndjson",
        "\n".join(
            [
                _web("w1"),
                _web("w2", timestamp="10000-01-01T00:00:00Z"),
                _web("w3", timestamp="0001-01-01T00:00:00Z"),
                _web("w4", receivedAt="2999-01-01T00:00:00Z"),
                _web("w5", timestamp="2026-02-30T00:00:00Z"),
            ]
        )
        + "\n",
    )
    load_drops(warehouse, landing, "crm", [D1])
    load_drops(warehouse, landing, "web", [D1])
    load_drops(warehouse, landing, "contact_centre", [D1])

    implausible = "(before 1990-01-01 or more than 1 day after the drop day)"
    reasons = dict(
        query_rows(warehouse, "SELECT split_part(raw_text, ',', 1), reason FROM raw.quarantine WHERE source <> 'web'")
    )
    web_reasons = dict(
        query_rows(warehouse, "SELECT raw_text::JSON->>'messageId', reason FROM raw.quarantine WHERE source = 'web'")
    )
    assert reasons.pop("O2") == "amount out of range of DECIMAL(18, 2): 1234567890123456789012345"
    assert reasons.pop("O3") == "amount out of range of DECIMAL(18, 2): 9999999999999999.995"
    assert reasons.pop("O5") == f"implausible timestamp in ordered_at {implausible}: 0001-01-01T00:00:00Z"
    assert reasons.pop("O6") == f"implausible timestamp in ordered_at {implausible}: 9999-12-31T00:00:00Z"
    assert reasons.pop("O7") == f"implausible timestamp in ordered_at {implausible}: 10000-01-01T00:00:00Z"
    assert reasons.pop("O8") == "unparseable timestamp in ordered_at: 2026-02-30T10:00:00Z"
    assert reasons.pop("O9") == f"implausible timestamp in ordered_at {implausible}: 1989-12-31T23:59:59Z"
    assert reasons.pop("O12") == f"implausible timestamp in ordered_at {implausible}: 2026-01-03T00:00:01Z"
    assert reasons.pop("S1") == "mrr out of range of DECIMAL(18, 2): 99999999999999999"
    assert reasons.pop("D1") == "non-numeric amount: 1e3"
    assert reasons.pop("D2") == "amount out of range of DECIMAL(18, 2): 10000000000000000"
    assert reasons.pop("R1") == "score out of range 0..10: 99999999999999999999999999999999999999999"
    assert reasons.pop("V2") == "score out of range 1..5: -3"
    assert reasons == {}
    assert web_reasons == {
        "w2": f"implausible timestamp in timestamp {implausible}: 10000-01-01T00:00:00Z",
        "w3": f"implausible timestamp in timestamp {implausible}: 0001-01-01T00:00:00Z",
        "w4": f"implausible timestamp in receivedAt {implausible}: 2999-01-01T00:00:00Z",
        "w5": "unparseable timestamp in timestamp: 2026-02-30T00:00:00Z",
    }
    assert query_rows(warehouse, "SELECT order_id FROM raw.crm_orders ORDER BY 1") == [
        ("O1",),
        ("O10",),
        ("O11",),
        ("O13",),
        ("O4",),
    ]
    assert query_rows(warehouse, "SELECT message_id FROM raw.web_events") == [("w1",)]


def test_staging_casts_every_value_ingestion_loaded(
    landing: Path, write_file: WriteFile, warehouse: Path, tmp_path: Path
) -> None:
    """The largest amounts and the earliest and latest timestamps ingestion loads build in dbt."""
    ok, first, last = "2026-01-01T10:00:00Z", "1990-01-01T00:00:00Z", "2026-01-03T00:00:00Z"
    write_file(
        "crm/2026-01-01/orders.csv",
        ORDERS_HEADER + f"\nO1,C1,{first},completed,9999999999999999.99,EUR,{last}\n"
        f"O2,C1,{last},completed,-9999999999999999.994,EUR,{ok}\n"
        f"O3,C1,{ok},completed,12345678901234567890,EUR,{ok}\n",
    )
    write_file(
        "crm/2026-01-01/subscriptions.csv",
        SUBSCRIPTIONS_HEADER + f"\nS1,C1,pro,9999999999999999.994,EUR,{first},{last},,{ok}\n",
    )
    write_file("crm/2026-01-01/deals.csv", DEALS_HEADER + f"\nD1,C1,closedwon,-0.001,EUR,{first},{last},{last}\n")
    assert load_drops(warehouse, landing, "crm", [D1]).problems == []
    assert query_rows(warehouse, "SELECT count(*) FROM raw.quarantine") == [(1,)]

    models = ["stg_crm__orders", "stg_crm__subscriptions", "stg_crm__deals"]
    run_dbt(warehouse, tmp_path / "target", "run", "--select", *models, timeout=600)
    assert query_rows(warehouse, "SELECT order_id, amount::VARCHAR FROM staging.stg_crm__orders ORDER BY 1") == [
        ("O1", "9999999999999999.99"),
        ("O2", "-9999999999999999.99"),
    ]


def test_broken_csv_headers_fail_their_drop_naming_file_and_column(
    landing: Path, write_file: WriteFile, warehouse: Path
) -> None:
    row = "R1,C1,,9,fine,2026-01-01T10:00:00Z\nR2,C1,,8,good,2026-01-01T11:00:00Z\n"
    write_file("crm/2026-01-01/nps_responses.csv", NPS_HEADER.replace("comment", "score") + "\n" + row)
    write_file("crm/2026-01-02/nps_responses.csv", NPS_HEADER.replace(",email,", ',"email,') + "\n" + row)
    write_file("crm/2026-01-03/nps_responses.csv", NPS_HEADER + "\n" + row.replace("R", "G"))
    write_file("contact_centre/2026-01-01/csat_surveys.csv", 'survey_id,contact_"record_id,score,submitted_at\n')
    result = load_drops(warehouse, landing, "crm", [D1, D2, D3])
    cc = load_drops(warehouse, landing, "contact_centre", [D1])

    assert [(p.file, p.column, p.message) for p in result.problems] == [
        (
            "crm/2026-01-01/nps_responses.csv",
            "score",
            "crm/2026-01-01/nps_responses.csv: column 'score' appears 2 times in the header",
        ),
        (
            "crm/2026-01-02/nps_responses.csv",
            "(header)",
            "crm/2026-01-02/nps_responses.csv: malformed header: unterminated quote in column '\"email'",
        ),
    ]
    assert [p.message for p in cc.problems] == [
        "contact_centre/2026-01-01/csat_surveys.csv: malformed header: stray double quote in column "
        "'contact_\"record_id'"
    ]
    assert result.loaded_drops == [D3] and cc.loaded_drops == []
    assert query_rows(warehouse, "SELECT response_id FROM raw.crm_nps_responses ORDER BY 1") == [("G1",), ("G2",)]


def test_unreadable_files_fail_only_their_drop(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    good = _web("fine") + "\n"
    full = gzip.compress((good * 200).encode())
    write_file("web/2026-01-01/events-1.ndjson.gz", good)
    (landing / "web/2026-01-01/events-2.ndjson.gz").write_bytes(full[: len(full) // 2])
    write_file("web/2026-01-02/events-1.ndjson", good.replace("fine", "plain"))
    (landing / "web/2026-01-02/events-2.ndjson.gz").write_text(good, encoding="utf-8")
    write_file("web/2026-01-03/events-1.ndjson.gz", good.replace("fine", "kept"))
    write_file("crm/2026-01-01/nps_responses.csv.gz", NPS_HEADER + "\n")
    (landing / "crm/2026-01-02").mkdir()
    (landing / "crm/2026-01-02/deals.csv.gz").write_bytes(gzip.compress(b"deal_id,contact_id\n" * 5000)[:40])
    web = load_drops(warehouse, landing, "web", [D1, D2, D3])
    crm = load_drops(warehouse, landing, "crm", [D1, D2])

    assert [p.message for p in web.problems] == [
        "web/2026-01-02/events-2.ndjson.gz: cannot be read: not a gzip file (it does not start with the gzip "
        "magic bytes)",
        "web/2026-01-01/events-2.ndjson.gz: cannot be read: truncated gzip file (it ends before its "
        "end-of-stream marker)",
    ]
    assert [p.message for p in crm.problems] == [
        "crm/2026-01-02/deals.csv.gz: cannot be read: truncated gzip file (it ends before its end-of-stream marker)"
    ]
    assert web.loaded_drops == [D3] and crm.loaded_drops == [D1]
    assert query_rows(warehouse, "SELECT message_id FROM raw.web_events") == [("kept",)]
    assert query_rows(warehouse, "SELECT drop_date FROM raw.loaded_drops WHERE source = 'web'") == [(D3,)]


_UNREADABLE_SCRIPT = """
import sys
from datetime import date
from pathlib import Path
from orchestration.ingestion import connect, load_source
conn = connect(Path(sys.argv[2]))
r = load_source(conn, Path(sys.argv[1]), "web", [date(2026, 1, 1), date(2026, 1, 2)])
print([p.message for p in r.problems], r.loaded_drops, conn.execute("SELECT message_id FROM raw.web_events").fetchall())
"""


def test_a_file_without_read_permission_fails_only_its_drop(tmp_path: Path) -> None:
    """Root reads every file: as root, the load runs without the capabilities that allow it."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable to the loader")
        caps = "-dac_override,-dac_read_search"
        prefix = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]
    landing = tmp_path / "landing"
    for day, name in [("2026-01-01", "fine"), ("2026-01-02", "other")]:
        (landing / "web" / day).mkdir(parents=True)
        (landing / "web" / day / "events-1.ndjson").write_text(_web(name) + "\n", encoding="utf-8")
    secret = landing / "web/2026-01-01/events-2.ndjson"
    secret.write_text(_web("hidden") + "\n", encoding="utf-8")
    secret.chmod(0)
    command = [*prefix, sys.executable, "-c", _UNREADABLE_SCRIPT, str(landing), str(tmp_path / "w.duckdb")]
    done = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "['web/2026-01-01/events-2.ndjson: cannot be read: permission denied'] [datetime.date(2026, 1, 2)] [('other',)]"
    )


def test_folders_that_are_not_drop_dates_are_reported_with_their_counts(landing: Path, write_file: WriteFile) -> None:
    write_file("crm/2026-01-01/nps_responses.csv", NPS_HEADER + "\n")
    write_file("crm/2026-13-45/contacts.csv", "a\nb\nc\n")
    write_file("crm/2026-13-45/deals.csv", "x\ny")
    write_file("web/latest/events-1.ndjson.gz", _web("m1") + "\n" + _web("m2") + "\n")
    write_file("web/2026-02-30/events-1.ndjson", _web("m1") + "\n")
    write_file("contact_centre/2026-1-5/contacts-1.ndjson", "")
    write_file("web/.hidden/events-1.ndjson", _web("m1") + "\n")

    assert landing_warnings(landing) == [
        "crm/2026-13-45 is not a drop date (a real date, YYYY-MM-DD): 2 files, 5 lines not loaded",
        "web/2026-02-30 is not a drop date (a real date, YYYY-MM-DD): 1 file, 1 line not loaded",
        "web/latest is not a drop date (a real date, YYYY-MM-DD): 1 file, 2 lines not loaded",
        "contact_centre/2026-1-5 is not a drop date (a real date, YYYY-MM-DD): 1 file, 0 lines not loaded",
    ]


def _plant_hostile_zone(landing: Path, outside: Path) -> None:
    """One planted case of each kind, over every source."""

    def put(relative: str, data: str | bytes) -> Path:
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    ok = "2026-01-01T10:00:00Z"
    bad_utf8 = (_web("u1") + "\n" + _web("u2", name="x\udcff") + "\n").encode("utf-8", errors="surrogateescape")
    put("web/2026-01-01/events-[1].ndjson", _web("g1") + "\n" + _web("g2") + "\n")
    put("web/2026-01-01/events-*.ndjson", bad_utf8)
    put(
        "web/2026-01-01/events-2.ndjson",
        "\n".join(
            _web(f"t{i}", timestamp=t)
            for i, t in enumerate(["0001-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "2026-02-30T00:00:00Z", ok])
        )
        + "\n",
    )
    outside.mkdir()
    (outside / "events.ndjson").write_text(_web("stolen") + "\n", encoding="utf-8")
    (landing / "web/2026-01-01/events-3.ndjson").symlink_to(outside / "events.ndjson")
    packed = gzip.compress((_web("z") + "\n").encode() * 100)
    put("web/2026-01-02/events-1.ndjson.gz", packed[: len(packed) // 2])
    put("web/2026-01-03/events-1.ndjson.gz", gzip.compress((_web("fine") + "\n").encode()))
    put("web/latest/events-1.ndjson", _web("latest") + "\n")
    put(
        "crm/2026-01-01/orders.csv",
        ORDERS_HEADER + f"\nO1,C1,{ok},completed,1234567890123456789012345,EUR,{ok}\n"
        f"O2,C1,{ok},completed,12.50,EUR,{ok}\nO3,C1,1989-12-31T00:00:00Z,completed,1,EUR,{ok}\n",
    )
    put(
        "crm/2026-01-01/nps_responses.csv",
        (
            NPS_HEADER + f"\nR1,C1,,99999999999999999999,,{ok}\n"
            f'R2,C1,,9,"multi\nline \udcfe",{ok}\nR3,C1,,9,fine,{ok}\n'
        ).encode("utf-8", errors="surrogateescape"),
    )
    put("crm/2026-01-02/nps_responses.csv", NPS_HEADER.replace("comment", "email") + f"\nR4,C1,,9,,{ok}\n")
    put("crm/2026-01-03/nps_responses.csv", NPS_HEADER.replace("score", 'sc"ore') + f"\nR5,C1,,9,,{ok}\n")
    put("crm/2026-01-03/orders.csv", ORDERS_HEADER + f"\nO9,C1,{ok},completed,1,EUR,{ok}\n")
    put(
        "contact_centre/2026-01-01/contacts-1.ndjson",
        json.dumps({"ContactId": "K1", "Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": ok})
        + "\n"
        + json.dumps(
            {"ContactId": "K2", "Channel": "VOICE", "InitiationMethod": "INBOUND", "InitiationTimestamp": ok}
            | {"DisconnectTimestamp": "9999-01-01T00:00:00Z"}
        )
        + "\n",
    )
    put("contact_centre/2026-01-01/csat_surveys.csv", CSAT_HEADER + f"\nV1,K1,5,{ok}\nV2,K1,-3,{ok}\n")


def test_the_reference_reader_agrees_with_the_loader(landing: Path, warehouse: Path, tmp_path: Path) -> None:
    """The reference implementation of the contract finds the same records, quarantine and
    failed drops as the loader on a hostile landing zone."""
    from orchestration.ingestion.contract import ENTITIES, SOURCES
    from orchestration.ingestion.landing import drop_dates
    from tests.reference.raw import read_landing

    _plant_hostile_zone(landing, tmp_path / "outside")
    conn = connect(warehouse)
    try:
        for source in SOURCES:
            load_source(conn, landing, source, drop_dates(landing, source))
        quarantined = conn.execute("SELECT file, line_number FROM raw.quarantine ORDER BY 1, 2").fetchall()
        rejected = conn.execute("SELECT source, drop_date FROM raw.rejected_drops ORDER BY 1, 2").fetchall()
        loaded = sorted(
            row
            for entity in ENTITIES
            for row in conn.execute(f"SELECT _file, _line_number FROM raw.{entity.table}").fetchall()
        )
    finally:
        conn.close()

    reference = read_landing(landing)
    records = [
        *reference.contacts,
        *reference.deals,
        *reference.orders,
        *reference.subscriptions,
        *reference.nps_responses,
        *reference.csat_surveys,
        *reference.web_events,
        *reference.contact_records,
    ]
    assert sorted((q.file, q.line) for q in reference.quarantine) == quarantined
    assert sorted({(p.source, p.drop) for p in reference.failed_drops}) == rejected
    assert sorted((r.delivery[1], r.delivery[2]) for r in records) == loaded
    # and the planted cases are where they should be
    assert rejected == [("crm", D2), ("crm", D3), ("web", D2)]
    assert len(quarantined) == 10 and len(loaded) == 9
