"""Validation gates publication; readers of the publication are never blocked."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.definitions import build_definitions
from orchestration.defs.jobs import PUBLISH_JOB
from orchestration.publication import read_publication
from orchestration.settings import Settings
from tests.warehouse import Build

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("generated")]


@pytest.fixture(scope="module")
def published(generated_build: Build) -> Settings:
    """A landing zone run once through `journey run`: warehouse, validation and publication (the
    session's shared build, read only: tests that change it take a copy)."""
    return generated_build.settings


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(settings: Settings, tmp_path: Path) -> Settings:
    """A private copy of the built warehouse and its publication, to corrupt freely."""
    target = tmp_path / "copy"
    target.mkdir()
    shutil.copy(settings.duckdb_path, target / "warehouse.duckdb")
    shutil.copytree(settings.publish_dir, target / "published", symlinks=True)
    return Settings(landing_dir=settings.landing_dir, duckdb_path=target / "warehouse.duckdb")


def _validate_and_publish(settings: Settings) -> dg.ExecuteInProcessResult:
    job = build_definitions(settings).resolve_job_def(PUBLISH_JOB)
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def _checks(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        e.event_specific_data.check_name: e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def test_run_ends_with_a_validated_publication(published: Settings) -> None:
    meta = read_publication(published.publish_dir)
    assert meta is not None and meta["validation"]["passed"] is True
    assert (published.data_docs_dir / "index.html").exists()
    assert {"mart_persona_journey", "fct_support_cases", "fct_survey_responses"} <= set(meta["row_counts"])
    conn = duckdb.connect(str(published.publish_dir / "journey.duckdb"), read_only=True)
    try:
        for mart, rows in meta["row_counts"].items():
            assert conn.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0] == rows
            parquet = published.publish_dir / "parquet" / f"{mart}.parquet"
            assert conn.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone()[0] == rows
    finally:
        conn.close()


def test_corrupted_marts_block_publication(published: Settings, tmp_path: Path) -> None:
    settings = _copy(published, tmp_path)
    database = settings.publish_dir / "journey.duckdb"
    before = _digest(database)
    conn = duckdb.connect(str(settings.duckdb_path))
    conn.execute(
        "UPDATE marts.mart_cx_kpis_monthly SET nps = 150 "
        "WHERE month = (SELECT min(month) FROM marts.mart_cx_kpis_monthly)"
    )
    conn.execute("INSERT INTO marts.mart_journey_funnel SELECT * FROM marts.mart_journey_funnel LIMIT 1")
    conn.execute(
        "UPDATE marts.mart_stage_experience_monthly SET avg_wait_seconds = -12.5 "
        "WHERE (month, stage) IN (SELECT (month, stage) FROM marts.mart_stage_experience_monthly LIMIT 1)"
    )
    conn.close()

    result = _validate_and_publish(settings)

    assert not result.success
    checks = _checks(result)
    kpis = checks["gx_mart_cx_kpis_monthly"]
    assert not kpis.passed and kpis.severity == dg.AssetCheckSeverity.ERROR
    assert "expect_column_values_to_be_between on nps, 1 unexpected" in kpis.description
    assert "150" in kpis.metadata["failures"].value
    funnel = checks["gx_mart_journey_funnel"]
    assert not funnel.passed and "expect_compound_columns_to_be_unique" in funnel.description
    experience = checks["gx_mart_stage_experience_monthly"]
    assert not experience.passed and "avg_wait_seconds" in experience.description
    assert "-12.5" in experience.metadata["failures"].value
    assert checks["gx_dim_customers"].passed
    materialized = [e for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"]
    assert materialized == []
    assert _digest(database) == before
    reader = duckdb.connect(str(database), read_only=True)
    assert reader.execute("SELECT max(nps) FROM marts.mart_cx_kpis_monthly").fetchone()[0] <= 100
    reader.close()


def test_broken_invariants_of_the_journey_analytics_marts_block_publication(
    published: Settings, tmp_path: Path
) -> None:
    settings = _copy(published, tmp_path)
    conn = duckdb.connect(str(settings.duckdb_path))
    assert conn.execute("SELECT count(*) FROM marts.fct_support_cases").fetchone()[0] > 0
    assert conn.execute("SELECT count(sentiment_score) FROM marts.fct_survey_responses").fetchone()[0] > 0
    conn.execute(
        "UPDATE marts.fct_support_cases SET contacts = 0 "
        "WHERE case_id = (SELECT min(case_id) FROM marts.fct_support_cases)"
    )
    conn.execute(
        "UPDATE marts.fct_survey_responses SET sentiment_score = 1.5 "
        "WHERE response_id = "
        "(SELECT min(response_id) FROM marts.fct_survey_responses WHERE sentiment_score IS NOT NULL)"
    )
    conn.execute(
        "UPDATE marts.mart_persona_journey SET customers_entered = customers_entered + 1 "
        "WHERE (persona, stage) IN (SELECT (persona, stage) FROM marts.mart_persona_journey LIMIT 1)"
    )
    conn.close()

    result = _validate_and_publish(settings)

    assert not result.success
    checks = _checks(result)
    cases = checks["gx_fct_support_cases"]
    assert not cases.passed and "expect_column_values_to_be_between on contacts" in cases.description
    responses = checks["gx_fct_survey_responses"]
    assert not responses.passed and "sentiment_score" in responses.description
    personas = checks["gx_mart_persona_journey"]
    assert not personas.passed and "entered_matches_funnel" in personas.description
    assert checks["gx_dim_customers"].passed
    assert [e for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"] == []


def test_marts_new_since_the_last_publication_pass_the_drift_check(published: Settings, tmp_path: Path) -> None:
    """A publication made before a mart existed: that mart has no row count to compare, and publishes."""
    settings = _copy(published, tmp_path)
    database = (settings.publish_dir / "journey.duckdb").resolve()
    database.chmod(0o644)
    conn = duckdb.connect(str(database))
    conn.execute("DROP TABLE marts.fct_support_cases")
    conn.close()

    result = _validate_and_publish(settings)

    assert result.success
    assert _checks(result)["gx_drift_against_last_publication"].passed
    reader = duckdb.connect(str(settings.publish_dir / "journey.duckdb"), read_only=True)
    try:
        assert reader.execute("SELECT count(*) FROM marts.fct_support_cases").fetchone()[0] > 0
    finally:
        reader.close()


def test_nps_jump_raises_a_drift_warning_but_publishes(
    published: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _copy(published, tmp_path)
    monkeypatch.setenv("JOURNEY_DRIFT_MIN_RESPONSES", "1")  # the small sample's months count too
    conn = duckdb.connect(str(settings.duckdb_path))
    month, nps = conn.execute(
        "SELECT month, nps FROM marts.mart_cx_kpis_monthly WHERE nps IS NOT NULL ORDER BY month LIMIT 1"
    ).fetchone()
    jumped = float(nps) + 20 if nps < 70 else float(nps) - 20
    conn.execute("UPDATE marts.mart_cx_kpis_monthly SET nps = ? WHERE month = ?", [jumped, month])
    conn.close()

    result = _validate_and_publish(settings)

    drift = _checks(result)["gx_drift_against_last_publication"]
    assert not drift.passed
    assert drift.severity == dg.AssetCheckSeverity.WARN
    assert "nps_change_points" in drift.description
    assert result.success
    meta = read_publication(settings.publish_dir)
    assert meta["validation"]["marts"]["drift"]["warnings"]
    reader = duckdb.connect(str(settings.publish_dir / "journey.duckdb"), read_only=True)
    assert (
        float(reader.execute("SELECT nps FROM marts.mart_cx_kpis_monthly WHERE month = ?", [month]).fetchone()[0])
        == jumped
    )
    reader.close()


READER = textwrap.dedent(
    """
    import json, os, sys, time
    import duckdb
    path, status, stop = sys.argv[1], sys.argv[2], sys.argv[3]
    conn = duckdb.connect(path, read_only=True)
    times, errors = [], []

    def query():
        try:
            conn.execute("SELECT count(*), max(nps) FROM marts.mart_cx_kpis_monthly").fetchall()
            times.append(time.time())
        except Exception as exc:
            errors.append(repr(exc))

    query()
    print("ready", flush=True)
    while not os.path.exists(stop):
        query()
        time.sleep(0.05)
    query()  # once more on the connection held all along, after the run
    conn.close()
    fresh = duckdb.connect(path, read_only=True)
    run_id = fresh.execute("SELECT run_id FROM marts._publication").fetchone()[0]
    fresh.close()
    json.dump({"times": times, "errors": errors, "run_id": run_id}, open(status, "w"))
    """
)


def test_reader_holding_the_publication_never_blocks_a_run(published: Settings, tmp_path: Path) -> None:
    settings = _copy(published, tmp_path)
    script = tmp_path / "reader.py"
    script.write_text(READER)
    status, stop = tmp_path / "status.json", tmp_path / "stop"
    before = read_publication(settings.publish_dir)["run_id"]
    reader = subprocess.Popen(
        [sys.executable, str(script), str(settings.publish_dir / "journey.duckdb"), str(status), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "ready"  # it holds the file
        env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster")}
        started = time.time()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "orchestration.cli",
                "run",
                "--landing",
                str(settings.landing_dir),
                "--warehouse",
                str(settings.duckdb_path),
                "--always-build",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        ended = time.time()
    finally:
        stop.touch()
        reader.wait(timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(status.read_text())
    assert seen["errors"] == []
    # the reader, holding the publication from before the run, kept querying during it and after it
    assert seen["times"][0] < started and any(started < t < ended for t in seen["times"])
    assert seen["times"][-1] > ended
    after = read_publication(settings.publish_dir)["run_id"]
    assert after != before and seen["run_id"] == after
