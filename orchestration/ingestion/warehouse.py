"""The DuckDB warehouse: connections and the tables of the ``raw`` schema."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from .contract import ENTITIES, Entity, Format

RAW_SCHEMA = "raw"
LINEAGE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("_drop_date", "DATE", "Drop date (landing-zone partition) the record was delivered in."),
    ("_file", "VARCHAR", "File the record came from, relative to the landing zone."),
    ("_line_number", "INTEGER", "1-based physical line of the record's first line in its file."),
)


DEFAULT_LOCK_WAIT_SECONDS = 120.0
DEFAULT_MEMORY_LIMIT = "2GB"


def memory_limit() -> str:
    """DuckDB's memory limit for the pipeline (``JOURNEY_DUCKDB_MEMORY_LIMIT``, default 2GB);
    larger operations spill to disk next to the warehouse."""
    return os.environ.get("JOURNEY_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


def is_lock_error(error: BaseException) -> bool:
    """Whether a DuckDB error says another process holds the file (a transient condition)."""
    return isinstance(error, duckdb.IOException) and "lock" in str(error).lower()


def connect(
    path: Path,
    read_only: bool = False,
    lock_wait_seconds: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file with UTC as session time zone.

    DuckDB lets one process write a file at a time. While another process holds it, opening
    is retried with exponential backoff (0.5 s doubling up to 10 s, with jitter) for up to
    ``lock_wait_seconds`` (default ``JOURNEY_LOCK_WAIT_SECONDS`` or 120), then the lock error is
    raised.
    """
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if lock_wait_seconds is None:
        lock_wait_seconds = float(os.environ.get("JOURNEY_LOCK_WAIT_SECONDS") or DEFAULT_LOCK_WAIT_SECONDS)
    deadline = time.monotonic() + lock_wait_seconds
    delay = 0.5
    while True:
        try:
            conn = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as error:
            left = deadline - time.monotonic()
            if not is_lock_error(error) or left <= 0:
                raise
            wait = min(delay * random.uniform(0.8, 1.2), left)
            if on_wait:
                on_wait(f"{path} is locked by another process; retrying in {wait:.1f} s")
            time.sleep(wait)
            delay = min(delay * 2, 10.0)
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute("SET memory_limit = ?", [memory_limit()])
    return conn


def raw_columns(entity: Entity) -> list[tuple[str, str, str]]:
    """(name, type, description) of an entity's raw table, in table order."""
    cols = [(f.name, "VARCHAR", f"`{f.path}` as delivered.") for f in entity.fields]
    if entity.keep_payload:
        cols.append(("payload", "JSON", "The whole message as delivered."))
    if entity.format is Format.CSV:
        cols.append(("_extra_columns", "JSON", "Columns outside the contract, by header name."))
    cols.extend(LINEAGE_COLUMNS)
    return cols


def ensure_raw_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the ``raw`` schema and its tables when missing."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    for entity in ENTITIES:
        cols = ", ".join(f'"{name}" {typ}' for name, typ, _ in raw_columns(entity))
        conn.execute(f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{entity.table} ({cols})")
        # A warehouse created before a column joined the contract gains it (null in earlier loads).
        for name, typ, _ in raw_columns(entity):
            conn.execute(f'ALTER TABLE {RAW_SCHEMA}.{entity.table} ADD COLUMN IF NOT EXISTS "{name}" {typ}')
    conn.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.quarantine (
            source VARCHAR, entity VARCHAR, drop_date DATE, file VARCHAR,
            line_number INTEGER, raw_text VARCHAR, reason VARCHAR
        )"""
    )
    conn.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.loaded_files (
            source VARCHAR, entity VARCHAR, drop_date DATE, file VARCHAR,
            records_read BIGINT, records_loaded BIGINT, records_quarantined BIGINT
        )"""
    )
    conn.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.loaded_drops (
            source VARCHAR, drop_date DATE, files INTEGER, signature VARCHAR
        )"""
    )
    conn.execute(f"ALTER TABLE {RAW_SCHEMA}.loaded_drops ADD COLUMN IF NOT EXISTS signature VARCHAR")
    # Drops whose files break the contract, with the signature of the files rejected: such a drop
    # is not loaded again until its files change.
    conn.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.rejected_drops (
            source VARCHAR, drop_date DATE, signature VARCHAR, reasons VARCHAR, rejected_at TIMESTAMP
        )"""
    )
    # Append-only: one row each time a drop of a source is (re)placed, kept for ever. Incremental
    # models read it to find the drops that changed since they were last built.
    conn.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.load_log (
            source VARCHAR, drop_date DATE, files INTEGER, loaded_at TIMESTAMP
        )"""
    )
