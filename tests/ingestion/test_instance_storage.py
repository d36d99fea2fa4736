"""The instance's event log (``orchestration.instance_storage``): what one process writes, another
reads, and a watcher of a run hears of each new event."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.events.log import EventLogEntry

from orchestration.instance_storage import LocalEventLogStorage
from orchestration.run import prepare_dagster_home
from orchestration.settings import Settings

READ_BACK = """
import dagster as dg
instance = dg.DagsterInstance.get()
records = instance.fetch_materializations(dg.AssetKey(["raw", "web_events"]), limit=10).records
print(type(instance.event_log_storage).__name__)
for r in sorted(records, key=lambda r: r.asset_materialization.partition):
    print(r.asset_materialization.partition, r.asset_materialization.tags["dagster/data_version"])
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "dagster"
    monkeypatch.setenv("DAGSTER_HOME", str(folder))
    prepare_dagster_home(Settings.from_env())
    return folder


def test_materialisations_written_by_one_process_are_read_by_another(home: Path) -> None:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.event_log_storage, LocalEventLogStorage)
        for day, version in (("2026-01-01", "a1"), ("2026-01-02", "b2")):
            instance.report_runless_asset_event(
                dg.AssetMaterialization(
                    asset_key=["raw", "web_events"], partition=day, tags={"dagster/data_version": version}
                )
            )
        # read while this process still holds its connections open
        out = subprocess.run([sys.executable, "-c", READ_BACK], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["LocalEventLogStorage", "2026-01-01 a1", "2026-01-02 b2"]


def test_a_watcher_of_a_run_hears_of_each_new_event(home: Path) -> None:
    """The events reach the run's write-ahead log; the file itself changes only at checkpoints."""
    storage = LocalEventLogStorage(str(home / "history" / "runs"))
    heard: list[str] = []
    done = threading.Event()

    def callback(entry: EventLogEntry, _cursor: str) -> None:
        heard.append(entry.user_message)
        if len(heard) == 3:
            done.set()

    def entry(message: str) -> EventLogEntry:
        return EventLogEntry(error_info=None, level="INFO", user_message=message, run_id="r1", timestamp=time.time())

    try:
        storage.store_event(entry("first"))
        storage.watch("r1", None, callback)
        storage.store_event(entry("second"))
        storage.store_event(entry("third"))
        assert done.wait(timeout=30), f"the watcher heard {heard}"
    finally:
        storage.end_watch("r1", callback)
        storage.dispose()
    assert heard == ["first", "second", "third"]
