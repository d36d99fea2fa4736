"""The same landing zone built on PostgreSQL (incrementally) publishes the marts DuckDB publishes,
row for row and column for column; a bad record is quarantined the same way; the hand-made cases give the figures
the contract defines on PostgreSQL too (tests/engines.py: ENGINE_CASES)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg2
import pytest

from orchestration.generate import MessRates, generate_landing_zone
from orchestration.handoff import postgres_dsn
from orchestration.ingestion import connect
from tests.engines import ENGINE_CASES, assert_same_marts, journey_run, postgres_database, published_marts
from tests.reference.cases import CASES
from tests.test_marts_cases import assert_case_figures

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("postgres")]


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
    done = journey_run(zone, tmp_path / "duckdb", "duckdb", database)
    assert done.returncode == 0, done.stderr[-4000:]
    # PostgreSQL builds the zone in two runs, the last two drops incrementally in the second
    partial = tmp_path / "partial"
    last_two = sorted({d.name for d in zone.glob("*/*")})[-2:]
    shutil.copytree(zone, partial, ignore=lambda folder, names: [n for n in names if n in last_two])
    for landing in (partial, zone):
        done = journey_run(landing, tmp_path / "postgres", "postgres", database)
        assert done.returncode == 0, done.stderr[-4000:]
    assert f"{len(last_two)} new or changed" in done.stderr
    assert_same_marts(published_marts(tmp_path / "postgres"), published_marts(tmp_path / "duckdb"))

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


@pytest.mark.parametrize("case", ENGINE_CASES)
def test_a_hand_made_case_gives_the_contract_figures_on_postgres(case: str, database: str, tmp_path: Path) -> None:
    write, expected = CASES[case]
    landing = tmp_path / "landing"
    write(landing)
    done = journey_run(landing, tmp_path, "postgres", database)
    assert (done.returncode == 0) == (not expected.get("failed_drops")), done.stderr[-4000:]
    assert_case_figures(landing, tmp_path / "warehouse.duckdb", expected, done.stderr)
