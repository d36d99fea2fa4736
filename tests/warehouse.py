"""Building a warehouse with `journey run`, reading one the tests built, and loading drops into one."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from orchestration.ingestion import connect, load_source


def journey_run(landing: Path, warehouse: Path, dagster_home: Path, expect_success: bool = True) -> str:
    """`journey run`; returns its stderr."""
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home)}
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--landing", str(landing), "--warehouse", str(warehouse)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert (done.returncode == 0) == expect_success, done.stderr[-4000:]
    return done.stderr


def mart_rows(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table of the ``marts`` schema, its rows sorted, by table name."""
    conn = connect(warehouse, read_only=True)
    try:
        tables = [
            t for (t,) in conn.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        ]
        return {t: conn.execute(f"SELECT * FROM marts.{t} ORDER BY ALL").fetchall() for t in sorted(tables)}
    finally:
        conn.close()


def query_rows(warehouse: Path, sql: str) -> list[tuple]:
    """The rows of one query, on a read-only connection."""
    conn = connect(warehouse, read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def load_drops(warehouse: Path, landing: Path, source: str, drops: list[date]):
    """Load drops of one source of the landing zone; the loader's result."""
    conn = connect(warehouse)
    try:
        return load_source(conn, landing, source, drops)
    finally:
        conn.close()


# Marts a small generated zone may leave empty: it may hold no detractor or dissatisfied answer
# of a known customer to follow up, and so no action on one.
MAY_BE_EMPTY_ON_SMALL_ZONES = frozenset({"fct_feedback_follow_ups", "mart_customer_actions"})
