"""The DuckDB warehouse: connections and the tables of the ``raw`` schema."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .contract import ENTITIES, Entity, Format

RAW_SCHEMA = "raw"
LINEAGE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("_drop_date", "DATE", "Drop date (landing-zone partition) the record was delivered in."),
    ("_file", "VARCHAR", "File the record came from, relative to the landing zone."),
    ("_line_number", "INTEGER", "1-based physical line of the record's first line in its file."),
)


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file with UTC as session time zone."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path), read_only=read_only)
    conn.execute("SET TimeZone = 'UTC'")
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
            source VARCHAR, drop_date DATE, files INTEGER
        )"""
    )
