"""Which drops of the landing zone differ from what the warehouse holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from .landing import landing_signatures
from .warehouse import RAW_SCHEMA


def loaded_signatures(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, date], str | None]:
    """The signature of every drop loaded into the warehouse (empty for a new warehouse)."""
    exists = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'loaded_drops'", [RAW_SCHEMA]
    ).fetchone()[0]
    if not exists:
        return {}
    columns = {row[0] for row in conn.execute(f"DESCRIBE {RAW_SCHEMA}.loaded_drops").fetchall()}
    signature = "signature" if "signature" in columns else "NULL"
    rows = conn.execute(f"SELECT source, drop_date, {signature} FROM {RAW_SCHEMA}.loaded_drops").fetchall()
    return {(source, drop): sig for source, drop, sig in rows}


def changed_drops(conn: duckdb.DuckDBPyConnection, landing_dir: Path) -> list[date]:
    """Drop dates with a folder that is new or differs from its load, or a load whose folder is gone.

    A drop that failed its schema check is never recorded as loaded, so it stays pending (and
    keeps failing) until it is fixed.
    """
    landed = landing_signatures(landing_dir)
    loaded = loaded_signatures(conn)
    changed = {key[1] for key, sig in landed.items() if loaded.get(key) != sig}
    changed |= {key[1] for key in loaded if key not in landed}
    return sorted(changed)
