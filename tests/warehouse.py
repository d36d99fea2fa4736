"""Reading a warehouse the tests built."""

from __future__ import annotations

from pathlib import Path

from orchestration.ingestion import connect


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
