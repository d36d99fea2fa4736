"""Publish the marts as a read-only DuckDB file plus one Parquet file per mart.

The pipeline writes ``warehouse.duckdb``; BI tools read ``published/journey.duckdb``. Each
file is written beside its final path and renamed over it (an atomic swap on POSIX): a
reader that has the old file open keeps reading the old one, a reader that opens it
after the swap gets the new one, nobody ever sees half a file, and the writer never waits
for readers.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

PUBLISHED_DATABASE = "journey.duckdb"
PARQUET_DIR = "parquet"
METADATA_FILE = "publication.json"


@dataclass(frozen=True)
class Publication:
    """What a publication holds (also stored as ``publication.json`` and table ``marts._publication``)."""

    run_id: str
    published_at: str
    as_of: str | None
    row_counts: dict[str, int]
    validation: dict[str, Any]
    database: str
    parquet: dict[str, str]


def publish_marts(
    conn: duckdb.DuckDBPyConnection,
    marts: list[str],
    publish_dir: Path,
    run_id: str,
    validation: dict[str, Any],
) -> Publication:
    """Copy ``marts.<mart>`` of the warehouse into a new publication and swap it in."""
    publish_dir.mkdir(parents=True, exist_ok=True)
    (publish_dir / PARQUET_DIR).mkdir(exist_ok=True)
    as_of = conn.execute("SELECT max(as_of) FROM intermediate.int_drops_summarised").fetchone()[0]
    row_counts = {m: conn.execute(f"SELECT count(*) FROM marts.{m}").fetchone()[0] for m in marts}
    publication = Publication(
        run_id=run_id,
        published_at=datetime.now(UTC).isoformat(timespec="seconds"),
        as_of=as_of.isoformat() if as_of else None,
        row_counts=row_counts,
        validation=validation,
        database=str(publish_dir / PUBLISHED_DATABASE),
        parquet={m: str(publish_dir / PARQUET_DIR / f"{m}.parquet") for m in marts},
    )
    staged = publish_dir / f".{PUBLISHED_DATABASE}.{run_id}.tmp"
    staged.unlink(missing_ok=True)
    conn.execute(f"ATTACH '{staged}' AS publication")
    try:
        conn.execute("CREATE SCHEMA publication.marts")
        for mart in marts:
            conn.execute(f"CREATE TABLE publication.marts.{mart} AS SELECT * FROM marts.{mart}")
        conn.execute(
            "CREATE TABLE publication.marts._publication AS SELECT ? AS run_id, ? AS published_at, "
            "? AS as_of, ? AS metadata_json",
            [publication.run_id, publication.published_at, publication.as_of, json.dumps(asdict(publication))],
        )
    finally:
        conn.execute("DETACH publication")
    for mart in marts:
        final = Path(publication.parquet[mart])
        tmp = final.with_name(f".{final.name}.{run_id}.tmp")
        conn.execute(f"COPY marts.{mart} TO '{tmp}' (FORMAT parquet)")
        os.replace(tmp, final)
    os.replace(staged, publish_dir / PUBLISHED_DATABASE)
    meta_tmp = publish_dir / f".{METADATA_FILE}.{run_id}.tmp"
    meta_tmp.write_text(json.dumps(asdict(publication), indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(meta_tmp, publish_dir / METADATA_FILE)
    return publication


def read_publication(publish_dir: Path) -> dict[str, Any] | None:
    """The metadata of the current publication, or None when nothing was published yet."""
    path = publish_dir / METADATA_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
