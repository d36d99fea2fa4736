"""``journey run``: ingest the new or changed drops, then build everything downstream in one run."""

from __future__ import annotations

import os
import sys
import time
from datetime import date

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.definitions import build_definitions
from orchestration.defs.dbt.assets import DBT_ASSETS_NAME
from orchestration.defs.jobs import BUILD_JOB, INGEST_JOB
from orchestration.ingestion.changes import changed_drops
from orchestration.ingestion.landing import all_drop_dates, contiguous_ranges
from orchestration.ingestion.warehouse import connect
from orchestration.publication.publish import PUBLISHED_DATABASE
from orchestration.settings import Settings
from orchestration.state import record_success, up_to_date

# Instance configuration written to a new DAGSTER_HOME. Pools of limit 1 let one step at a time
# write the DuckDB file across concurrent runs (the assets that write it share one pool).
_DAGSTER_YAML = """\
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
"""
_RUN_CONFIG = {"loggers": {"compact": {"config": {"log_level": "INFO"}}}}


def _say(message: str) -> None:
    print(f"journey run: {message}", file=sys.stderr, flush=True)


def prepare_dagster_home(settings: Settings) -> str:
    """Set ``DAGSTER_HOME`` (by default next to the warehouse) and write its instance
    configuration when it has none."""
    home = os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    os.makedirs(home, exist_ok=True)
    config = os.path.join(home, "dagster.yaml")
    if not os.path.exists(config):
        with open(config, "w", encoding="utf-8") as fh:
            fh.write(_DAGSTER_YAML)
    return home


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    """The persistent Dagster instance (``DAGSTER_HOME``, by default next to the warehouse)."""
    prepare_dagster_home(settings)
    return dg.DagsterInstance.get()


def _failures(result: dg.ExecuteInProcessResult) -> list[str]:
    messages = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data:
            error = event.step_failure_data.error
            message = error.message.strip() if error else "unknown error"
            if message.startswith("dagster.") and ": " in message:
                message = message.split(": ", 1)[1]
            messages.append(f"step {event.step_key} failed: {message}")
    return messages


def build_run_config(full_refresh: bool = False) -> dict:
    """Run configuration of the build job."""
    return {**_RUN_CONFIG, "ops": {DBT_ASSETS_NAME: {"config": {"full_refresh": full_refresh}}}}


def pending_drops(settings: Settings) -> list[date]:
    """Drops of the landing zone that are new or differ from what the warehouse holds."""
    conn = connect(settings.duckdb_path, on_wait=_say)
    try:
        return changed_drops(conn, settings.landing_dir)
    finally:
        conn.close()


def ingest_drops(
    defs: dg.Definitions, instance: dg.DagsterInstance, drops: list[date]
) -> list[dg.ExecuteInProcessResult]:
    """Run the ``ingest`` job once per range of consecutive ``drops`` (a single-run backfill)."""
    results = []
    for first, last in contiguous_ranges(drops):
        _say(f"ingesting drops {first} .. {last}")
        results.append(
            defs.resolve_job_def(INGEST_JOB).execute_in_process(
                instance=instance,
                tags={
                    ASSET_PARTITION_RANGE_START_TAG: first.isoformat(),
                    ASSET_PARTITION_RANGE_END_TAG: last.isoformat(),
                },
                run_config=_RUN_CONFIG,
                raise_on_error=False,
            )
        )
    return results


def _up_to_date(settings: Settings) -> str | None:
    """When the last successful run is still current, when it finished."""
    conn = connect(settings.duckdb_path, read_only=True, on_wait=_say)
    try:
        last = up_to_date(conn, settings, settings.publish_dir / PUBLISHED_DATABASE)
    finally:
        conn.close()
    return None if last is None else f"{last.finished_at:%Y-%m-%d %H:%M:%S} UTC"


def _record_success(settings: Settings) -> None:
    conn = connect(settings.duckdb_path, on_wait=_say)
    try:
        record_success(conn, settings)
    finally:
        conn.close()


def run_pipeline(
    settings: Settings, full_refresh: bool = False, reload: bool = False, always_build: bool = False
) -> int:
    """Ingest the new or changed drops, then build everything downstream; 0 on success, 1 on
    failure, 2 on bad input.

    Drops already loaded and unchanged since (same files, sizes and modification times) are not
    read again, unless ``reload``. Consecutive pending drops are loaded in one run per range.
    Ingestion loads each drop in its own transaction, so the raw schema stays consistent when a
    drop fails (that drop keeps its previous load and stays pending): the build still runs on
    what was loaded, and the command still exits 1. The build is incremental unless
    ``full_refresh``. With no new or changed drop, and neither the project nor the publication
    changed since the last successful run, there is nothing to build: the run stops there,
    unless ``always_build``.
    """
    drops = all_drop_dates(settings.landing_dir)
    if not drops:
        _say(
            f"no drop found in {settings.landing_dir} (expected <source>/<YYYY-MM-DD>/ folders); "
            "write sample data with `journey generate --out DIR` or set --landing"
        )
        return 2
    if settings.first_drop_date and drops[0].isoformat() < settings.first_drop_date:
        _say(
            f"the landing zone holds drops from {drops[0]}, before JOURNEY_FIRST_DROP_DATE="
            f"{settings.first_drop_date}; move that date back or remove the older drops"
        )
        return 2
    defs = build_definitions(settings)
    instance = dagster_instance(settings)
    started = time.perf_counter()
    pending = drops if reload else pending_drops(settings)
    _say(
        f"{len(drops)} drops from {drops[0]} to {drops[-1]} in {settings.landing_dir}, "
        f"{len(pending)} new or changed; warehouse {settings.duckdb_path}"
    )
    if not (pending or full_refresh or always_build) and settings.duckdb_path.exists():
        finished = _up_to_date(settings)
        if finished:
            _say(
                f"nothing new since the successful run of {finished}: the marts and their publication are "
                "up to date (--always-build to build anyway)"
            )
            return 0
    results = ingest_drops(defs, instance, pending)
    _say("building the models " + ("from scratch (full refresh)" if full_refresh else "incrementally"))
    results.append(
        defs.resolve_job_def(BUILD_JOB).execute_in_process(
            instance=instance, run_config=build_run_config(full_refresh), raise_on_error=False
        )
    )
    elapsed = time.perf_counter() - started
    runs = "runs " + ", ".join(r.run_id for r in results)
    if all(r.success for r in results):
        _record_success(settings)
        _say(f"succeeded in {elapsed:.1f} s ({runs})")
        return 0
    for result in results:
        for message in _failures(result):
            _say(message)
    _say(f"FAILED after {elapsed:.1f} s ({runs}); see the Dagster UI for details")
    return 1
