"""What a load wrote, as one digest per table: ``python -m benchmarks.raw_digest WAREHOUSE``.

For every table of the ``raw`` schema that ingestion writes (the raw entity tables, the
quarantine and the audit tables), the row count and an order-independent digest of its rows
(the sum of a hash of each whole row). Columns that hold the load's clock time (``loaded_at``,
``rejected_at``) are left out, so two loads of the same landing zone give equal digests
whatever the order the rows were written in and whenever they ran.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from orchestration.ingestion.contract import ENTITIES
from orchestration.ingestion.warehouse import RAW_SCHEMA

AUDIT_TABLES = ("quarantine", "loaded_files", "loaded_drops", "rejected_drops", "load_log")
CLOCK_COLUMNS = ("loaded_at", "rejected_at")


def table_digests(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int | str]]:
    """``{table: {"rows": n, "digest": hex}}`` for the tables ingestion writes."""
    digests: dict[str, dict[str, int | str]] = {}
    for table in [e.table for e in ENTITIES] + list(AUDIT_TABLES):
        columns = [
            name
            for (name,) in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                [RAW_SCHEMA, table],
            ).fetchall()
            if name not in CLOCK_COLUMNS
        ]
        row = ", ".join(f'"{c}" := "{c}"' for c in columns)
        rows, total = conn.execute(
            f"SELECT count(*), coalesce(sum(hash(struct_pack({row}))::HUGEINT), 0) FROM {RAW_SCHEMA}.{table}"
        ).fetchone()
        digests[table] = {"rows": int(rows), "digest": f"{int(total) % 2**128:032x}"}
    return digests


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.raw_digest", description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    args = parser.parse_args(argv)
    if not args.warehouse.is_file():
        print(f"{args.warehouse}: no such warehouse file", file=sys.stderr)
        return 2
    conn = duckdb.connect(str(args.warehouse), read_only=True)
    try:
        print(json.dumps(table_digests(conn), indent=2))
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
