"""Deleted customers leave the publication at once, even when a check blocks the new one.

A contact that asked to be forgotten disappears from the marts of the run that receives the
deletion. When that run's marts are not published (a blocking check failed), the current
publication would still hold the person: every row keyed by their ``customer_key`` is then
removed from it, in a new release made from the current one (same marts, same run, minus those
rows), so no check can keep a deleted person published.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .publish import PARQUET_DIR, Publication, _literal, read_publication, rewrite_current, write_exports

KEY_COLUMN = "customer_key"


def deleted_customer_keys(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The ``customer_key`` of every contact whose current version is deleted."""
    return [
        key
        for (key,) in conn.execute(
            "SELECT contact_id FROM staging.stg_crm__contacts WHERE is_current AND is_deleted ORDER BY 1"
        ).fetchall()
    ]


def _tables_with_key(conn: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    return [
        table
        for (table,) in conn.execute(
            "SELECT table_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'marts' "
            "AND column_name = ? ORDER BY 1",
            [catalog, KEY_COLUMN],
        ).fetchall()
    ]


def _published_matches(publish_dir: Path, keys: list[str]) -> int:
    conn = duckdb.connect()
    try:
        conn.execute(f"ATTACH {_literal(publish_dir / 'journey.duckdb')} AS published (READ_ONLY)")
        conn.execute("CREATE TEMP TABLE deleted AS SELECT unnest(?::VARCHAR[]) AS customer_key", [keys])
        return sum(
            conn.execute(
                f"SELECT count(*) FROM published.marts.{t} WHERE {KEY_COLUMN} IN (SELECT customer_key FROM deleted)"
            ).fetchone()[0]
            for t in _tables_with_key(conn, "published")
        )
    finally:
        conn.close()


def purge_customers(publish_dir: Path, keys: list[str], run_id: str) -> int:
    """Remove every row of ``keys`` from the current publication; the number of rows removed."""
    if not keys or read_publication(publish_dir) is None or _published_matches(publish_dir, keys) == 0:
        return 0
    removed: dict[str, int] = {}

    def change(conn: duckdb.DuckDBPyConnection, folder: Path, old: Publication) -> Publication:
        conn.execute("CREATE TEMP TABLE deleted AS SELECT unnest(?::VARCHAR[]) AS customer_key", [keys])
        for table in _tables_with_key(conn, "publication"):
            before = conn.execute(f"SELECT count(*) FROM publication.marts.{table}").fetchone()[0]
            conn.execute(
                f"DELETE FROM publication.marts.{table} WHERE {KEY_COLUMN} IN (SELECT customer_key FROM deleted)"
            )
            after = conn.execute(f"SELECT count(*) FROM publication.marts.{table}").fetchone()[0]
            if before != after:
                removed[table] = before - after
                parquet = folder / PARQUET_DIR / f"{table}.parquet"
                if parquet.exists():
                    kept = parquet.with_name(f".{parquet.name}.kept")
                    conn.execute(
                        f"COPY (SELECT * FROM read_parquet({_literal(parquet)}) WHERE {KEY_COLUMN} NOT IN "
                        f"(SELECT customer_key FROM deleted)) TO {_literal(kept)} (FORMAT parquet)"
                    )
                    kept.replace(parquet)
        write_exports(conn, "publication.marts", folder, old.exports)
        purge = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "by_run": run_id,
            "reason": "contacts deleted since this publication (right to be forgotten)",
            "customers": len(keys),
            "rows_removed": removed,
        }
        counts = {m: n - removed.get(m, 0) for m, n in old.row_counts.items()}
        return Publication(**{**asdict(old), "row_counts": counts, "purges": [*old.purges, purge]})

    rewrite_current(publish_dir, run_id, change)
    return sum(removed.values())
