"""Running on its own: the new-drop sensor, the daily schedule, partition reruns, lock retries
and the failure alert, through real Dagster runs on a small landing zone."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.definitions import build_definitions
from orchestration.defs.automation import DAILY_SCHEDULE, FAILURE_SENSOR, NEW_DROP_SENSOR, WEBHOOK_ENV
from orchestration.defs.jobs import DAILY_JOB, INGEST_JOB
from orchestration.generate import generate_landing_zone
from orchestration.ingestion import connect
from orchestration.run import build_run_config
from orchestration.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("operations")]

START = date(2026, 3, 1)
DAYS = 4
SOURCES = ("crm", "web", "contact_centre")


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("zone")
    generate_landing_zone(root, customers=60, days=DAYS, start=START, seed=5)
    return root


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test(temp_dir=str(tmp_path)) as inst:
        yield inst


def _copy_drops(src: Path, dst: Path, drops: list[date]) -> None:
    for source in SOURCES:
        for drop in drops:
            folder = src / source / drop.isoformat()
            if folder.is_dir():
                shutil.copytree(folder, dst / source / drop.isoformat())


def _settings(tmp_path: Path, landing: Path) -> Settings:
    return Settings(landing_dir=landing, duckdb_path=tmp_path / "warehouse.duckdb")


def _digest(warehouse: Path, schemas: tuple[str, ...]) -> str:
    conn = connect(warehouse, read_only=True)
    try:
        digest = hashlib.sha256()
        tables = conn.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE list_contains(?, schema_name) ORDER BY ALL",
            [list(schemas)],
        ).fetchall()
        for schema, table in tables:
            digest.update(f"{schema}.{table}".encode())
            for row in conn.execute(f"SELECT * FROM {schema}.{table} ORDER BY ALL").fetchall():
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def _sensor(defs: dg.Definitions, name: str) -> dg.SensorDefinition:
    return next(s for s in defs.sensors if s.name == name)


def test_sensor_requests_one_run_per_new_range_and_the_run_loads_it(
    zone: Path, tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    landing = tmp_path / "landing"
    days = [date(2026, 3, d) for d in range(1, DAYS + 1)]
    _copy_drops(zone, landing, days[:2])
    settings = _settings(tmp_path, landing)
    defs = build_definitions(settings)
    sensor = _sensor(defs, NEW_DROP_SENSOR)

    first = sensor(dg.build_sensor_context(instance=instance, definitions=defs))
    assert [
        (r.tags[ASSET_PARTITION_RANGE_START_TAG], r.tags[ASSET_PARTITION_RANGE_END_TAG]) for r in first.run_requests
    ] == [("2026-03-01", "2026-03-02")]
    quiet = sensor(dg.build_sensor_context(instance=instance, definitions=defs, cursor=first.cursor))
    assert isinstance(quiet, dg.SkipReason)

    _copy_drops(zone, landing, days[3:])
    second = sensor(dg.build_sensor_context(instance=instance, definitions=defs, cursor=first.cursor))
    [request] = second.run_requests
    assert (request.tags[ASSET_PARTITION_RANGE_START_TAG], request.tags[ASSET_PARTITION_RANGE_END_TAG]) == (
        "2026-03-04",
        "2026-03-04",
    )
    assert request.run_key != first.run_requests[0].run_key

    result = defs.resolve_job_def(INGEST_JOB).execute_in_process(instance=instance, tags=request.tags)
    assert result.success
    conn = connect(settings.duckdb_path, read_only=True)
    try:
        loaded = conn.execute("SELECT DISTINCT _drop_date FROM raw.web_events ORDER BY 1").fetchall()
    finally:
        conn.close()
    assert [d for (d,) in loaded] == [days[3]]


def test_daily_schedule_runs_the_day_and_a_partition_rerun_changes_nothing(
    zone: Path, tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    landing = tmp_path / "landing"
    _copy_drops(zone, landing, [date(2026, 3, d) for d in range(1, DAYS + 1)])
    settings = _settings(tmp_path, landing)
    defs = build_definitions(settings)
    schedule = next(s for s in defs.schedules if s.name == DAILY_SCHEDULE)

    absent = schedule(dg.build_schedule_context(scheduled_execution_time=datetime(2026, 3, 9, 6, tzinfo=UTC)))
    assert isinstance(absent, dg.SkipReason)
    request = schedule(dg.build_schedule_context(scheduled_execution_time=datetime(2026, 3, 3, 6, tzinfo=UTC)))
    assert request.partition_key == "2026-03-03"

    # the history first, as one backfill run, then the scheduled day
    backfill = defs.resolve_job_def(DAILY_JOB).execute_in_process(
        instance=instance,
        tags={ASSET_PARTITION_RANGE_START_TAG: "2026-03-01", ASSET_PARTITION_RANGE_END_TAG: "2026-03-04"},
        run_config=build_run_config(),
    )
    assert backfill.success
    job = defs.resolve_job_def(DAILY_JOB)
    day = {"instance": instance, "partition_key": request.partition_key, "run_config": build_run_config()}
    once = job.execute_in_process(**day)
    assert once.success
    logs = [e.message for e in instance.all_logs(once.run_id) if e.message]
    assert any("from drop 2026-03-03 at the latest" in m for m in logs)
    marts = _digest(settings.duckdb_path, ("marts",))
    twice = job.execute_in_process(
        instance=instance, partition_key=request.partition_key, run_config=build_run_config()
    )
    assert twice.success
    assert _digest(settings.duckdb_path, ("marts",)) == marts
    conn = connect(settings.duckdb_path, read_only=True)
    try:
        reloads = conn.execute("SELECT count(*) FROM raw.load_log WHERE drop_date = '2026-03-03'").fetchone()[0]
    finally:
        conn.close()
    assert reloads == 3 * len(SOURCES)  # the backfill, then twice the day: every load is logged, once
    # the raw records themselves are replaced, never added to
    data = ("raw.web_events", "raw.crm_contacts", "raw.quarantine", "raw.loaded_files")
    conn = connect(settings.duckdb_path, read_only=True)
    try:
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in data]
    finally:
        conn.close()
    again = job.execute_in_process(
        instance=instance, partition_key=request.partition_key, run_config=build_run_config()
    )
    assert again.success
    conn = connect(settings.duckdb_path, read_only=True)
    try:
        assert [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in data] == counts
    finally:
        conn.close()


def _hold_lock(warehouse: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); "
            "time.sleep(float(sys.argv[2]))",
            str(warehouse),
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_transient_lock_is_retried_and_the_run_succeeds(
    zone: Path, tmp_path: Path, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    _copy_drops(zone, landing, [START])
    settings = _settings(tmp_path, landing)
    connect(settings.duckdb_path).close()
    defs = build_definitions(settings)
    tags = {ASSET_PARTITION_RANGE_START_TAG: START.isoformat(), ASSET_PARTITION_RANGE_END_TAG: START.isoformat()}

    # no waiting in connect: the lock error reaches the step, which Dagster retries after 10 s
    monkeypatch.setenv("JOURNEY_LOCK_WAIT_SECONDS", "0")
    holder = _hold_lock(settings.duckdb_path, 4)
    try:
        result = defs.resolve_job_def(INGEST_JOB).execute_in_process(instance=instance, tags=tags)
    finally:
        holder.wait(timeout=60)
    assert result.success
    retried = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert retried and all("could not set lock" in e.event_specific_data.error.to_string().lower() for e in retried)

    # with waiting in connect (the default), the step itself waits for the lock to go
    monkeypatch.delenv("JOURNEY_LOCK_WAIT_SECONDS")
    holder = _hold_lock(settings.duckdb_path, 2)
    try:
        result = defs.resolve_job_def(INGEST_JOB).execute_in_process(instance=instance, tags=tags)
    finally:
        holder.wait(timeout=60)
    assert result.success
    logs = [e.message for e in instance.all_logs(result.run_id) if e.message]
    assert any("is locked by another process; retrying" in m for m in logs)


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Webhook.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def test_a_failed_run_is_posted_to_the_webhook(
    zone: Path, tmp_path: Path, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    contacts = sorted(zone.glob("crm/*/contacts.csv"))[0]
    day = date.fromisoformat(contacts.parent.name)
    _copy_drops(zone, landing, [day])
    contacts = landing / "crm" / day.isoformat() / "contacts.csv"
    lines = contacts.read_text(encoding="utf-8").splitlines()
    contacts.write_text("\n".join([lines[0].replace("created_at", "created")] + lines[1:]) + "\n", encoding="utf-8")
    settings = _settings(tmp_path, landing)
    defs = build_definitions(settings)
    tags = {ASSET_PARTITION_RANGE_START_TAG: day.isoformat(), ASSET_PARTITION_RANGE_END_TAG: day.isoformat()}
    failed = defs.resolve_job_def(INGEST_JOB).execute_in_process(instance=instance, tags=tags, raise_on_error=False)
    assert not failed.success
    failure = next(e for e in failed.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)

    server = HTTPServer(("127.0.0.1", 0), _Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Webhook.received.clear()
    monkeypatch.setenv(WEBHOOK_ENV, f"http://127.0.0.1:{server.server_port}/alerts")
    try:
        context = dg.build_run_status_sensor_context(
            sensor_name=FAILURE_SENSOR,
            dagster_event=failure,
            dagster_instance=instance,
            dagster_run=failed.dagster_run,
        ).for_run_failure()
        _sensor(defs, FAILURE_SENSOR)(context)
    finally:
        server.shutdown()
    [alert] = _Webhook.received
    assert alert["run_id"] == failed.run_id and alert["job"] == INGEST_JOB
    assert failed.run_id in alert["text"] and alert["partition_range"] == [day.isoformat(), day.isoformat()]
