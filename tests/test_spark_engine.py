"""Spark: a generated landing zone built on Spark (pyspark in local mode, dbt-spark's session)
publishes the marts DuckDB publishes, row for row and column for column; Spark's catalog holds the
raw tables handed over with the same quarantine; the hand-made cases give the contract's figures
(tests/engines.py: ENGINE_CASES)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from orchestration.generate import MessRates, generate_landing_zone
from orchestration.handoff import spark_dir
from orchestration.ingestion import connect
from tests.engines import ENGINE_CASES, assert_same_marts, journey_run, published_marts
from tests.reference.cases import CASES
from tests.test_marts_cases import assert_case_figures

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("spark")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small generated zone (with planted messes) built on DuckDB and on Spark, once."""
    root = tmp_path_factory.mktemp("spark")
    landing = root / "landing"
    generate_landing_zone(landing, customers=150, days=10, start=date(2026, 1, 1), seed=11, rates=MessRates())
    for engine in ("duckdb", "spark"):
        done = journey_run(landing, root / engine, engine)
        assert done.returncode == 0, done.stderr[-4000:]
    return root


def test_a_generated_zone_publishes_the_same_marts_on_spark_as_on_duckdb(built: Path) -> None:
    assert_same_marts(published_marts(built / "spark"), published_marts(built / "duckdb"))


def test_spark_reads_the_raw_tables_with_the_quarantine_duckdb_wrote(built: Path) -> None:
    """The raw tables Spark's catalog registers are the Parquet files the handoff wrote in its folder
    (the marts built from them are compared above): their quarantine is DuckDB's, record for record."""
    conn = connect(built / "duckdb" / "warehouse.duckdb", read_only=True)
    try:
        in_duckdb = sorted(conn.execute("SELECT file, line_number, reason FROM raw.quarantine").fetchall())
        handed_over = spark_dir(built / "spark" / "warehouse.duckdb") / "raw" / "quarantine"
        in_spark = sorted(
            conn.execute(
                "SELECT file, line_number, reason FROM read_parquet(?)", [str(handed_over / "*.parquet")]
            ).fetchall()
        )
    finally:
        conn.close()
    assert in_duckdb
    assert in_spark == in_duckdb


@pytest.mark.parametrize("case", ENGINE_CASES)
def test_a_hand_made_case_gives_the_contract_figures_on_spark(case: str, tmp_path: Path) -> None:
    write, expected = CASES[case]
    landing = tmp_path / "landing"
    write(landing)
    done = journey_run(landing, tmp_path, "spark")
    assert (done.returncode == 0) == (not expected.get("failed_drops")), done.stderr[-4000:]
    assert "building the models (spark rebuilds its incremental models whole)" in done.stderr
    assert_case_figures(landing, tmp_path / "warehouse.duckdb", expected, done.stderr)
