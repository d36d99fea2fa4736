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


# Marts a small generated zone may leave empty: it may hold no detractor or dissatisfied answer
# of a known customer to follow up, and so no action on one.
MAY_BE_EMPTY_ON_SMALL_ZONES = frozenset({"fct_feedback_follow_ups", "mart_customer_actions"})
