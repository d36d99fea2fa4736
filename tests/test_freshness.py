"""What the daily partitions and the 09:00 UTC deadline mean, and freshness evaluated without runs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import build_definitions
from orchestration.defs.automation import FRESHNESS_SENSOR, WEBHOOK_ENV
from orchestration.defs.freshness import DROP_CHECK, due_drop
from orchestration.defs.ingestion.partitions import drop_partitions
from orchestration.settings import Settings
from tests.conftest import WriteFile

WEB_EVENTS = dg.AssetKey(["raw", "web_events"])
CRM_CONTACTS = dg.AssetKey(["raw", "crm_contacts"])


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test(temp_dir=str(tmp_path)) as inst:
        yield inst


def test_the_drop_of_a_day_is_due_at_0900_utc_the_day_after() -> None:
    assert due_drop(datetime(2026, 3, 2, 8, 59, 59, tzinfo=UTC)) == date(2026, 2, 28)
    assert due_drop(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) == date(2026, 3, 1)
    assert due_drop(datetime(2026, 3, 2, 23, 59, tzinfo=UTC)) == date(2026, 3, 1)
    # 09:30 in Paris (UTC+1) is 08:30 UTC: the deadline has not passed
    paris = timezone(timedelta(hours=1))
    assert due_drop(datetime(2026, 3, 2, 9, 30, tzinfo=paris)) == date(2026, 2, 28)


def test_partitions_end_with_the_last_complete_day(landing: Path, write_file: WriteFile, warehouse: Path) -> None:
    """A landing zone whose drops end yesterday (the demo) has no partition for today."""
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    write_file(f"web/{yesterday - timedelta(days=2)}/events-1.ndjson", "")
    write_file(f"web/{yesterday}/events-1.ndjson", "")
    partitions = drop_partitions(Settings(landing_dir=landing, duckdb_path=warehouse))
    keys = partitions.get_partition_keys()
    assert keys[0] == (yesterday - timedelta(days=2)).isoformat()
    assert keys[-1] == yesterday.isoformat()
    # drops already delivered for later days (sample data for future dates) get their partitions
    tomorrow = yesterday + timedelta(days=2)
    write_file(f"web/{tomorrow}/events-1.ndjson", "")
    assert drop_partitions(Settings(landing_dir=landing, duckdb_path=warehouse)).get_last_partition_key() == (
        tomorrow.isoformat()
    )


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        _Webhook.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict]]:
    server = HTTPServer(("127.0.0.1", 0), _Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Webhook.received = []
    monkeypatch.setenv(WEBHOOK_ENV, f"http://127.0.0.1:{server.server_port}/alerts")
    try:
        yield _Webhook.received
    finally:
        server.shutdown()


def test_the_freshness_sensor_reports_drops_due_without_a_run(
    landing: Path, write_file: WriteFile, warehouse: Path, instance: dg.DagsterInstance, webhook: list[dict]
) -> None:
    today = datetime.now(UTC).date()
    first = today - timedelta(days=5)
    write_file(f"web/{first}/events-1.ndjson", "")
    defs = build_definitions(Settings(landing_dir=landing, duckdb_path=warehouse))
    sensor = next(s for s in defs.sensors if s.name == FRESHNESS_SENSOR)
    # web events loaded up to yesterday, whatever the time of day; CRM contacts only the first drop
    for day in range(5):
        drop = (first + timedelta(days=day)).isoformat()
        instance.report_runless_asset_event(dg.AssetMaterialization(WEB_EVENTS, partition=drop))
    instance.report_runless_asset_event(dg.AssetMaterialization(CRM_CONTACTS, partition=first.isoformat()))

    context = dg.build_sensor_context(instance=instance, definitions=defs)
    result = sensor(context)
    assert isinstance(result, dg.SensorResult) and not result.run_requests
    evaluations = {e.asset_key: e for e in result.asset_events if isinstance(e, dg.AssetCheckEvaluation)}
    assert len(evaluations) == 8 and {e.check_name for e in evaluations.values()} == {DROP_CHECK}
    assert evaluations[WEB_EVENTS].passed
    contacts = evaluations[CRM_CONTACTS]
    assert not contacts.passed and contacts.severity == dg.AssetCheckSeverity.WARN
    due = today - timedelta(days=1) if datetime.now(UTC).hour >= 9 else today - timedelta(days=2)
    assert f"the drop of {due} is not loaded" in (contacts.description or "")
    # each entity missing the drop due is posted once to the alert webhook
    alerts = [a["text"] for a in webhook]
    assert len(alerts) == 7 and not any("raw/web_events" in a for a in alerts), alerts
    assert any(a.startswith(f"journey: raw/crm_contacts: the drop of {due} is not loaded") for a in alerts), alerts

    # the next tick, nothing changed: nothing reported again
    again = sensor(dg.build_sensor_context(instance=instance, definitions=defs, cursor=result.cursor))
    assert isinstance(again, dg.SensorResult) and not again.asset_events and not again.run_requests
    assert len(webhook) == 7
    assert instance.get_runs() == []
