#!/usr/bin/env bash
# Set up, generate sample exports into data/landing and run the whole pipeline into
# data/warehouse.duckdb. Extra arguments go to `journey generate` (e.g. --customers 5000).
# The sample drops end yesterday (UTC), so the demo looks current in the Dagster UI: every
# daily partition (they end with yesterday, the last complete day) is loaded, so is the drop
# due by 09:00 UTC, and the marts are fresh; --start or --end set other dates.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

export JOURNEY_LANDING_DIR="${JOURNEY_LANDING_DIR:-data/landing}"
export JOURNEY_DUCKDB_PATH="${JOURNEY_DUCKDB_PATH:-data/warehouse.duckdb}"

dates=(--end yesterday)
for arg in "$@"; do
  case "$arg" in --start|--start=*|--end|--end=*) dates=() ;; esac
done

rm -rf "$JOURNEY_LANDING_DIR"
.venv/bin/journey generate --out "$JOURNEY_LANDING_DIR" ${dates[@]+"${dates[@]}"} "$@"
.venv/bin/journey run
.venv/bin/python - <<'PY'
import os
from pathlib import Path

from orchestration.ingestion import connect

conn = connect(Path(os.environ["JOURNEY_DUCKDB_PATH"]), read_only=True)
tables = conn.execute(
    "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
    "WHERE schema_name IN ('raw', 'marts') ORDER BY schema_name, table_name"
).fetchall()
print(f"\nwarehouse {os.environ['JOURNEY_DUCKDB_PATH']} (raw and marts schemas):")
for (name,) in tables:
    count = conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    print(f"  {name:<40} {count:>12,} rows")
PY
