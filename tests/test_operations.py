"""Running on its own: the new-drop sensor, the daily schedule, partition reruns, lock retries
and the failure alert, through real Dagster runs on a small landing zone."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.definitions import build_definitions
from orchestration.defs import automation
from orchestration.defs.automation import DAILY_SCHEDULE, FAILURE_SENSOR, NEW_DROP_SENSOR, WEBHOOK_ENV
from orchestration.defs.jobs import DAILY_JOB, INGEST_JOB
from orchestration.defs.recovery import process_tags
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


def _range(request: dg.RunRequest) -> tuple[str, str]:
    return request.tags[ASSET_PARTITION_RANGE_START_TAG], request.tags[ASSET_PARTITION_RANGE_END_TAG]


def test_sensor_requests_what_the_warehouse_lacks_and_a_failed_range_again(
    zone: Path, tmp_path: Path, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    days = [date(2026, 3, d) for d in range(1, DAYS + 1)]
    _copy_drops(zone, landing, days[:2])
    settings = _settings(tmp_path, landing)
    defs = build_definitions(settings)
    sensor = _sensor(defs, NEW_DROP_SENSOR)

    def tick() -> dg.SensorResult | dg.SkipReason:
        # no cursor is ever passed: what is loaded is read from the warehouse
        return sensor(dg.build_sensor_context(instance=instance, definitions=defs))

    [first] = tick().run_requests
    assert _range(first) == ("2026-03-01", "2026-03-02")
    assert defs.resolve_job_def(INGEST_JOB).execute_in_process(instance=instance, tags=first.tags).success
    quiet = tick()
    assert isinstance(quiet, dg.SkipReason) and "no new or changed drop" in quiet.skip_message

    # a new drop, then a run of it that fails for a passing reason (its warehouse cannot be opened)
    _copy_drops(zone, landing, days[3:])
    [second] = tick().run_requests
    assert _range(second) == ("2026-03-04", "2026-03-04")
    broken = build_definitions(Settings(landing_dir=landing, duckdb_path=tmp_path / "broken" / "w.duckdb"))
    (tmp_path / "broken").write_text("a file where the warehouse folder should be")
    failed = broken.resolve_job_def(INGEST_JOB).execute_in_process(
        instance=instance, tags=second.tags, raise_on_error=False
    )
    assert not failed.success
    paused = tick()
    assert isinstance(paused, dg.SkipReason) and "2026-03-04..2026-03-04" in paused.skip_message
    monkeypatch.setattr(automation, "RETRY_FAILED_RANGE_SECONDS", 0.0)
    [again] = tick().run_requests
    assert _range(again) == ("2026-03-04", "2026-03-04")

    result = defs.resolve_job_def(INGEST_JOB).execute_in_process(instance=instance, tags=again.tags)
    assert result.success
    assert isinstance(tick(), dg.SkipReason)
    conn = connect(settings.duckdb_path, read_only=True)
    try:
        loaded = conn.execute("SELECT DISTINCT _drop_date FROM raw.web_events ORDER BY 1").fetchall()
    finally:
        conn.close()
    assert [d for (d,) in loaded] == [days[0], days[1], days[3]]


def test_sensor_waits_while_an_ingestion_run_is_under_way_or_the_warehouse_is_written(
    zone: Path, tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    landing = tmp_path / "landing"
    _copy_drops(zone, landing, [START])
    settings = _settings(tmp_path, landing)
    connect(settings.duckdb_path).close()
    defs = build_definitions(settings)
    sensor = _sensor(defs, NEW_DROP_SENSOR)

    holder = _LockHolder(settings.duckdb_path)
    try:
        busy = sensor(dg.build_sensor_context(instance=instance, definitions=defs))
    finally:
        holder.release()
    assert isinstance(busy, dg.SkipReason) and "is being written" in busy.skip_message

    # a run under way in a live process (this one)
    under_way = instance.create_run_for_job(
        job_def=defs.resolve_job_def(INGEST_JOB),
        status=dg.DagsterRunStatus.STARTED,
        tags=process_tags(),
    )
    waiting = sensor(dg.build_sensor_context(instance=instance, definitions=defs))
    assert isinstance(waiting, dg.SkipReason) and under_way.run_id in waiting.skip_message


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


class _LockHolder:
    """Another process holding the warehouse's write lock until it is released (no timer)."""

    def __init__(self, warehouse: Path) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); sys.stdin.read()",
                str(warehouse),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()  # end of input: the holder exits and its lock goes with it
        self.process.wait(timeout=60)


@contextmanager
def _locked_until(
    warehouse: Path, instance: dg.DagsterInstance, seen: Callable[[dg.EventLogEntry], bool]
) -> Iterator[_LockHolder]:
    """Hold the warehouse's lock until a run started on ``instance`` inside the block logs an entry
    for which ``seen`` holds: the lock is there when the run meets it, however slow the machine."""
    before = {r.run_id for r in instance.get_runs()}
    holder = _LockHolder(warehouse)
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.1):
            runs = [r.run_id for r in instance.get_runs() if r.run_id not in before]
            if any(seen(entry) for run_id in runs for entry in instance.all_logs(run_id)):
                break
        holder.release()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield holder
    finally:
        stop.set()
        watcher.join(timeout=60)
        holder.release()


def _retry_requested(entry: dg.EventLogEntry) -> bool:
    return entry.dagster_event is not None and entry.dagster_event.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY


def _waiting_for_lock(entry: dg.EventLogEntry) -> bool:
    return "is locked by another process; retrying" in (entry.user_message or "")


def test_a_transient_lock_is_retried_and_the_run_succeeds(
    zone: Path, tmp_path: Path, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    _copy_drops(zone, landing, [START])
    settings = _settings(tmp_path, landing)
    connect(settings.duckdb_path).close()
    defs = build_definitions(settings)
    tags = {ASSET_PARTITION_RANGE_START_TAG: START.isoformat(), ASSET_PARTITION_RANGE_END_TAG: START.isoformat()}

    # no waiting in connect: the lock error reaches the step, which Dagster retries after 10 s;
    # the lock is held until the retry is requested
    monkeypatch.setenv("JOURNEY_LOCK_WAIT_SECONDS", "0")
    with _locked_until(settings.duckdb_path, instance, _retry_requested):
        result = defs.resolve_job_def(INGEST_JOB).execute_in_process(instance=instance, tags=tags)
    assert result.success
    retried = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert retried and all("could not set lock" in e.event_specific_data.error.to_string().lower() for e in retried)

    # with waiting in connect (the default), the step itself waits for the lock to go; the lock is
    # held until the step says it waits
    monkeypatch.delenv("JOURNEY_LOCK_WAIT_SECONDS")
    with _locked_until(settings.duckdb_path, instance, _waiting_for_lock):
        result = defs.resolve_job_def(INGEST_JOB).execute_in_process(instance=instance, tags=tags)
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
