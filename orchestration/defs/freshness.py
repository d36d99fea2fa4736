"""Freshness, evaluated without runs.

- A **drop** of day D is complete at midnight UTC ending D and **due by 09:00 UTC on D+1**. Each raw
  entity has the check ``drop_due_by_0900``: it passes when the entity's partition of the latest drop
  due (the drop of yesterday from 09:00 UTC, of the day before yesterday until then) was loaded. The
  freshness sensor evaluates it on every tick and reports the result as a check evaluation, with no
  run; launched by hand in the UI, the check runs the same evaluation.
- A **mart** must have been refreshed within ``JOURNEY_FRESHNESS_HOURS`` hours: a Dagster freshness
  policy on each mart, which Dagster's freshness daemon evaluates, also with no run.

The sensor posts to ``$JOURNEY_ALERT_WEBHOOK_URL`` when a drop becomes overdue or a mart's
freshness fails.
"""

import json
import os
import urllib.error
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import dagster as dg
from dagster._core.definitions.freshness import FreshnessState

from orchestration.defs.automation import FRESHNESS_SENSOR, WEBHOOK_ENV, post_alert

DROP_CHECK = "drop_due_by_0900"
DROP_DEADLINE = time(9, 0)  # UTC, on the day after the drop's day
SENSOR_INTERVAL_SECONDS = 300


def due_drop(now: datetime) -> date:
    """The latest drop due at ``now``: the drop of day D is due at 09:00 UTC on D+1."""
    now = now.astimezone(UTC)
    last_deadline_day = now.date() if now.time() >= DROP_DEADLINE else now.date() - timedelta(days=1)
    return last_deadline_day - timedelta(days=1)


def deadline_of(drop: date) -> datetime:
    return datetime.combine(drop + timedelta(days=1), DROP_DEADLINE, tzinfo=UTC)


@dataclass(frozen=True)
class DropDeadline:
    """Whether one raw entity holds the latest drop due."""

    asset_key: dg.AssetKey
    drop: date
    passed: bool

    @property
    def description(self) -> str:
        due = deadline_of(self.drop).strftime("%Y-%m-%d %H:%M UTC")
        if self.passed:
            return f"the drop of {self.drop}, due by {due}, is loaded"
        return f"the drop of {self.drop} is not loaded; it was due by {due}"

    @property
    def metadata(self) -> dict[str, object]:
        return {"drop": self.drop.isoformat(), "due": dg.MetadataValue.timestamp(deadline_of(self.drop))}

    def evaluation(self) -> dg.AssetCheckEvaluation:
        return dg.AssetCheckEvaluation(
            asset_key=self.asset_key,
            check_name=DROP_CHECK,
            passed=self.passed,
            severity=dg.AssetCheckSeverity.WARN,
            description=self.description,
            metadata=self.metadata,
        )


def drop_deadline(
    instance: dg.DagsterInstance, key: dg.AssetKey, partitions_def: dg.TimeWindowPartitionsDefinition, now: datetime
) -> DropDeadline | None:
    """The state of the latest drop due for ``key``, or None when no drop is due yet."""
    drop = due_drop(now)
    if drop < partitions_def.start.date():
        return None
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[drop.isoformat()]), limit=1
    ).records
    return DropDeadline(key, drop, passed=bool(records))


def drop_checks(
    raw_assets: Sequence[dg.AssetsDefinition], partitions_def: dg.TimeWindowPartitionsDefinition
) -> dg.AssetChecksDefinition:
    keys = [key for assets in raw_assets for key in assets.keys]

    @dg.multi_asset_check(
        name="raw_drops_due",
        specs=[
            dg.AssetCheckSpec(
                DROP_CHECK,
                asset=key,
                description="The latest drop due (the drop of day D is due by 09:00 UTC on D+1) is loaded. "
                "Evaluated by the freshness sensor without a run.",
            )
            for key in keys
        ],
        can_subset=True,
    )
    def raw_drops_due(context: dg.AssetCheckExecutionContext):
        now = datetime.now(UTC)
        for check_key in context.selected_asset_check_keys:
            state = drop_deadline(context.instance, check_key.asset_key, partitions_def, now)
            if state is None:
                yield dg.AssetCheckResult(
                    asset_key=check_key.asset_key, check_name=DROP_CHECK, passed=True, description="no drop due yet"
                )
                continue
            yield dg.AssetCheckResult(
                asset_key=check_key.asset_key,
                check_name=DROP_CHECK,
                passed=state.passed,
                severity=dg.AssetCheckSeverity.WARN,
                description=state.description,
                metadata=state.metadata,
            )

    return raw_drops_due


def mart_freshness_policy(max_age_hours: float) -> dg.FreshnessPolicy:
    """A mart fails its freshness when not refreshed for ``max_age_hours``."""
    return dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=max_age_hours))


def with_mart_freshness(
    assets: dg.AssetsDefinition, marts: Sequence[dg.AssetKey], max_age_hours: float
) -> dg.AssetsDefinition:
    """``assets`` with the marts' freshness policy on the marts among them."""
    policy = mart_freshness_policy(max_age_hours)
    return assets.map_asset_specs(
        lambda spec: spec.replace_attributes(freshness_policy=policy) if spec.key in marts else spec
    )


def _alert(context: dg.SensorEvaluationContext, text: str) -> None:
    context.log.warning(text)
    url = os.environ.get(WEBHOOK_ENV)
    if not url:
        return
    try:
        post_alert(url, {"text": f"journey: {text}"})
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        context.log.warning(f"could not post the alert to ${WEBHOOK_ENV}: {exc}")


def freshness_sensor(
    raw_keys: Sequence[dg.AssetKey], marts: Sequence[dg.AssetKey], partitions_def: dg.TimeWindowPartitionsDefinition
) -> dg.SensorDefinition:
    @dg.sensor(
        name=FRESHNESS_SENSOR,
        minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Without starting a run: reports, for each raw entity, whether the latest drop due "
        "(by 09:00 UTC on the day after its day) is loaded, as its drop_due_by_0900 check; posts to the "
        f"webhook in ${WEBHOOK_ENV} when a drop becomes overdue or a mart's freshness policy fails.",
    )
    def freshness(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        # what was last reported: check states by asset, mart freshness states alerted
        seen = json.loads(context.cursor) if context.cursor else {}
        drops: dict[str, list] = seen.get("drops", {})
        marts_seen: dict[str, str] = seen.get("marts", {})
        now = datetime.now(UTC)
        events = []
        for key in raw_keys:
            state = drop_deadline(context.instance, key, partitions_def, now)
            if state is None:
                continue
            name = key.to_user_string()
            current = [state.drop.isoformat(), state.passed]
            if drops.get(name) == current:
                continue
            drops[name] = current
            events.append(state.evaluation())
            if not state.passed:
                _alert(context, f"{name}: {state.description}")
        records = context.instance.get_freshness_state_records(list(marts))
        for key, record in records.items():
            name = key.to_user_string()
            state = record.freshness_state.value
            if state != marts_seen.get(name) and record.freshness_state == FreshnessState.FAIL:
                _alert(context, f"{name}: not refreshed within its freshness policy")
            marts_seen[name] = state
        return dg.SensorResult(asset_events=events, cursor=json.dumps({"drops": drops, "marts": marts_seen}))

    return freshness
