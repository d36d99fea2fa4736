"""A drop whose files break the contract is rejected once, and requested again only when its files change."""

from __future__ import annotations

import gzip
import os
from datetime import date
from pathlib import Path

import dagster as dg

from orchestration.definitions import build_definitions
from orchestration.defs.automation import NEW_DROP_SENSOR, pending_drop_dates
from orchestration.ingestion import connect, load_source
from orchestration.ingestion.changes import rejected_drops
from orchestration.settings import Settings
from tests.conftest import CONTACTS_HEADER, WriteFile
from tests.warehouse import query_rows

D1 = date(2026, 1, 1)
D2 = date(2026, 1, 2)
D3 = date(2026, 1, 3)
ROW = "C{n},a@x.com,,A,B,FR,lead,direct,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z,false\n"


def _load_all(warehouse: Path, landing: Path, drops: list[date]) -> None:
    conn = connect(warehouse)
    try:
        for source in ("crm", "web", "contact_centre"):
            load_source(conn, landing, source, drops)
    finally:
        conn.close()


def test_rejected_drop_waits_for_new_files(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    write_file("crm/2026-01-01/contacts.csv", CONTACTS_HEADER + "\n" + ROW.format(n=1))
    renamed = write_file(
        "crm/2026-01-02/contacts.csv", CONTACTS_HEADER.replace("updated_at", "modified_at") + "\n" + ROW.format(n=2)
    )
    truncated = landing / "web/2026-01-03/events-1.ndjson.gz"
    truncated.parent.mkdir(parents=True)
    truncated.write_bytes(gzip.compress(b'{"messageId": "m"}\n' * 1000)[:30])
    settings = Settings(landing_dir=landing, duckdb_path=warehouse)
    assert pending_drop_dates(settings) == [D1, D2, D3]

    _load_all(warehouse, landing, [D1, D2, D3])
    rows = query_rows(warehouse, "SELECT source, drop_date, reasons FROM raw.rejected_drops ORDER BY 2")
    assert rows == [
        (
            "crm",
            D2,
            "crm/2026-01-02/contacts.csv: required column 'updated_at' is missing (header: "
            + CONTACTS_HEADER.replace("updated_at", "modified_at").replace(",", ", ")
            + ")",
        ),
        (
            "web",
            D3,
            "web/2026-01-03/events-1.ndjson.gz: cannot be read: truncated gzip file (it ends before its "
            "end-of-stream marker)",
        ),
    ]
    # the new-drop sensor and `journey run` do not request them again while their files stay the same
    assert pending_drop_dates(settings) == []
    with dg.instance_for_test() as instance:
        defs = build_definitions(settings)
        sensor = next(s for s in defs.sensors if s.name == NEW_DROP_SENSOR)
        tick = sensor(dg.build_sensor_context(instance=instance, definitions=defs))
        assert isinstance(tick, dg.SkipReason) and "no new or changed drop" in tick.skip_message
    conn = connect(warehouse, read_only=True)
    try:
        assert [(r.source, r.drop_date) for r in rejected_drops(conn, landing)] == [("crm", D2), ("web", D3)]
    finally:
        conn.close()

    # a changed file makes its drop pending again; loaded fine, it is no longer rejected
    renamed.write_text(CONTACTS_HEADER + "\n" + ROW.format(n=2), encoding="utf-8")
    os.utime(renamed, (1_800_000_000, 1_800_000_000))
    assert pending_drop_dates(settings) == [D2]
    _load_all(warehouse, landing, [D2])
    assert query_rows(warehouse, "SELECT source, drop_date FROM raw.rejected_drops") == [("web", D3)]
    assert query_rows(warehouse, "SELECT contact_id FROM raw.crm_contacts ORDER BY 1") == [("C1",), ("C2",)]
    # a rejected drop whose folder goes is pending once, to clear its rejection
    truncated.unlink()
    truncated.parent.rmdir()
    assert pending_drop_dates(settings) == [D3]
    _load_all(warehouse, landing, [D3])
    assert query_rows(warehouse, "SELECT count(*) FROM raw.rejected_drops") == [(0,)]
    assert pending_drop_dates(settings) == []
