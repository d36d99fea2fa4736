"""The Dagster instance's event log: Dagster's own SQLite files, written for less.

Dagster's SQLite event log opens a new database engine for every event it stores and closes it
after: each event costs a connection, and the close of the last connection to a file in WAL mode
checkpoints the log and syncs it to disk. A load of 90 drops stores about 1,500 events (a planned
and a materialisation event per raw entity and drop), so the instance, not the data, took most
of an ingestion of small drops.

``LocalEventLogStorage`` stores the same events in the same files and tables, with two changes:
it keeps a few engines open (the index and the most recent runs' files, each with its open
connection), and its connections commit with ``synchronous = NORMAL``, which in WAL mode syncs at
checkpoints rather than at every commit: a crash of a process loses nothing, a power cut may lose
the last events (never the warehouse's data, which DuckDB keeps). The project's ``dagster.yaml``
names it (``event_log_storage``); its files are where Dagster's default puts them
(``$DAGSTER_HOME/history/runs``).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
import sqlalchemy as db
from dagster._core.event_api import EventHandlerFn
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SqliteEventLogStorage,
    SqliteEventLogStorageWatchdog,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from watchdog.events import FileSystemEvent
from watchdog.observers import Observer

OPEN_FILES = 4
"""Engines kept open: the index and the most recent runs' files."""


def _default_base_dir() -> str:
    return os.path.join(os.environ["DAGSTER_HOME"], "history", "runs", "")


class LocalEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log with engines kept open and commits synced at checkpoints."""

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir or _default_base_dir(), inst_data=inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> LocalEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = db.create_engine(
            self.conn_string_for_shard(shard),
            poolclass=db.pool.SingletonThreadPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        db.event.listen(engine, "connect", _sync_at_checkpoints)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_FILES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()

    def wipe(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().wipe()

    def watch(self, run_id: str, cursor: str | None, callback: EventHandlerFn) -> None:
        # a run's events reach its file's write-ahead log first: watch both
        if not self._obs:
            self._obs = Observer()
            self._obs.start()
        watchdog = _RunFileWatchdog(self, run_id, callback, cursor)
        self._watchers[run_id][callback] = (watchdog, self._obs.schedule(watchdog, self._base_dir, recursive=True))


class _RunFileWatchdog(SqliteEventLogStorageWatchdog):
    """Dagster's watcher of a run's event file, told of writes to its write-ahead log too."""

    def __init__(self, storage: LocalEventLogStorage, run_id: str, callback: EventHandlerFn, cursor: str | None):
        super().__init__(storage, run_id, callback, cursor)
        self._paths = {self._log_path, self._log_path + "-wal"}
        self._patterns = list(self._paths)

    def on_created(self, event: FileSystemEvent) -> None:
        if event.src_path in self._paths:
            self._process_log()

    def on_modified(self, event: FileSystemEvent) -> None:
        if event.src_path in self._paths:
            self._process_log()


def _sync_at_checkpoints(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous = NORMAL")
