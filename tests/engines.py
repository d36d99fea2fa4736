"""What the engine tests share: a database of its own on the project's local PostgreSQL server, a
`journey run` on an engine, and the comparison of the marts two engines published."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest

from orchestration.handoff import postgres_dsn
from orchestration.ingestion import connect
from orchestration.publication.publish import PUBLISHED_DATABASE
from tests.reference.cases import CASES

ROOT = Path(__file__).resolve().parents[1]
# The hand-made cases built on PostgreSQL and on Spark: the test command runs the one with bad
# records on each engine; the others carry the every_case marker (pytest -m every_case), since each
# is a whole run on the engine (on Spark, two to four minutes on 2 cores).
CASE_IN_EVERY_RUN = "bad_input"
ENGINE_CASES = [
    pytest.param(case, marks=() if case == CASE_IN_EVERY_RUN else pytest.mark.every_case) for case in sorted(CASES)
]
SCRIPT = ROOT / "scripts" / "postgres.sh"


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """Start the server of scripts/postgres.sh when it is not running (and stop it after then),
    create a database ``<prefix>_<pid>`` and yield its name; drop it after."""
    was_running = subprocess.run([SCRIPT, "status"], capture_output=True).returncode == 0
    started = subprocess.run([SCRIPT, "start"], capture_output=True, text=True, timeout=900)
    assert started.returncode == 0, started.stderr
    name = f"{prefix}_{os.getpid()}"
    admin = psycopg2.connect(postgres_dsn({"JOURNEY_POSTGRES_DATABASE": "postgres"}))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name}")
        cur.execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
        if not was_running:
            subprocess.run([SCRIPT, "stop"], capture_output=True, timeout=120)


def _double(value: float) -> float:
    """Doubles computed by two engines may differ in their last bits (an epoch in microseconds
    against one in seconds, a sum in another order): they are compared as the reference tests
    compare them, rounded to 9 decimals then 6. Every other value, decimals included, is compared
    exactly."""
    return round(round(value, 9), 6)


def journey_run(landing: Path, root: Path, engine: str, database: str = "journey") -> subprocess.CompletedProcess[str]:
    """``journey run`` of ``landing`` on ``engine`` into ``root``; PostgreSQL builds in ``database``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOURNEY_")}
    env |= {"DAGSTER_HOME": str(root / "dagster"), "JOURNEY_POSTGRES_DATABASE": database}
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--engine", engine]
        + ["--landing", str(landing), "--warehouse", str(root / "warehouse.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )


def published_marts(root: Path) -> dict[str, tuple[list[tuple[str, str]], list[tuple]]]:
    """Every published mart: its columns with their types, and its rows sorted."""
    conn = connect(root / "published" / PUBLISHED_DATABASE, read_only=True)
    try:
        tables = conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name <> '_publication'"
        ).fetchall()
        out = {}
        for (table,) in sorted(tables):
            columns = conn.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE schema_name = 'marts' AND table_name = ? ORDER BY column_index",
                [table],
            ).fetchall()
            rows = conn.execute(f"SELECT * FROM marts.{table}").fetchall()
            doubles = [i for i, (_, typ) in enumerate(columns) if typ == "DOUBLE"]
            rows = [tuple(_double(v) if i in doubles and v is not None else v for i, v in enumerate(r)) for r in rows]
            out[table] = (columns, sorted(rows, key=repr))
        return out
    finally:
        conn.close()


def assert_same_marts(built: dict, reference: dict) -> None:
    """Every mart of ``reference`` (published_marts of a DuckDB build) is in ``built``, with the same
    columns and types and the same rows."""
    assert set(built) == set(reference)
    assert len(reference) >= 15
    for mart, (columns, rows) in reference.items():
        assert built[mart][0] == columns, mart
        assert len(built[mart][1]) == len(rows), mart
        assert built[mart][1] == rows, mart
    assert any(rows for _, rows in reference.values())
