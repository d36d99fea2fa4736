"""The README's first command, as a new user runs it, on a tiny landing zone."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from orchestration.ingestion import connect

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo")]


def test_demo_generates_runs_and_lists_the_warehouse(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    env = {
        **os.environ,
        "JOURNEY_LANDING_DIR": str(tmp_path / "landing"),
        "JOURNEY_DUCKDB_PATH": str(warehouse),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    done = subprocess.run(
        [str(ROOT / "scripts" / "demo.sh"), "--customers", "40", "--days", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    listed = dict(re.findall(r"^\s+(\w+\.\w+)\s+([\d,]+) rows$", done.stdout, flags=re.MULTILINE))
    conn = connect(warehouse, read_only=True)
    try:
        for name in ("marts.fct_customer_journey", "raw.web_events", "raw.quarantine"):
            assert int(listed[name].replace(",", "")) == conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    finally:
        conn.close()
    assert int(listed["marts.fct_customer_journey"].replace(",", "")) > 0
