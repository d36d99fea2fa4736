"""The Dagster instance's SQLite files while ``journey run`` runs: cheaper commits, same events."""

import sqlite3
from pathlib import Path

import dagster as dg
import pytest

from orchestration.instance_storage import quick_commits

EVENTS = 12


@dg.op
def _materialise_many(context: dg.OpExecutionContext) -> None:
    for i in range(EVENTS):
        context.log_event(dg.AssetMaterialization(asset_key=f"k{i}"))


@dg.job
def _job() -> None:
    _materialise_many()


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with dg.DagsterInstance.get() as instance:
        yield instance


@pytest.fixture
def watch_synchronous():
    """Call it to record, from then on, the ``synchronous`` setting of every SQLite connection
    SQLAlchemy opens (registered after quick_commits' listener, it sees what that one set)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen: list[int] = []

    def record(dbapi_connection, _record) -> None:
        seen.append(dbapi_connection.execute("PRAGMA synchronous").fetchone()[0])

    def start() -> list[int]:
        event.listen(Engine, "connect", record)
        return seen

    yield start
    if event.contains(Engine, "connect", record):
        event.remove(Engine, "connect", record)


def test_a_run_inside_commits_with_normal_sync_and_every_event_is_stored(instance, tmp_path, watch_synchronous):
    with quick_commits(tmp_path):
        seen = watch_synchronous()
        result = _job.execute_in_process(instance=instance)
    assert result.success
    assert seen and set(seen) == {1}  # NORMAL; SQLite's default in WAL mode is FULL (2)

    # read back by another reader after the block: the held connections were closed
    materialised = instance.get_records_for_run(
        result.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
    ).records
    assert len(materialised) == EVENTS
    index = tmp_path / "history" / "runs" / "index.db"
    with sqlite3.connect(index) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert (
            conn.execute(
                "SELECT count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'"
            ).fetchone()[0]
            == EVENTS
        )
    assert not Path(f"{index}-wal").exists() or Path(f"{index}-wal").stat().st_size == 0


def test_outside_the_block_dagster_commits_as_it_does(instance, tmp_path, watch_synchronous):
    with quick_commits(tmp_path):
        pass
    seen = watch_synchronous()
    assert _job.execute_in_process(instance=instance).success
    assert seen and 1 not in seen
