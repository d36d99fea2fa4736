"""Incremental builds: a day's run after a new drop gives the marts a full refresh gives."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.definitions.freshness import FreshnessState
from dagster._core.scheduler.instigation import InstigatorType, TickStatus

from orchestration.definitions import build_definitions
from orchestration.defs.automation import AUTOMATION_SENSOR, FRESHNESS_SENSOR, NEW_DROP_SENSOR
from orchestration.defs.freshness import DROP_CHECK
from orchestration.ingestion import connect
from orchestration.settings import Settings
from tests.warehouse import MAY_BE_EMPTY_ON_SMALL_ZONES, mart_rows, query_rows

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("incremental")]

START = date(2026, 1, 20)
DAYS = 15
LATE_DROP = date(2026, 2, 3)
LATE_AT = datetime(2026, 1, 31, 12, 0, 0)  # 2.5 days before its drop, in the month before
HELD_BACK = [date(2026, 2, 2), LATE_DROP]
LOOKBACK_MESSAGE = "lookback-message-0001"
MERGE_MESSAGE = "merge-message-0001"
# the customer-keyed incremental models below the marts, compared with a full refresh too
CUSTOMER_MODELS = ("int_channel_steps_collapsed", "int_customer_paths_collapsed", "int_attribution_touchpoints_matched")
DEV_SECONDS = 300  # for journey dev to start and every sensor to tick


def _journey(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done


def _move_drops(src: Path, dst: Path, drops: list[date]) -> None:
    for source in ("crm", "web", "contact_centre"):
        for drop in drops:
            folder = src / source / drop.isoformat()
            if folder.is_dir():
                (dst / source).mkdir(parents=True, exist_ok=True)
                shutil.move(folder, dst / source / drop.isoformat())


def _page_view_template(landing: Path) -> dict[str, str]:
    """A page view of a logged-in user from the January drops."""
    for path in sorted((landing / "web").glob("2026-01-2*/events-*.ndjson")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("type") == "page" and message.get("userId"):
                return message
    raise AssertionError("no page view of a logged-in user in the January drops")


def _page_view(template: dict, message_id: str, at: datetime, **ids: str) -> dict[str, str]:
    """The template re-sent as another message at ``at`` (UTC), received 2.5 days later."""
    message = {**template, "messageId": message_id, **ids}
    message["timestamp"] = at.isoformat(timespec="milliseconds") + "Z"
    message["receivedAt"] = (at + timedelta(days=2, hours=12)).isoformat(timespec="milliseconds") + "Z"
    return message


def _late_event(landing: Path) -> dict[str, str]:
    """A page view of a logged-in user from the January drops, re-sent late in a February drop."""
    return _page_view(_page_view_template(landing), "late-message-0001", LATE_AT)


def _lookback_and_merge(warehouse: Path) -> dict[str, object]:
    """From the warehouse of the first run: the known customer that converted last, and an
    anonymous device whose customer's touchpoints all fall inside that conversion's 30-day
    lookback window (and its journey has no conversion of its own)."""
    conn = connect(warehouse, read_only=True)
    try:
        contact, converted_at = conn.execute(
            "SELECT j.customer_key, j.entered_at FROM marts.fct_customer_journey j "
            "JOIN intermediate.int_identities_stitched i ON i.identifier_type = 'contact_id' "
            "AND i.identifier = j.customer_key AND i.is_known AND NOT i.is_deleted "
            "WHERE j.stage = 'conversion' ORDER BY j.entered_at DESC, j.customer_key LIMIT 1"
        ).fetchone()
        device, anonymous_key = conn.execute(
            "SELECT i.identifier, i.customer_key FROM intermediate.int_identities_stitched i "
            "JOIN marts.fct_touchpoints t ON t.customer_key = i.customer_key "
            "WHERE i.identifier_type = 'anonymous_id' AND NOT i.is_known AND t.channel = 'web' "
            "AND i.customer_key NOT IN (SELECT customer_key FROM marts.fct_customer_journey "
            "WHERE stage = 'conversion') GROUP BY ALL "
            "HAVING min(t.occurred_at) >= ?::TIMESTAMP - INTERVAL 30 DAY AND max(t.occurred_at) < ? "
            "ORDER BY i.customer_key LIMIT 1",
            [converted_at, converted_at],
        ).fetchone()
        device_touches = [
            t
            for (t,) in conn.execute(
                "SELECT touchpoint_id FROM marts.fct_touchpoints WHERE customer_key = ? AND channel = 'web'",
                [anonymous_key],
            ).fetchall()
        ]
    finally:
        conn.close()
    return {
        "contact": contact,
        "converted_at": converted_at,
        "device": device,
        "anonymous_key": anonymous_key,
        "device_touches": device_touches,
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("incremental")
    env = {**os.environ, "DAGSTER_HOME": str(root / "dagster")}
    for name in ("JOURNEY_LANDING_DIR", "JOURNEY_DUCKDB_PATH", "JOURNEY_PUBLISH_DIR", "JOURNEY_DATA_DOCS_DIR"):
        env.pop(name, None)
    landing, held = root / "landing", root / "held"
    _journey(
        ["generate", "--out", str(landing), "--customers", "220", "--days", str(DAYS), "--start", START.isoformat()]
        + ["--seed", "11"],
        env,
    )
    late = _late_event(landing)
    _move_drops(landing, held, HELD_BACK)

    daily = root / "daily" / "warehouse.duckdb"
    run = ["run", "--landing", str(landing), "--warehouse", str(daily)]
    logs = [_journey(run, env).stderr]
    picked = _lookback_and_merge(daily)
    template = _page_view_template(landing)
    # the first held-back drop adds a web touch of the customer that converted last, two days
    # before its conversion; the second, beside the late event, links the anonymous device to
    # that customer: the device's customer is merged into it, with its touches in the lookback
    added = {
        HELD_BACK[0]: [
            _page_view(
                template,
                LOOKBACK_MESSAGE,
                picked["converted_at"] - timedelta(days=2),
                anonymousId="lookback-device-0001",
                userId=picked["contact"],
            )
        ],
        LATE_DROP: [
            late,
            _page_view(
                template,
                MERGE_MESSAGE,
                datetime(2026, 2, 2, 12),
                anonymousId=picked["device"],
                userId=picked["contact"],
            ),
        ],
    }
    for drop in HELD_BACK:
        _move_drops(held, landing, [drop])
        messages = "".join(json.dumps(m) + "\n" for m in added[drop])
        (landing / "web" / drop.isoformat() / "events-9999.ndjson").write_text(messages)
        logs.append(_journey(run, env).stderr)
    before_noop = mart_rows(daily)
    logs.append(_journey(run, env).stderr)
    # nothing new: the run above stops early; this one builds, validates and publishes again
    logs.append(_journey([*run, "--always-build"], env).stderr)

    full = root / "full" / "warehouse.duckdb"
    _journey(["run", "--landing", str(landing), "--warehouse", str(full), "--full-refresh"], env)
    return {
        "root": root,
        "env": env,
        "landing": landing,
        "daily": daily,
        "full": full,
        "logs": logs,
        "before_noop": before_noop,
        "late": late,
        "picked": picked,
    }


def test_each_daily_run_ingests_only_its_drop(built: dict) -> None:
    logs = built["logs"]
    assert f"{DAYS - len(HELD_BACK)} new or changed" in logs[0]
    for log, drop in zip(logs[1:-2], HELD_BACK, strict=True):
        assert ", 1 new or changed" in log
        assert f"ingesting drops {drop} .. {drop}" in log
    for log in logs[-2:]:
        assert ", 0 new or changed" in log and "ingesting" not in log


def test_a_run_without_new_data_stops_unless_asked_to_build(built: dict) -> None:
    skipped, forced = built["logs"][-2:]
    assert "up to date" in skipped and "building the models" not in skipped
    assert "building the models incrementally" in forced and "succeeded" in forced


def test_incremental_marts_equal_a_full_refresh_row_for_row(built: dict) -> None:
    daily, full = mart_rows(built["daily"]), mart_rows(built["full"])
    assert set(daily) == set(full) and len(daily) >= 8
    assert [t for t in full if not full[t] and t not in MAY_BE_EMPTY_ON_SMALL_ZONES] == []
    for table in full:
        assert daily[table] == full[table], table


def test_incremental_customer_models_equal_a_full_refresh_row_for_row(built: dict) -> None:
    for model in CUSTOMER_MODELS:
        sql = f"SELECT * FROM intermediate.{model} ORDER BY ALL"
        daily, full = query_rows(built["daily"], sql), query_rows(built["full"], sql)
        assert daily and daily == full, model


def test_a_touch_inside_a_lookback_window_is_credited(built: dict) -> None:
    contact = built["picked"]["contact"]
    credits = query_rows(
        built["daily"],
        f"SELECT touchpoint_id, credit FROM marts.fct_attribution_credits "
        f"WHERE customer_key = '{contact}' AND model = 'linear'",
    )
    touches = {touch for touch, _ in credits}
    assert f"web:{LOOKBACK_MESSAGE}" in touches
    assert abs(sum(credit for _, credit in credits) - 1) < 1e-9


def test_a_customer_merged_into_another_gives_it_its_touches(built: dict) -> None:
    picked = built["picked"]
    gone = picked["anonymous_key"]
    for table in ("fct_touchpoints", "fct_customer_journey", "fct_attribution_credits"):
        assert query_rows(built["daily"], f"SELECT 1 FROM marts.{table} WHERE customer_key = '{gone}'") == [], table
    for model in CUSTOMER_MODELS:
        sql = f"SELECT 1 FROM intermediate.{model} WHERE customer_key = '{gone}'"
        assert query_rows(built["daily"], sql) == [], model
    credited = query_rows(
        built["daily"],
        f"SELECT touchpoint_id FROM marts.fct_attribution_credits "
        f"WHERE customer_key = '{picked['contact']}' AND model = 'linear'",
    )
    assert picked["device_touches"] and set(picked["device_touches"]) <= {t for (t,) in credited}


def test_a_run_without_new_data_changes_nothing(built: dict) -> None:
    assert mart_rows(built["daily"]) == built["before_noop"]


def test_incremental_models_were_not_rebuilt_from_scratch(built: dict) -> None:
    conn = connect(built["daily"], read_only=True)
    try:
        builds = conn.execute(
            "SELECT count(DISTINCT invocation_id), bool_or(full_refresh) FROM ops.model_builds "
            "WHERE model = 'stg_web__events'"
        ).fetchone()
        # the last daily build parsed only the drops it had not seen
        changed = conn.execute("SELECT count(*) FROM intermediate.int_web_devices").fetchone()[0]
        recent = conn.execute(
            "SELECT count(*) FROM intermediate.int_web_devices "
            "WHERE changed_at = (SELECT max(changed_at) FROM intermediate.int_web_devices)"
        ).fetchone()[0]
        # the builds of the customer fingerprints: first run, held-back drops, the forced run
        starts = [
            t
            for (t,) in conn.execute(
                "SELECT run_started_at FROM ops.model_builds WHERE model = 'int_customers_fingerprinted' "
                "ORDER BY run_started_at"
            ).fetchall()
        ]
        changed_customers = dict(
            conn.execute(
                "SELECT changed_at, count(*) FROM intermediate.int_customers_fingerprinted GROUP BY changed_at"
            ).fetchall()
        )
        credits_builds = conn.execute(
            "SELECT count(DISTINCT invocation_id), bool_or(full_refresh) FROM ops.model_builds "
            "WHERE model = 'fct_attribution_credits'"
        ).fetchone()
    finally:
        conn.close()
    # the first run, one per held-back drop and the forced one; not the run that had nothing to do
    assert builds == (len(HELD_BACK) + 2, False) == credits_builds
    assert 0 < recent < changed
    # the last held-back drop changed a few customers, the forced run without new data none
    assert len(starts) == len(HELD_BACK) + 2
    assert 0 < changed_customers.get(starts[-2], 0) < sum(changed_customers.values()) / 2
    assert starts[-1] not in changed_customers


def test_a_late_event_lands_in_its_month_and_stage(built: dict) -> None:
    conn = connect(built["daily"], read_only=True)
    try:
        row = conn.execute(
            "SELECT customer_key, occurred_at, stage FROM marts.fct_touchpoints WHERE touchpoint_id = ?",
            ["web:late-message-0001"],
        ).fetchone()
        assert row is not None
        customer, occurred_at, stage = row
        assert occurred_at == LATE_AT
        expected_customer = conn.execute(
            "SELECT customer_key FROM intermediate.int_identities_stitched "
            "WHERE identifier_type = 'contact_id' AND identifier = ?",
            [built["late"]["userId"]],
        ).fetchone()[0]
        assert customer == expected_customer
        intervals = conn.execute(
            "SELECT stage FROM marts.fct_customer_journey WHERE customer_key = ? AND entered_at <= ? "
            "AND (exited_at IS NULL OR exited_at > ?)",
            [customer, LATE_AT, LATE_AT],
        ).fetchall()
        assert [s for (s,) in intervals] == ([stage] if stage else [])
        session = conn.execute(
            "SELECT count(*) FROM marts.fct_web_sessions WHERE anonymous_id = ? AND started_at <= ? AND ended_at >= ?",
            [built["late"]["anonymousId"], LATE_AT, LATE_AT],
        ).fetchone()[0]
        assert session == 1
        january = conn.execute(
            "SELECT count(*) FROM marts.fct_touchpoints WHERE customer_key = ? AND occurred_at < '2026-02-01' "
            "AND occurred_at >= '2026-01-01'",
            [customer],
        ).fetchone()[0]
        assert january >= 1
    finally:
        conn.close()


def test_journey_dev_on_an_up_to_date_warehouse_requests_no_run(built: dict) -> None:
    """What `journey dev` would do first on the instance `journey run` used: the new-drop sensor and
    the declarative automation find nothing to load and nothing to build."""
    settings = Settings(landing_dir=built["landing"], duckdb_path=built["daily"])
    defs = build_definitions(settings)
    with dg.DagsterInstance.from_config(str(built["root"] / "dagster")) as instance:
        sensor = next(s for s in defs.sensors if s.name == NEW_DROP_SENSOR)
        tick = sensor(dg.build_sensor_context(instance=instance, definitions=defs))
        assert isinstance(tick, dg.SkipReason) and "no new or changed drop" in tick.skip_message
        automation = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        assert automation.total_requested == 0, [r.key for r in automation.results if r.true_subset.size]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _completed_ticks(instance: dg.DagsterInstance) -> dict[str, int]:
    """Completed ticks of every sensor the daemon evaluated, by sensor name."""
    ticks = {}
    for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
        done = [
            t
            for t in instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=10)
            if t.status != TickStatus.STARTED
        ]
        ticks[state.instigator_name] = len(done)
    return ticks


def test_journey_dev_started_on_an_up_to_date_warehouse_starts_no_run(built: dict) -> None:
    """`journey dev` itself, webserver and daemon, on the warehouse and instance `journey run` left:
    while every sensor ticks (the automation sensor twice) and the freshness daemon evaluates the
    marts, no run of any job is started, check-only runs included; freshness is evaluated all the
    same, without runs."""
    home = built["root"] / "dagster"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        before = {r.run_id for r in instance.get_runs()}
    log = built["root"] / "journey-dev.log"
    command = [sys.executable, "-m", "orchestration.cli", "dev", "--landing", str(built["landing"])]
    command += ["--warehouse", str(built["daily"]), "--port", str(_free_port())]
    with log.open("w", encoding="utf-8") as out:
        dev = subprocess.Popen(command, env=built["env"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    wanted = {NEW_DROP_SENSOR: 1, FRESHNESS_SENSOR: 1, AUTOMATION_SENSOR: 2}
    ticks: dict[str, int] = {}
    fact = dg.AssetKey(["marts", "fct_customer_journey"])
    web_events_check = dg.AssetCheckKey(dg.AssetKey(["raw", "web_events"]), DROP_CHECK)
    try:
        deadline = time.monotonic() + DEV_SECONDS
        with dg.DagsterInstance.from_config(str(home)) as instance:
            while time.monotonic() < deadline:
                assert dev.poll() is None, log.read_text(encoding="utf-8", errors="replace")[-4000:]
                ticks = _completed_ticks(instance)
                evaluated = instance.get_freshness_state_records([fact])
                if all(ticks.get(name, 0) >= n for name, n in wanted.items()) and fact in evaluated:
                    break
                time.sleep(3)
            assert all(ticks.get(name, 0) >= n for name, n in wanted.items()), ticks
            runs = [f"{r.job_name} ({r.status.value})" for r in instance.get_runs() if r.run_id not in before]
            assert runs == [], runs
            # freshness, evaluated without a run: the marts were just built; the landing zone's
            # drops ended in February, so the drop due now is missing
            assert instance.get_freshness_state_records([fact])[fact].freshness_state == FreshnessState.PASS
            drop_check = instance.get_latest_asset_check_evaluation_record(web_events_check)
            assert drop_check is not None and drop_check.run_id in (None, "")
            evaluation = drop_check.event.dagster_event.event_specific_data
            assert not evaluation.passed and "is not loaded" in evaluation.description
    finally:
        os.killpg(dev.pid, signal.SIGTERM)
        try:
            dev.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(dev.pid, signal.SIGKILL)
            dev.wait()
