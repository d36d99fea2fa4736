"""The bare-DuckDB limit: what the same work costs with nothing around DuckDB.

Two parts, each run in its own process by the harness:

- ``python -m benchmarks.limit scan``: one scan of every file of the landing zone with
  DuckDB's own readers (``read_json`` for NDJSON, ``read_csv`` for CSV, ``.gz`` read
  directly), counting rows per entity;
- ``python -m benchmarks.limit bare-sql``: the compiled SQL of the project's dbt models
  (``target/manifest.json`` of ``dbt compile --full-refresh``) run in dependency order through
  the DuckDB Python API in one process, each model as ``create or replace table``, on a
  warehouse whose raw schema and seeds are already loaded. No Dagster, dbt or Great
  Expectations, no tests.

``prepare_bare_warehouse`` sets up that warehouse (seeds with ``dbt seed``, then ``dbt
compile --full-refresh``); that set-up is measured but is not part of the limit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from orchestration.ingestion.contract import SOURCES, Format, entities_of
from orchestration.ingestion.landing import all_drop_dates, entity_files
from orchestration.sentiment.duckdb_function import register_sentiment_function

from .measure import Measurement, run_measured

PROJECT_DIR = Path(__file__).resolve().parents[1]
# Settings of the project's dbt profile (profiles.yml) that change results.
PROFILE_SETTINGS = {"TimeZone": "UTC"}


def scan_landing_zone(landing_dir: Path) -> dict[str, dict[str, int]]:
    """Rows and files per entity of the landing zone, read once by DuckDB."""
    conn = duckdb.connect()
    drops = all_drop_dates(landing_dir)
    counts: dict[str, dict[str, int]] = {}
    for source in SOURCES:
        for entity in entities_of(source):
            files = [str(f.path) for f in entity_files(landing_dir, entity, drops)]
            if not files:
                counts[entity.table] = {"files": 0, "rows": 0}
                continue
            if entity.format is Format.NDJSON:
                query = "select count(*) from read_json(?, format = 'newline_delimited', ignore_errors = true)"
            else:
                query = (
                    "select count(*) from read_csv(?, union_by_name = true, all_varchar = true, "
                    "ignore_errors = true, null_padding = true)"
                )
            rows = conn.execute(query, [files]).fetchone()[0]
            counts[entity.table] = {"files": len(files), "rows": int(rows)}
    conn.close()
    return counts


def models_in_order(manifest: Mapping) -> list[dict]:
    """The project's models, each after the models it depends on (ties by name)."""
    models = {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    ordered: list[dict] = []
    done: set[str] = set()
    pending = sorted(models)
    while pending:
        ready = [k for k in pending if all(d in done or d not in models for d in models[k]["depends_on"]["nodes"])]
        if not ready:
            raise ValueError(f"dependency cycle among {pending}")
        for key in ready:
            ordered.append(models[key])
            done.add(key)
        pending = [k for k in pending if k not in done]
    return ordered


def _relation_pattern(relation_name: str) -> re.Pattern[str]:
    database, schema, name = (part.strip('"') for part in relation_name.split("."))
    return re.compile(rf'(?:"?{re.escape(database)}"?\.)?"?{re.escape(schema)}"?\."?{re.escape(name)}"?\b', re.I)


def check_full_refresh_sql(models: Sequence[Mapping]) -> None:
    """Fail when a model's compiled SQL reads the model itself: an incremental branch."""
    for node in models:
        code = node.get("compiled_code")
        if not code:
            raise ValueError(f"{node['name']} has no compiled SQL; run dbt compile first")
        if _relation_pattern(node["relation_name"]).search(code):
            raise ValueError(
                f"{node['name']}: the compiled SQL reads {node['relation_name']} itself (incremental branch); "
                "compile with --full-refresh against a warehouse without the models"
            )


def run_bare_sql(warehouse: Path, manifest_path: Path) -> dict:
    """Build every model with its compiled SQL, in dependency order; seconds per model."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    models = models_in_order(manifest)
    check_full_refresh_sql(models)
    conn = duckdb.connect(str(warehouse))
    for name, value in PROFILE_SETTINGS.items():
        conn.execute(f"set {name} = '{value}'")
    # the function the dbt profile's plugin gives every dbt connection
    register_sentiment_function(conn)
    timings = []
    started = time.perf_counter()
    for node in models:
        database, schema, _ = node["relation_name"].split(".")
        t0 = time.perf_counter()
        conn.execute(f"create schema if not exists {database}.{schema}")
        conn.execute(f"create or replace table {node['relation_name']} as (\n{node['compiled_code']}\n)")
        rows = conn.execute(f"select count(*) from {node['relation_name']}").fetchone()[0]
        timings.append({"model": node["name"], "seconds": round(time.perf_counter() - t0, 3), "rows": rows})
    conn.execute("checkpoint")
    conn.close()
    return {"models": timings, "seconds": round(time.perf_counter() - started, 3)}


def dbt_command(*args: str) -> list[str]:
    dbt = Path(sys.executable).parent / "dbt"
    return [str(dbt) if dbt.exists() else "dbt", *args, "--project-dir", str(PROJECT_DIR)]


def prepare_bare_warehouse(
    raw_warehouse: Path, bare_warehouse: Path, work_dir: Path, env: Mapping[str, str], logs: Path
) -> tuple[Path, list[Measurement]]:
    """Copy a warehouse holding only the raw schema, load the seeds and compile the models
    against it (full refresh); the manifest path and what the set-up cost."""
    for suffix in ("", ".wal"):
        source = Path(str(raw_warehouse) + suffix)
        if source.exists():
            shutil.copyfile(source, str(bare_warehouse) + suffix)
    target = work_dir / "target"
    dbt_env = {**env, "JOURNEY_DUCKDB_PATH": str(bare_warehouse)}
    common = ["--profiles-dir", str(PROJECT_DIR), "--target-path", str(target), "--log-path", str(work_dir / "logs")]
    steps = [
        run_measured("limit_seed", dbt_command("seed", *common), logs / "limit_seed.log", env=dbt_env, cwd=work_dir),
        run_measured(
            "limit_compile",
            dbt_command("compile", "--full-refresh", *common),
            logs / "limit_compile.log",
            env=dbt_env,
            cwd=work_dir,
        ),
    ]
    return target / "manifest.json", steps


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.limit", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    scan = sub.add_parser("scan", help="count the rows of every landing-zone file with DuckDB")
    scan.add_argument("--landing", type=Path, required=True)
    scan.add_argument("--report", type=Path, required=True, help="JSON file to write the counts to")
    bare = sub.add_parser("bare-sql", help="build the models from their compiled SQL with DuckDB alone")
    bare.add_argument("--warehouse", type=Path, required=True)
    bare.add_argument("--manifest", type=Path, required=True)
    bare.add_argument("--report", type=Path, required=True, help="JSON file to write the timings to")
    args = parser.parse_args(argv)
    if args.command == "scan":
        result: dict = scan_landing_zone(args.landing)
    else:
        result = run_bare_sql(args.warehouse, args.manifest)
    args.report.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    os.sync() if hasattr(os, "sync") and args.command == "bare-sql" else None
    return 0


if __name__ == "__main__":
    sys.exit(main())
