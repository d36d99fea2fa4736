"""What runs on its own: the new-drop sensor, the daily schedule, declarative automation of
everything downstream of ingestion, freshness checks and the run-failure alert."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
import warnings
from collections.abc import Sequence
from datetime import date, timedelta

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.ingestion.landing import contiguous_ranges, landing_signatures
from orchestration.settings import Settings

NEW_DROP_SENSOR = "new_drop_sensor"
DAILY_SCHEDULE = "daily_schedule"
AUTOMATION_SENSOR = "journey_automation"
FRESHNESS_SENSOR = "freshness_checks_sensor"
FAILURE_SENSOR = "run_failure_alert"
WEBHOOK_ENV = "JOURNEY_ALERT_WEBHOOK_URL"
DAILY_CRON = "0 6 * * *"


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


def range_request(first: str, last: str, key: str) -> dg.RunRequest:
    """One run of the ingestion job over a range of drop dates (a single-run backfill)."""
    return dg.RunRequest(
        run_key=key,
        tags={ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last},
    )


def _changed_drops(seen: dict[str, str], current: dict[str, str]) -> list[date]:
    """Drop dates with a folder that is new or changed since ``seen`` (keys "<source>/<date>")."""
    return sorted({date.fromisoformat(key.split("/")[1]) for key, sig in current.items() if seen.get(key) != sig})


def build_new_drop_sensor(settings: Settings, ingest_job: str) -> dg.SensorDefinition:
    @dg.sensor(
        name=NEW_DROP_SENSOR,
        job_name=ingest_job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Watch the landing zone; ingest the drop folders that are new or changed (files, sizes, "
        "modification times) in one run per range of consecutive days. The marts then refresh "
        "through declarative automation.",
    )
    def new_drop_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        # The cursor, not the warehouse, remembers what was seen: reading the DuckDB file would
        # contend with the runs writing it.
        seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
        current = {
            f"{source}/{drop.isoformat()}": sig
            for (source, drop), sig in landing_signatures(settings.landing_dir).items()
        }
        changed = _changed_drops(seen, current)
        if not changed:
            return dg.SkipReason(f"no new or changed drop in {settings.landing_dir}")
        requests = []
        for first, last in contiguous_ranges(changed):
            in_range = {k: v for k, v in current.items() if first.isoformat() <= k.split("/")[1] <= last.isoformat()}
            digest = hashlib.sha256(json.dumps(in_range, sort_keys=True).encode()).hexdigest()[:16]
            requests.append(range_request(first.isoformat(), last.isoformat(), f"{first}..{last}:{digest}"))
        context.log.info(f"{len(changed)} new or changed drops: {', '.join(d.isoformat() for d in changed)}")
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(current, sort_keys=True))

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
        day = context.scheduled_execution_time.date().isoformat()
        present = [s for s in ("crm", "web", "contact_centre") if (settings.landing_dir / s / day).is_dir()]
        if not present:
            return dg.SkipReason(f"no drop for {day} in {settings.landing_dir}")
        return dg.RunRequest(run_key=f"daily:{day}", partition_key=day)

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


def freshness_checks(
    raw_assets: Sequence[dg.AssetsDefinition], marts: Sequence[dg.AssetKey], max_age_hours: float
) -> list[dg.AssetChecksDefinition]:
    """Raw drops due every day by 09:00 UTC; marts refreshed within ``max_age_hours``.

    These are asset checks (a pass/fail history per asset, evaluated by their own sensor and
    usable in alerting), which Dagster now also offers as freshness policies; the checks are
    kept for that history, hence the silenced supersession notice.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.SupersessionWarning)
        return [
            *dg.build_time_partition_freshness_checks(assets=list(raw_assets), deadline_cron="0 9 * * *"),
            *dg.build_last_update_freshness_checks(
                assets=list(marts), lower_bound_delta=timedelta(hours=max_age_hours)
            ),
        ]


def freshness_sensor(checks: Sequence[dg.AssetChecksDefinition]) -> dg.SensorDefinition:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.SupersessionWarning)
        return dg.build_sensor_for_freshness_checks(
            freshness_checks=list(checks),
            name=FRESHNESS_SENSOR,
            minimum_interval_seconds=300,
            default_status=dg.DefaultSensorStatus.RUNNING,
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
