"""``journey status``: the state of a deployment, for an operator."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import dagster as dg
import duckdb

from orchestration.ingestion.changes import REJECTED_ADVICE, RejectedDrop, changed_drops, rejected_drops
from orchestration.ingestion.landing import all_drop_dates, landing_warnings
from orchestration.ingestion.warehouse import connect, is_lock_error
from orchestration.run import dagster_instance
from orchestration.settings import Settings
from orchestration.status import status_lines

RECENT_RUNS = 5


def _landing_lines(settings: Settings) -> tuple[list[str], list[RejectedDrop]]:
    """Lines on the landing zone against the warehouse, and the drops rejected as they are."""
    lines, rejected = _drop_lines(settings)
    lines += [f"warning: {w}" for w in landing_warnings(settings.landing_dir)]
    lines += [f"rejected: {r.describe()}" for r in rejected]
    if rejected:
        lines.append(f"  {REJECTED_ADVICE}")
    return lines, rejected


def _drop_lines(settings: Settings) -> tuple[list[str], list[RejectedDrop]]:
    drops = all_drop_dates(settings.landing_dir) if settings.landing_dir.is_dir() else []
    if not drops:
        return [f"landing zone: no drop in {settings.landing_dir}"], []
    line = f"landing zone: {len(drops)} drops from {drops[0]} to {drops[-1]} in {settings.landing_dir}"
    if not settings.duckdb_path.exists():
        return [line, f"warehouse: none yet at {settings.duckdb_path}; every drop is new"], []
    try:
        conn = connect(settings.duckdb_path, read_only=True, lock_wait_seconds=0)
    except duckdb.IOException as error:
        if is_lock_error(error):
            return [line, f"warehouse: {settings.duckdb_path} is being written by a run; drops not compared"], []
        raise
    try:
        pending = changed_drops(conn, settings.landing_dir)
        rejected = rejected_drops(conn, settings.landing_dir)
    finally:
        conn.close()
    shown = ", ".join(d.isoformat() for d in pending[:10]) + (" ..." if len(pending) > 10 else "")
    return [
        line,
        f"warehouse: {settings.duckdb_path}; {len(pending)} drops new or changed{': ' if pending else ''}{shown}",
    ], rejected


def _run_lines(instance: dg.DagsterInstance) -> list[str]:
    runs = instance.get_run_records(limit=RECENT_RUNS)
    if not runs:
        return ["runs: none yet"]
    lines = ["latest runs:"]
    for record in runs:
        run = record.dagster_run
        when = record.start_time or record.create_timestamp.timestamp()
        started = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        lines.append(f"  {started}  {run.job_name:<22} {run.status.value:<10} {run.run_id}")
    return lines


def print_status(settings: Settings) -> int:
    """Print the status; 1 when the publication is blocked or a drop is rejected, else 0."""
    instance = dagster_instance(settings)
    lines, rejected = _landing_lines(settings)
    lines += _run_lines(instance)
    publication_lines, blocked = status_lines(settings, instance)
    lines += publication_lines
    print("\n".join(lines), file=sys.stdout, flush=True)
    return 1 if blocked or rejected else 0
