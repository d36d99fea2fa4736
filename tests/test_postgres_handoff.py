"""PostgreSQL: the project's script starts a real server; DuckDB's raw tables reach it unchanged."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg2
import pytest

from orchestration.errors import UserError
from orchestration.handoff import hand_off_to_postgres, postgres_dsn
from orchestration.ingestion import connect
from orchestration.sentiment.interface import load_scorer
from tests.conftest import CONTACTS_HEADER, NPS_HEADER, WriteFile
from tests.engines import postgres_database
from tests.warehouse import load_drops

D1 = date(2026, 1, 1)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("postgres")]


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with postgres_database("journey_handoff") as name:
        yield postgres_dsn({"JOURNEY_POSTGRES_DATABASE": name})


def _duckdb_raw(warehouse: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    conn = connect(warehouse, read_only=True)
    try:
        names = [
            t for (t,) in conn.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall()
        ]
        out = {}
        for t in names:
            cur = conn.execute(f"SELECT * FROM raw.{t}")
            out[t] = ([d[0] for d in cur.description], sorted(cur.fetchall(), key=repr))
        return out
    finally:
        conn.close()


def _postgres_raw(dsn: str, tables: list[str]) -> dict[str, tuple[list[str], list[tuple]]]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        out = {}
        for t in tables:
            cur.execute(f"SELECT * FROM raw.{t}")
            out[t] = ([d[0] for d in cur.description], sorted(cur.fetchall(), key=repr))
        return out


def test_raw_tables_quarantine_and_audit_reach_postgres_as_loaded(
    database: str, landing: Path, write_file: WriteFile, warehouse: Path
) -> None:
    write_file(
        "crm/2026-01-01/contacts.csv",
        CONTACTS_HEADER + "\n"
        'C1,Ann@Example.com,06 12 34 56 78,Ann,"Lee, Jr",FR,lead,direct,2026-01-01T10:00:00Z,'
        "2026-01-01T10:00:00Z,false\n"
        'C2,b@example.com,"","Bo\nmulti ""line""",Ma,US,lead,email,2026-01-01T09:00:00-05:00,'
        "2026-01-01 14:00:00,false\n"
        "C3,too,few,fields\n",
    )
    write_file(
        "crm/2026-01-01/nps_responses.csv",
        NPS_HEADER + "\n"
        "R1,C1,,10,  great service ,2026-01-01T10:00:00Z\n"
        "R2,C2,,2,awful wait,2026-01-01T11:00:00Z\n"
        "R3,C1,,3,,2026-01-01T12:00:00Z\n"
        "R4,C1,,eleven,,2026-01-01T12:00:00Z\n",
    )
    path = landing / "crm/2026-01-01/nps_responses.csv"
    path.write_bytes(path.read_bytes() + b"R5,C1,,9,caf\xe9,2026-01-01T12:00:00Z\n")
    load_drops(warehouse, landing, "crm", [D1])

    conn = connect(warehouse)
    try:
        copied = hand_off_to_postgres(conn, database)
        # a second handoff replaces the tables: nothing doubles
        assert hand_off_to_postgres(conn, database) == copied
    finally:
        conn.close()

    in_duckdb = _duckdb_raw(warehouse)
    in_postgres = _postgres_raw(database, sorted(in_duckdb))
    assert set(in_duckdb) >= {"crm_contacts", "crm_nps_responses", "quarantine", "loaded_files", "load_log"}
    for table, (columns, rows) in in_duckdb.items():
        assert in_postgres[table][0] == columns, table
        assert in_postgres[table][1] == rows, table
        assert copied[table] == len(rows)

    with psycopg2.connect(database) as pg, pg.cursor() as cur:
        cur.execute("SELECT file, line_number, reason, raw_text FROM raw.quarantine ORDER BY file, line_number")
        assert cur.fetchall() == [
            ("crm/2026-01-01/contacts.csv", 5, "wrong number of fields: expected 11, found 4", "C3,too,few,fields"),
            (
                "crm/2026-01-01/nps_responses.csv",
                5,
                "score is not an integer: eleven",
                "R4,C1,,eleven,,2026-01-01T12:00:00Z",
            ),
            (
                "crm/2026-01-01/nps_responses.csv",
                6,
                "invalid UTF-8 (bytes shown as \\xNN)",
                "R5,C1,,9,caf\\xe9,2026-01-01T12:00:00Z",
            ),
        ]
        cur.execute("SELECT contact_id, phone, last_name, first_name FROM raw.crm_contacts ORDER BY 1")
        assert cur.fetchall() == [
            ("C1", "06 12 34 56 78", "Lee, Jr", "Ann"),
            ("C2", None, "Ma", 'Bo\nmulti "line"'),
        ]
        cur.execute("SELECT comment_md5, sentiment_score FROM raw.comment_sentiment ORDER BY 1")
        scored = dict(cur.fetchall())
    scorer = load_scorer()
    expected = {hashlib.md5(c.encode()).hexdigest(): scorer.score(c) for c in ("great service", "awful wait")}
    assert scored.keys() == expected.keys()
    for key, score in expected.items():
        assert scored[key] == pytest.approx(score)
    assert expected[hashlib.md5(b"great service").hexdigest()] > 0 > expected[hashlib.md5(b"awful wait").hexdigest()]


def test_an_unreachable_server_is_one_clear_error(warehouse: Path) -> None:
    conn = connect(warehouse)
    try:
        with pytest.raises(UserError, match=r"^cannot connect to PostgreSQL \(JOURNEY_POSTGRES_\*\): "):
            hand_off_to_postgres(conn, "host=127.0.0.1 port=1 user=journey dbname=journey connect_timeout=5")
    finally:
        conn.close()
