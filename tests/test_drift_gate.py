"""The drift gate an operator can live with, and deletions that always reach the publication.

One hand-made landing zone, run through `journey run` as an operator runs it: a month whose NPS
rests on one response, then on three (a move no drift alarm should raise under the minimum
sample), then a contact deleted whose removal moves that month past the drift limit (the gate
blocks, yet the deleted person leaves the publication at once), `journey status` saying since
when and how to release it, and `journey accept-drift` releasing it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from orchestration.quality import drift_limits, validate_marts
from tests.reference.cases.builders import CONTACTS_HEADER, NPS_HEADER, contact, nps, web, write_csv, write_ndjson

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("drift_gate")]


def _journey(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args], env=env, capture_output=True, text=True, timeout=900
    )


def _published(publish_dir: Path, sql: str) -> list[tuple]:
    conn = duckdb.connect(str(publish_dir / "journey.duckdb"), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _january_nps(publish_dir: Path) -> tuple:
    return _published(
        publish_dir,
        "SELECT cast(nps AS DOUBLE), nps_responses FROM marts.mart_cx_kpis_monthly WHERE month = '2026-01-01'",
    )[0]


def _dashboard_built(index: Path) -> str:
    """When the dashboard was written (its index says, in ISO 8601)."""
    return re.search(r"Built (\S+)\.", index.read_text(encoding="utf-8")).group(1)


def test_small_samples_do_not_alarm_and_a_blocked_publication_says_how_to_release_it(tmp_path: Path) -> None:
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "warehouse.duckdb"
    publish_dir = warehouse.parent / "published"
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster")}
    for name in ("JOURNEY_PUBLISH_DIR", "JOURNEY_DATA_DOCS_DIR", "JOURNEY_DRIFT_MIN_RESPONSES"):
        env.pop(name, None)
    run = ["run", "--landing", str(landing), "--warehouse", str(warehouse)]
    strict = {**env, "JOURNEY_DRIFT_MIN_RESPONSES": "1"}

    write_csv(
        landing,
        "crm/2026-01-10/contacts.csv",
        CONTACTS_HEADER,
        [contact(f"c{i}", "2026-01-02T09:00:00Z", email=f"person{i}@example.com") for i in range(1, 5)],
    )
    write_csv(landing, "crm/2026-01-10/nps_responses.csv", NPS_HEADER, [nps("r1", 10, "2026-01-05T10:00:00Z", "c1")])
    write_ndjson(
        landing, "web/2026-02-02/events-1.ndjson", [web("m1", "page", "a4", "2026-02-01T10:00:00Z", "c4", "/")]
    )
    first = _journey(run, strict)
    assert first.returncode == 0, first.stderr[-3000:]
    assert _january_nps(publish_dir) == (100.0, 1)

    # two more responses for January: its NPS moves 133 points, on 3 responses: no alarm by default
    write_csv(
        landing,
        "crm/2026-02-03/nps_responses.csv",
        NPS_HEADER,
        [nps("r2", 0, "2026-01-20T10:00:00Z", "c2"), nps("r3", 0, "2026-01-21T10:00:00Z", "c3")],
    )
    second = _journey(run, env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert _january_nps(publish_dir) == (-33.3, 3)
    summary = json.loads((warehouse.parent / "data_docs" / "validation_summary.json").read_text())
    assert summary["marts"]["drift"]["warnings"] == [] and summary["marts"]["drift"]["errors"] == []

    # c1 asks to be forgotten: January moves from -33.3 to -100, past the limit when one response is enough
    write_csv(
        landing,
        "crm/2026-02-04/contacts.csv",
        CONTACTS_HEADER,
        [contact("c1", "2026-01-02T09:00:00Z", updated="2026-02-03T12:00:00Z", deleted=True)],
    )
    dashboard = publish_dir / "dashboard" / "index.html"
    built_before = _dashboard_built(dashboard)
    blocked = _journey(run, strict)
    assert blocked.returncode == 1
    assert "Traceback" not in blocked.stderr
    assert "NPS of 2026-01: -33.3 published (3 responses), -100 now (2 responses)" in blocked.stderr
    assert "journey accept-drift" in blocked.stderr
    # the gate held the new marts back, but the deleted person left the publication at once
    assert _january_nps(publish_dir) == (-33.3, 3)
    tables = [
        t
        for (t,) in _published(
            publish_dir, "SELECT table_name FROM duckdb_columns() WHERE column_name = 'customer_key'"
        )
    ]
    assert {"dim_customers", "fct_customer_journey", "fct_touchpoints"} <= set(tables)
    for table in tables:
        assert _published(publish_dir, f"SELECT count(*) FROM marts.{table} WHERE customer_key = 'c1'") == [(0,)]
    parquet = publish_dir / "parquet" / "dim_customers.parquet"
    assert _published(publish_dir, f"SELECT count(*) FROM read_parquet('{parquet}') WHERE customer_key = 'c1'") == [
        (0,)
    ]
    meta = json.loads((publish_dir / "publication.json").read_text())
    assert meta["purges"] and meta["row_counts"]["dim_customers"] == 3
    # and the dashboard was written again from the purged publication
    assert _dashboard_built(dashboard) > built_before
    assert ">c1<" not in (publish_dir / "dashboard" / "actions.html").read_text(encoding="utf-8")

    status = _journey(["status", "--landing", str(landing), "--warehouse", str(warehouse)], strict)
    assert status.returncode == 1, status.stdout + status.stderr
    assert "publication blocked since" in status.stdout
    assert "-100 now (2 responses)" in status.stdout and "journey accept-drift" in status.stdout

    accepted = _journey(["accept-drift", "--landing", str(landing), "--warehouse", str(warehouse)], strict)
    assert accepted.returncode == 0, accepted.stderr[-3000:]
    assert "published" in accepted.stderr
    assert _january_nps(publish_dir) == (-100.0, 2)
    assert json.loads((publish_dir / "publication.json").read_text())["purges"] == []

    after = _journey(run, strict)
    assert after.returncode == 0, after.stderr[-3000:]
    cleared = _journey(["status", "--landing", str(landing), "--warehouse", str(warehouse)], strict)
    assert cleared.returncode == 0 and "validation: passed" in cleared.stdout


def test_a_large_mart_losing_rows_blocks_and_a_small_one_does_not(tmp_path: Path) -> None:
    """A re-delivered CRM drop that holds a third of its contacts: dim_customers falls from 120 rows
    to 40. Published with 120 >= min_rows (100) rows, the loss blocks the publication; with min_rows
    above every published mart's row count, the same loss is not compared."""
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "warehouse.duckdb"
    publish_dir = warehouse.parent / "published"
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster")}
    for name in ("JOURNEY_PUBLISH_DIR", "JOURNEY_DATA_DOCS_DIR", "JOURNEY_DRIFT_MIN_ROWS"):
        env.pop(name, None)
    run = ["run", "--landing", str(landing), "--warehouse", str(warehouse)]

    def deliver(contacts: int) -> None:
        rows = [contact(f"c{i:03d}", "2026-01-02T09:00:00Z", lifecycle="subscriber") for i in range(contacts)]
        write_csv(landing, "crm/2026-01-10/contacts.csv", CONTACTS_HEADER, rows)

    deliver(120)
    first = _journey(run, env)
    assert first.returncode == 0, first.stderr[-3000:]
    counts = json.loads((publish_dir / "publication.json").read_text())["row_counts"]
    assert counts["dim_customers"] == 120 and max(counts.values()) == 120, counts

    deliver(40)
    blocked = _journey(run, env)
    assert blocked.returncode == 1, blocked.stderr[-3000:]
    assert "Traceback" not in blocked.stderr
    assert "dim_customers: 120 rows published, 40 now" in blocked.stderr
    assert _published(publish_dir, "SELECT count(*) FROM marts.dim_customers") == [(120,)]

    # the same loss against a last publication below min_rows is not compared: nothing blocks
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        report = validate_marts(
            conn,
            tmp_path / "docs",
            published=publish_dir / "journey.duckdb",
            limits=replace(drift_limits(), min_rows=121),
        )
    finally:
        conn.close()
    assert report.passed, report.summary()
    assert report.marts["drift"].failures == []
