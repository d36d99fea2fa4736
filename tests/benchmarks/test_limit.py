"""The bare-DuckDB limit runs the same models: built from their compiled SQL by DuckDB alone,
the marts equal the ones `journey run` builds through Dagster and dbt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.limit import PROJECT_DIR, models_in_order, prepare_bare_warehouse, run_bare_sql, scan_landing_zone
from orchestration.ingestion import connect
from tests.warehouse import MAY_BE_EMPTY_ON_SMALL_ZONES, mart_rows

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("benchmark_limit")]


def test_compiled_sql_in_bare_duckdb_builds_the_same_marts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNEY_", "DAGSTER_"))}
    landing, built = tmp_path / "landing", tmp_path / "run" / "warehouse.duckdb"
    journey = [sys.executable, "-m", "orchestration.cli"]
    for args in (
        ["generate", "--out", str(landing), "--customers", "60", "--days", "6", "--seed", "2"],
        ["run", "--landing", str(landing), "--warehouse", str(built)],
    ):
        done = subprocess.run([*journey, *args], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]

    # the raw schema only, as after ingestion
    raw = tmp_path / "limit" / "raw.duckdb"
    raw.parent.mkdir()
    shutil.copyfile(built, raw)
    conn = connect(raw)
    try:
        for schema in ("staging", "intermediate", "marts", "ops"):
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        conn.close()
    manifest, setup = prepare_bare_warehouse(raw, raw.parent / "bare.duckdb", raw.parent, env, tmp_path / "logs")
    assert [m.returncode for m in setup] == [0, 0]
    report = run_bare_sql(raw.parent / "bare.duckdb", manifest)

    models = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    assert len(report["models"]) == sum(1 for n in models.values() if n["resource_type"] == "model")
    expected = mart_rows(built)
    assert len(expected) >= 8
    assert [t for t, rows in expected.items() if not rows and t not in MAY_BE_EMPTY_ON_SMALL_ZONES] == []
    assert mart_rows(raw.parent / "bare.duckdb") == expected

    counts = scan_landing_zone(landing)
    conn = connect(built, read_only=True)
    try:
        loaded = conn.execute("SELECT count(*) FROM raw.web_events").fetchone()[0]
    finally:
        conn.close()
    # the scan reads every web event the pipeline loaded (and the malformed lines it skips)
    assert counts["web_events"]["rows"] >= loaded > 0


def test_models_are_ordered_after_what_they_read() -> None:
    def node(name: str, *deps: str) -> dict:
        return {"resource_type": "model", "name": name, "depends_on": {"nodes": [f"model.p.{d}" for d in deps]}}

    manifest = {"nodes": {f"model.p.{n['name']}": n for n in (node("c", "a", "b"), node("b", "a"), node("a"))}}
    assert [n["name"] for n in models_in_order(manifest)] == ["a", "b", "c"]
    manifest["nodes"]["model.p.a"] = node("a", "c")
    with pytest.raises(ValueError, match="cycle"):
        models_in_order(manifest)
    assert PROJECT_DIR.joinpath("dbt_project.yml").exists()
