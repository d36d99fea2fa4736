"""Generating a landing zone, building a warehouse with `journey run` (once for the whole test
session where tests only read it), reading one the tests built, and loading drops into one."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from orchestration.generate import generate_landing_zone
from orchestration.ingestion import connect, load_source
from orchestration.settings import Settings


def generate_landing(out: Path, customers: int, days: int, seed: int) -> Path:
    """A generated landing zone in ``out`` (what `journey generate` writes); ``out``."""
    generate_landing_zone(out, customers=customers, days=days, seed=seed)
    return out


def journey_run(landing: Path, warehouse: Path, dagster_home: Path, expect_success: bool = True) -> str:
    """`journey run`, configured by its arguments alone (no JOURNEY_ or DAGSTER_ setting of the
    caller's environment); returns its stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNEY_", "DAGSTER_"))}
    env["DAGSTER_HOME"] = str(dagster_home)
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--landing", str(landing), "--warehouse", str(warehouse)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert (done.returncode == 0) == expect_success, done.stderr[-4000:]
    return done.stderr


PROJECT_DIR = Path(__file__).resolve().parents[1]


def run_dbt(warehouse: Path, target: Path, *args: str, returncode: int = 0, timeout: int = 900) -> str:
    """dbt on its own (``args``: a command and its options) on ``warehouse``; returns its output.

    Its artifacts go to ``target``, never to the project's ``target/``, whose manifest other
    processes (runs, the UI) read while the tests run."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--profiles-dir", str(PROJECT_DIR)]
        + ["--target-path", str(target)],
        cwd=PROJECT_DIR,
        env={**os.environ, "JOURNEY_DUCKDB_PATH": str(warehouse)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == returncode, done.stdout[-4000:]
    return done.stdout


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


@dataclass(frozen=True)
class Build:
    """A generated landing zone run once through `journey run`: what the run left, its stderr and
    the ids of the Dagster runs it made. Shared by every test of the session: read it, never write
    it (copy what a test changes)."""

    landing: Path
    warehouse: Path
    stderr: str
    dagster_run_ids: tuple[str, ...]

    @property
    def settings(self) -> Settings:
        return Settings(landing_dir=self.landing, duckdb_path=self.warehouse)


# The generated zone of the shared build: large enough that every mart has rows.
SHARED_ZONE = {"customers": 300, "days": 45, "seed": 11}


def shared_build(session_root: Path) -> Build:
    """The session's one build of SHARED_ZONE under ``session_root`` (a folder every xdist worker
    of the session sees): the first worker to ask builds it under a file lock, the others wait for
    it and read the same files. A failed build is retried from scratch by the next one to ask."""
    root = session_root / "shared-build"
    root.mkdir(parents=True, exist_ok=True)
    built = Build(root / "build" / "landing", root / "build" / "warehouse.duckdb", "", ())
    with open(root / "build.lock", "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        record = root / "build.json"
        if not record.exists():
            shutil.rmtree(root / "build", ignore_errors=True)
            generate_landing(built.landing, **SHARED_ZONE)
            dagster_home = root / "build" / "dagster"
            stderr = journey_run(built.landing, built.warehouse, dagster_home)
            with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
                run_ids = [r.run_id for r in instance.get_runs()]
            record.write_text(json.dumps({"stderr": stderr, "dagster_run_ids": run_ids}), encoding="utf-8")
        done = json.loads(record.read_text(encoding="utf-8"))
    return Build(built.landing, built.warehouse, done["stderr"], tuple(done["dagster_run_ids"]))


def session_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder all xdist workers of this session share (the base folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
