"""Which drops of the landing zone differ from what the warehouse holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from .landing import landing_signatures
from .warehouse import RAW_SCHEMA

REJECTED_ADVICE = (
    "a rejected drop is not loaded again until its files change: fix or re-deliver them, or remove the folder"
)


@dataclass(frozen=True)
class RejectedDrop:
    """A drop whose files broke the contract when last loaded, and are the same files still."""

    source: str
    drop_date: date
    reasons: str
    rejected_at: datetime

    def describe(self) -> str:
        return f"{self.source} drop {self.drop_date} (rejected {self.rejected_at:%Y-%m-%d %H:%M} UTC): {self.reasons}"


def _has_table(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        conn.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?", [RAW_SCHEMA, table]
        ).fetchone()[0]
    )


def loaded_signatures(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, date], str | None]:
    """The signature of every drop loaded into the warehouse (empty for a new warehouse)."""
    if not _has_table(conn, "loaded_drops"):
        return {}
    columns = {row[0] for row in conn.execute(f"DESCRIBE {RAW_SCHEMA}.loaded_drops").fetchall()}
    signature = "signature" if "signature" in columns else "NULL"
    rows = conn.execute(f"SELECT source, drop_date, {signature} FROM {RAW_SCHEMA}.loaded_drops").fetchall()
    return {(source, drop): sig for source, drop, sig in rows}


def _rejections(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, date, str, str, datetime]]:
    if not _has_table(conn, "rejected_drops"):
        return []
    return conn.execute(
        f"SELECT source, drop_date, signature, reasons, rejected_at FROM {RAW_SCHEMA}.rejected_drops ORDER BY 2, 1"
    ).fetchall()


def changed_drops(conn: duckdb.DuckDBPyConnection, landing_dir: Path) -> list[date]:
    """Drop dates with a folder that is new or differs from its load, or a load whose folder is gone.

    A drop whose files broke the contract (``raw.rejected_drops``) is not loaded, and is not
    pending again until its files change (or its folder goes).
    """
    landed = landing_signatures(landing_dir)
    loaded = loaded_signatures(conn)
    rejected = {(source, drop): sig for source, drop, sig, _, _ in _rejections(conn)}
    changed = {key[1] for key, sig in landed.items() if loaded.get(key) != sig and rejected.get(key) != sig}
    changed |= {key[1] for key in [*loaded, *rejected] if key not in landed}
    return sorted(changed)


def rejected_drops(conn: duckdb.DuckDBPyConnection, landing_dir: Path) -> list[RejectedDrop]:
    """The rejected drops whose files are still the ones rejected."""
    landed = landing_signatures(landing_dir)
    return [
        RejectedDrop(source, drop, reasons, at)
        for source, drop, sig, reasons, at in _rejections(conn)
        if landed.get((source, drop)) == sig
    ]
