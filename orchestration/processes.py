"""Which process is this, and is a process seen earlier still alive.

A process is named by its host, its pid and its start time (clock ticks since boot, from
``/proc/<pid>/stat``), so that a pid reused by a later process is not taken for the first one.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


def _start_ticks(pid: int) -> str | None:
    """The start time of a process, or None when it does not exist (or /proc is absent)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces: count from its end
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


@dataclass(frozen=True)
class ProcessId:
    host: str
    pid: int
    started: str

    @classmethod
    def current(cls) -> ProcessId:
        pid = os.getpid()
        return cls(socket.gethostname(), pid, _start_ticks(pid) or "")

    @classmethod
    def parse(cls, text: str) -> ProcessId | None:
        """The form written by ``str()``: host:pid:start."""
        host, _, rest = text.rpartition(":")
        host, _, pid = host.rpartition(":")
        try:
            return cls(host, int(pid), rest)
        except ValueError:
            return None

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.started}"

    def is_local(self) -> bool:
        return self.host == socket.gethostname()

    def is_gone(self) -> bool:
        """True when this process, on this host, no longer runs. A process of another host is
        never declared gone: it cannot be seen from here."""
        if not self.is_local():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        started = _start_ticks(self.pid)
        return bool(self.started) and started is not None and started != self.started
