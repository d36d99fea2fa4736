"""One ``journey run`` per warehouse at a time.

A run holds an exclusive ``flock`` on ``<warehouse>.run.lock`` from its start to its end. The
operating system releases it when the process ends, however it ends (a SIGKILL included), so a
dead run never blocks the next one. A second run waits for the lock and says whom it waits
for; when it gets the lock it looks at the landing zone afresh, so it finds what the first one
loaded and does not load it again.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from orchestration.processes import ProcessId

REPORT_EVERY_SECONDS = 60.0
POLL_SECONDS = 0.5


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".run.lock")


def _holder(handle) -> str:
    try:
        handle.seek(0)
        info = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        return "another journey run"
    pid, since = info.get("pid"), info.get("started_at", "?")
    return f"the journey run of pid {pid} (started {since})" if pid else "another journey run"


@contextmanager
def run_lock(warehouse: Path, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the warehouse's run lock for the duration of the block, waiting for it if needed."""
    path = lock_path(warehouse)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held open for the whole block)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            time.sleep(POLL_SECONDS)  # the holder writes who it is right after taking the lock
            say(f"waiting for {_holder(handle)}, which is writing {warehouse}")
            waited_since = time.monotonic()
            reported = waited_since
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(POLL_SECONDS)
                    if time.monotonic() - reported >= REPORT_EVERY_SECONDS:
                        reported = time.monotonic()
                        say(f"still waiting for {_holder(handle)} ({reported - waited_since:.0f} s)")
            say(f"the other run ended after {time.monotonic() - waited_since:.0f} s; going on")
        me = ProcessId.current()
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps(
                {
                    "pid": me.pid,
                    "process": str(me),
                    "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
                    "command": " ".join([os.path.basename(sys.argv[0]), *sys.argv[1:]]),
                }
            )
        )
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock
