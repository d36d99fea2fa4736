"""The same landing zone built on PostgreSQL (incrementally) publishes the marts DuckDB publishes,
row for row and column for column; a bad record is quarantined the same way; a hand-made case gives the figures
the contract defines on PostgreSQL too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg2
import pytest

from orchestration.generate import MessRates, generate_landing_zone
from orchestration.handoff import postgres_dsn
from orchestration.ingestion import connect
from orchestration.publication.publish import PUBLISHED_DATABASE
from tests.engines import postgres_database
from tests.reference.cases import CASES, check_case
from tests.test_marts_reference import MARTS, _mart_rows, assert_marts_match_reference

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("postgres")]


def _double(value: float) -> float:
    """Doubles computed by two engines may differ in their last bits (an epoch in microseconds
    against one in seconds, a sum in another order): they are compared as the reference tests
    compare them, rounded to 9 decimals then 6. Every other value, decimals included, is compared
    exactly."""
    return round(round(value, 9), 6)


def _journey_run(landing: Path, root: Path, engine: str, database: str) -> subprocess.CompletedProcess[str]:
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


def _published(root: Path) -> dict[str, tuple[list[tuple[str, str]], list[tuple]]]:
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


@pytest.fixture
def database() -> Iterator[str]:
    """A database per test: a PostgreSQL database holds the build of one warehouse."""
    with postgres_database("journey_parity") as name:
        yield name


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("parity") / "landing"
    generate_landing_zone(landing, customers=150, days=10, start=date(2026, 1, 1), seed=11, rates=MessRates())
    return landing


def test_a_generated_zone_publishes_the_same_marts_on_postgres_as_on_duckdb(
    zone: Path, database: str, tmp_path: Path
) -> None:
    done = _journey_run(zone, tmp_path / "duckdb", "duckdb", database)
    assert done.returncode == 0, done.stderr[-4000:]
    # PostgreSQL builds the zone in two runs, the last two drops incrementally in the second
    partial = tmp_path / "partial"
    last_two = sorted({d.name for d in zone.glob("*/*")})[-2:]
    shutil.copytree(zone, partial, ignore=lambda folder, names: [n for n in names if n in last_two])
    for landing in (partial, zone):
        done = _journey_run(landing, tmp_path / "postgres", "postgres", database)
        assert done.returncode == 0, done.stderr[-4000:]
    assert f"{len(last_two)} new or changed" in done.stderr
    built = {engine: _published(tmp_path / engine) for engine in ("duckdb", "postgres")}
    assert set(built["postgres"]) == set(built["duckdb"])
    assert len(built["duckdb"]) >= 15
    for mart, (columns, rows) in built["duckdb"].items():
        assert built["postgres"][mart][0] == columns, mart
        assert len(built["postgres"][mart][1]) == len(rows), mart
        assert built["postgres"][mart][1] == rows, mart
    assert any(rows for _, rows in built["duckdb"].values())

    # the records the zone's planted messes put in quarantine are the same on PostgreSQL
    conn = connect(tmp_path / "duckdb" / "warehouse.duckdb", read_only=True)
    try:
        in_duckdb = sorted(conn.execute("SELECT file, line_number, reason FROM raw.quarantine").fetchall())
    finally:
        conn.close()
    with psycopg2.connect(postgres_dsn({"JOURNEY_POSTGRES_DATABASE": database})) as pg, pg.cursor() as cur:
        cur.execute("SELECT file, line_number, reason FROM raw.quarantine")
        assert sorted(cur.fetchall()) == in_duckdb
    assert in_duckdb


def test_a_hand_made_case_with_bad_records_gives_the_contract_figures_on_postgres(
    database: str, tmp_path: Path
) -> None:
    write, expected = CASES["bad_input"]
    landing = tmp_path / "landing"
    write(landing)
    done = _journey_run(landing, tmp_path, "postgres", database)
    failing_drops = expected.get("failed_drops", [])
    assert (done.returncode == 0) == (not failing_drops), done.stderr[-4000:]
    for file in failing_drops:
        assert file in done.stderr
    warehouse = tmp_path / "warehouse.duckdb"
    marts = {mart: _mart_rows(warehouse, mart)[1] for mart in MARTS}
    conn = connect(warehouse, read_only=True)
    try:
        as_of = conn.execute("SELECT as_of FROM intermediate.int_drops_summarised").fetchone()[0]
    finally:
        conn.close()
    problems = check_case(marts, expected, as_of=as_of)
    assert not problems, "\n".join(problems)
    assert_marts_match_reference(landing, warehouse)
