"""``journey run``: ingest every drop present in one run, then build everything downstream in one run."""

from __future__ import annotations

import os
import sys
import time

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.definitions import build_definitions
from orchestration.defs.jobs import BUILD_JOB, INGEST_JOB
from orchestration.ingestion.landing import all_drop_dates
from orchestration.settings import Settings

_DAGSTER_YAML = "telemetry:\n  enabled: false\n"
_RUN_CONFIG = {"loggers": {"compact": {"config": {"log_level": "INFO"}}}}


def _say(message: str) -> None:
    print(f"journey run: {message}", file=sys.stderr, flush=True)


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    """The persistent Dagster instance (``DAGSTER_HOME``, by default next to the warehouse)."""
    home = os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    os.makedirs(home, exist_ok=True)
    config = os.path.join(home, "dagster.yaml")
    if not os.path.exists(config):
        with open(config, "w", encoding="utf-8") as fh:
            fh.write(_DAGSTER_YAML)
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


def run_pipeline(settings: Settings) -> int:
    """Materialise every asset for every drop present; 0 on success, 1 on failure, 2 on bad input.

    Ingestion loads each drop in its own transaction, so the raw schema stays consistent when
    a drop fails (that drop keeps its previous load and does not count towards as_of): the
    build still runs on what was loaded, and the command still exits 1.
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
    _say(
        f"{len(drops)} drops from {drops[0]} to {drops[-1]}, landing zone {settings.landing_dir}, "
        f"warehouse {settings.duckdb_path}"
    )
    started = time.perf_counter()
    ingest = defs.resolve_job_def(INGEST_JOB).execute_in_process(
        instance=instance,
        tags={
            ASSET_PARTITION_RANGE_START_TAG: drops[0].isoformat(),
            ASSET_PARTITION_RANGE_END_TAG: drops[-1].isoformat(),
        },
        run_config=_RUN_CONFIG,
        raise_on_error=False,
    )
    build = defs.resolve_job_def(BUILD_JOB).execute_in_process(
        instance=instance, run_config=_RUN_CONFIG, raise_on_error=False
    )
    elapsed = time.perf_counter() - started
    runs = f"runs {ingest.run_id} and {build.run_id}"
    if ingest.success and build.success:
        _say(f"succeeded in {elapsed:.1f} s ({runs})")
        return 0
    for message in _failures(ingest) + _failures(build):
        _say(message)
    _say(f"FAILED after {elapsed:.1f} s ({runs}); see the Dagster UI for details")
    return 1
