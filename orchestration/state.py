"""What the last successful ``journey run`` built from, to tell when a run has nothing to do.

A successful run records, in ``ops.pipeline_runs``, a fingerprint of what its marts depend on:
the raw loads (``raw.load_log``), the project's models, macros, seeds, expectations and code,
where it publishes, and the engine that built the marts. A later run with no new or changed
drop and the same fingerprint, whose publication is still there, has nothing to build.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.engines import DEFAULT_ENGINE
from orchestration.ingestion.warehouse import RAW_SCHEMA
from orchestration.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parents[1]
# Everything a build reads besides the raw data.
PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "expectations", "orchestration")
STATE_TABLE = "ops.pipeline_runs"


@dataclass(frozen=True)
class LastRun:
    finished_at: datetime
    fingerprint: str


def _project_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in PROJECT_INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted(files)


def fingerprint(conn: duckdb.DuckDBPyConnection, settings: Settings, root: Path = PROJECT_DIR) -> str:
    """A digest of the raw loads, the project's inputs and the publication settings."""
    digest = hashlib.sha256()
    has_log = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'load_log'", [RAW_SCHEMA]
    ).fetchone()[0]
    if has_log:
        loads = conn.execute(f"SELECT count(*), max(loaded_at) FROM {RAW_SCHEMA}.load_log").fetchone()
        digest.update(repr(loads).encode())
    for path in _project_files(root):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    digest.update(f"{settings.publish_dir}\0{settings.data_docs_dir}".encode())
    if settings.engine != DEFAULT_ENGINE:
        # the marts come from another engine: a run switching engines builds
        digest.update(f"\0engine {settings.engine}".encode())
    return digest.hexdigest()


def last_run(conn: duckdb.DuckDBPyConnection) -> LastRun | None:
    exists = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'ops' AND table_name = 'pipeline_runs'"
    ).fetchone()[0]
    if not exists:
        return None
    query = f"SELECT finished_at, fingerprint FROM {STATE_TABLE} ORDER BY finished_at DESC LIMIT 1"
    row = conn.execute(query).fetchone()
    return LastRun(*row) if row else None


def record_success(conn: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Remember what a successful run built from (one row per run, kept as history)."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS ops")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (finished_at TIMESTAMP, fingerprint VARCHAR)")
    conn.execute(f"INSERT INTO {STATE_TABLE} VALUES (now()::TIMESTAMP, ?)", [fingerprint(conn, settings)])


def up_to_date(conn: duckdb.DuckDBPyConnection, settings: Settings, publication: Path) -> LastRun | None:
    """The last successful run when nothing it built from has changed since; else None."""
    last = last_run(conn)
    if last is None or not publication.exists():
        return None
    return last if last.fingerprint == fingerprint(conn, settings) else None
