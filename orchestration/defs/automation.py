"""What runs on its own: the new-drop sensor, the daily schedule, declarative automation of
everything downstream of ingestion and the run-failure alert (freshness: ``freshness.py``)."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import date

import dagster as dg
import duckdb
from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES, DagsterRunStatus, RunsFilter
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.defs.recovery import reclaim_dead_runs
from orchestration.ingestion.changes import changed_drops
from orchestration.ingestion.contract import SOURCES
from orchestration.ingestion.landing import all_drop_dates, contiguous_ranges
from orchestration.ingestion.warehouse import connect, is_lock_error
from orchestration.settings import Settings

NEW_DROP_SENSOR = "new_drop_sensor"
DAILY_SCHEDULE = "daily_schedule"
AUTOMATION_SENSOR = "journey_automation"
FRESHNESS_SENSOR = "freshness_sensor"
FAILURE_SENSOR = "run_failure_alert"
WEBHOOK_ENV = "JOURNEY_ALERT_WEBHOOK_URL"
DAILY_CRON = "0 6 * * *"
RETRY_FAILED_RANGE_SECONDS = 300.0


def downstream_condition() -> dg.AutomationCondition:
    """Refresh when an input was updated, once nothing upstream or itself is running.

    Unlike ``eager()`` it does not wait for every upstream partition to exist: days without a
    drop are normal, and a model of all drops refreshes on whatever drops were loaded.
    """
    return (
        (dg.AutomationCondition.newly_missing() | dg.AutomationCondition.any_deps_updated()).since_last_handled()
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
    ).with_label("refresh after inputs")


def range_request(first: str, last: str) -> dg.RunRequest:
    """One run of the ingestion job over a range of drop dates (a single-run backfill). No run key:
    the warehouse, not the sensor, remembers what is loaded, so a range is requested again until it
    is (the sensor requests nothing while an ingestion run is queued or under way)."""
    return dg.RunRequest(tags={ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last})


def pending_drop_dates(settings: Settings) -> list[date] | str:
    """The drops of the landing zone that are new or changed against what the warehouse holds
    (``raw.loaded_drops``, the one record of what is loaded), or why it cannot be told now."""
    if not settings.landing_dir.is_dir():
        return f"the landing zone {settings.landing_dir} does not exist"
    if not settings.duckdb_path.exists():
        return all_drop_dates(settings.landing_dir)
    try:
        conn = connect(settings.duckdb_path, read_only=True, lock_wait_seconds=0)
    except duckdb.IOException as error:
        if is_lock_error(error):
            return f"the warehouse {settings.duckdb_path} is being written; looking again at the next tick"
        raise
    try:
        return changed_drops(conn, settings.landing_dir)
    finally:
        conn.close()


def _ingestion_under_way(instance: dg.DagsterInstance, jobs: Sequence[str]) -> list[str]:
    runs = instance.get_runs(filters=RunsFilter(job_name=None, statuses=NOT_FINISHED_STATUSES))
    return [f"{r.run_id} (job {r.job_name})" for r in runs if r.job_name in jobs]


def _recently_failed(instance: dg.DagsterInstance, first: str, last: str, jobs: Sequence[str]) -> float | None:
    """Seconds since the last run over this range failed, when its latest run failed."""
    for record in instance.get_run_records(
        filters=RunsFilter(tags={ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}),
        limit=5,
    ):
        if record.dagster_run.job_name not in jobs:
            continue
        if record.dagster_run.status != DagsterRunStatus.FAILURE:
            return None
        ended = record.end_time or record.update_timestamp.timestamp()
        return time.time() - ended
    return None


def build_new_drop_sensor(settings: Settings, ingest_job: str, daily_job: str) -> dg.SensorDefinition:
    jobs = (ingest_job, daily_job)

    @dg.sensor(
        name=NEW_DROP_SENSOR,
        job_name=ingest_job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Watch the landing zone; ingest the drop folders that are new or changed (files, sizes, "
        "modification times) against what the warehouse holds (raw.loaded_drops), in one run per range of "
        "consecutive days; a drop rejected for breaking the contract (raw.rejected_drops) only once its files "
        "change. A range whose run failed is requested again after a pause. The marts then "
        "refresh through declarative automation. Also closes runs left in progress by a dead process.",
    )
    def new_drop_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        for closed in reclaim_dead_runs(context.instance):
            context.log.warning(f"closed {closed.describe()}")
        under_way = _ingestion_under_way(context.instance, jobs)
        if under_way:
            return dg.SkipReason(f"ingestion under way: {', '.join(under_way)}")
        pending = pending_drop_dates(settings)
        if isinstance(pending, str):
            return dg.SkipReason(pending)
        if not pending:
            return dg.SkipReason(f"no new or changed drop in {settings.landing_dir}")
        requests, paused = [], []
        for first, last in contiguous_ranges(pending):
            since = _recently_failed(context.instance, first.isoformat(), last.isoformat(), jobs)
            if since is not None and since < RETRY_FAILED_RANGE_SECONDS:
                paused.append(f"{first}..{last}")
                continue
            requests.append(range_request(first.isoformat(), last.isoformat()))
        if paused:
            context.log.info(f"drops {', '.join(paused)} failed less than {RETRY_FAILED_RANGE_SECONDS:.0f} s ago")
        if not requests:
            return dg.SkipReason(f"only drops whose run failed recently: {', '.join(paused)}; retried later")
        context.log.info(f"{len(pending)} new or changed drops: {', '.join(d.isoformat() for d in pending)}")
        return dg.SensorResult(run_requests=requests)

    return new_drop_sensor


def build_daily_schedule(settings: Settings, daily_job: str) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=DAILY_SCHEDULE,
        job_name=daily_job,
        cron_schedule=DAILY_CRON,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Every day at 06:00 UTC, load that day's drop and build, validate and publish the "
        "marts in one run. An alternative to the new-drop sensor when drops arrive at a fixed time.",
    )
    def daily_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        day = context.scheduled_execution_time.date()
        present = [s for s in SOURCES if (settings.landing_dir / s / day.isoformat()).is_dir()]
        if not present:
            return dg.SkipReason(f"no drop for {day} in {settings.landing_dir}")
        pending = pending_drop_dates(settings)
        if isinstance(pending, list) and day not in pending:
            return dg.SkipReason(f"the drop of {day} is already loaded, unchanged")
        return dg.RunRequest(run_key=f"daily:{day}", partition_key=day.isoformat())

    return daily_schedule


def automation_sensor() -> dg.AutomationConditionSensorDefinition:
    return dg.AutomationConditionSensorDefinition(
        AUTOMATION_SENSOR,
        target=dg.AssetSelection.all(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=30,
        description="Evaluates the automation conditions: models, checks and the publication refresh "
        "after their inputs were updated.",
    )


def post_alert(url: str, payload: dict[str, object], timeout: float = 10.0) -> None:
    """POST a JSON alert (with a Slack-style ``text`` field) to a webhook."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (operator-configured URL)
        response.read()


@dg.run_failure_sensor(
    name=FAILURE_SENSOR,
    monitor_all_code_locations=False,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Log every failed run and post it to the webhook in ${WEBHOOK_ENV} when set.",
)
def run_failure_alert(context: dg.RunFailureSensorContext) -> None:
    run = context.dagster_run
    error = context.failure_event.message or "unknown error"
    payload = {
        "text": f"journey: run {run.run_id} of job {run.job_name} failed: {error}",
        "run_id": run.run_id,
        "job": run.job_name,
        "error": error,
        "partition_range": [
            run.tags.get(ASSET_PARTITION_RANGE_START_TAG) or run.tags.get("dagster/partition"),
            run.tags.get(ASSET_PARTITION_RANGE_END_TAG) or run.tags.get("dagster/partition"),
        ],
    }
    context.log.error(payload["text"])
    url = os.environ.get(WEBHOOK_ENV)
    if not url:
        return
    try:
        post_alert(url, payload)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        context.log.warning(f"could not post the alert to ${WEBHOOK_ENV}: {exc}")
