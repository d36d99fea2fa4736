"""Cheaper writes to the Dagster instance's SQLite files while ``journey run`` runs.

Dagster's SQLite storage opens a new connection for every event it stores (a run that builds
stores over a thousand: a planned and a stored event per model and per dbt test) and commits
it with a disk sync. When that connection is the last one open on the file, closing it also
checkpoints the write-ahead log, with a second sync. On a busy disk that is tens of
milliseconds per event, about half a minute per build on tiny data.

While a run is in progress in this process, ``quick_commits`` makes each of those connections
commit with ``synchronous=NORMAL`` (in SQLite's WAL mode, which Dagster uses: a commit is
durable once the log is synced at a checkpoint; a power cut may lose the last events, never
corrupt the file), and keeps one idle connection open on each file it wrote, so closing the
others does not checkpoint every time. The held connections are closed at the end, which
checkpoints each file once. The Dagster UI and daemon read the same files as before.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any


@contextmanager
def quick_commits(home: str | Path) -> Iterator[None]:
    """Commit cheaply to the SQLite files under ``home`` (``DAGSTER_HOME``) within the block."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    root = str(Path(home).resolve())
    held: dict[str, sqlite3.Connection] = {}
    lock = threading.Lock()

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list").fetchall() if row[1] == "main"]
        path = files[0] if files else ""
        if not path or not path.startswith(root):
            return
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        with lock:
            try:
                holder = held.get(path)
                if holder is None:
                    holder = held[path] = sqlite3.connect(path, check_same_thread=False, timeout=1)
                # a read makes the holder a user of the log once the file is in WAL mode
                holder.execute("SELECT count(*) FROM sqlite_master").fetchall()
            except sqlite3.Error:
                pass  # only the speed-up is lost

    event.listen(Engine, "connect", on_connect)
    try:
        yield
    finally:
        event.remove(Engine, "connect", on_connect)
        with lock:
            holders = list(held.values())
            held.clear()
        for holder in holders:
            with suppress(sqlite3.Error):
                holder.close()
