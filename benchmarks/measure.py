"""Run one phase in a child process and measure it: wall time, CPU time, peak memory.

Each phase is a fresh process. ``os.wait4`` returns the resource usage of that child and of
every descendant it waited for (dbt runs as a subprocess of Dagster, so it counts): CPU time
is their sum, ``ru_maxrss`` the peak of the largest single process. A sampler thread also
adds up the resident memory of the whole process tree every ``SAMPLE_SECONDS`` (Linux
``/proc``), which is what the machine has to hold when Dagster and dbt run side by side.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.1
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
# ru_maxrss is in kilobytes on Linux, in bytes on macOS.
_MAXRSS_UNIT = 1 if sys.platform == "darwin" else 1024


@dataclass
class Measurement:
    """What one phase cost."""

    phase: str
    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_bytes: int
    """Peak resident memory of the largest single process of the phase (``ru_maxrss``)."""
    peak_tree_rss_bytes: int
    """Peak of the summed resident memory of the phase's process tree (sampled; at least
    ``peak_rss_bytes``). Pages shared between processes count once per process."""
    returncode: int
    log: str
    background_cpu_s: float = 0.0
    """CPU time the rest of the machine used while the phase ran (other processes): a
    phase measured on a busy machine shows it here."""
    rows: int | None = None
    """Input records the phase handled, for rows per second."""

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    @property
    def rows_per_s(self) -> float | None:
        return self.rows / self.wall_s if self.rows and self.wall_s > 0 else None

    def to_json(self) -> dict:
        data = asdict(self)
        data["log"] = relative_to_project(self.log)
        data["cpu_s"] = round(self.cpu_s, 3)
        data["rows_per_s"] = round(self.rows_per_s, 1) if self.rows_per_s else None
        for key in ("wall_s", "user_s", "sys_s", "background_cpu_s"):
            data[key] = round(data[key], 3)
        return data


PROJECT_DIR = Path(__file__).resolve().parents[1]


def relative_to_project(path: str | Path) -> str:
    """``path`` relative to the project folder (with ``..`` when outside it): results name no
    folder of the machine they were measured on."""
    return Path(os.path.relpath(Path(path).absolute(), PROJECT_DIR)).as_posix()


class PhaseFailed(RuntimeError):
    """A measured child process exited non-zero."""

    def __init__(self, measurement: Measurement):
        self.measurement = measurement
        tail = _tail(Path(measurement.log), 40)
        super().__init__(
            f"phase {measurement.phase} failed (exit {measurement.returncode}); log {measurement.log}:\n{tail}"
        )


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name (field 2) is in parentheses and may hold spaces
        fields = stat[stat.rfind(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def machine_cpu_seconds() -> float:
    """CPU time all processors of the machine spent busy since boot (0 without ``/proc``)."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    # user nice system idle iowait irq softirq steal ...: everything but idle and iowait
    busy = sum(fields[:3]) + sum(fields[5:8])
    return busy / os.sysconf("SC_CLK_TCK")


def tree_rss_bytes(root: int) -> int:
    """Summed resident memory of ``root`` and all its descendants (0 without ``/proc``)."""
    if not os.path.isdir("/proc"):
        return 0
    children = _children_map()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_bytes(pid)
        todo.extend(children.get(pid, ()))
    return total


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def run_measured(
    phase: str,
    command: Sequence[str],
    log: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    rows: int | None = None,
    check: bool = True,
) -> Measurement:
    """Run ``command`` as a child process (output to ``log``) and measure it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        out.write("$ " + " ".join(command) + "\n")
        out.flush()
        machine_before = machine_cpu_seconds()
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(command), stdout=out, stderr=subprocess.STDOUT, env=dict(env) if env else None, cwd=cwd
        )
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        # wait4 instead of Popen.wait: it returns the child's resource usage with the exit status
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree_peak = sampler.stop()
        machine_cpu = machine_cpu_seconds() - machine_before
    peak = usage.ru_maxrss * _MAXRSS_UNIT
    measurement = Measurement(
        phase=phase,
        wall_s=wall,
        user_s=usage.ru_utime,
        sys_s=usage.ru_stime,
        peak_rss_bytes=peak,
        peak_tree_rss_bytes=max(tree_peak, peak),
        returncode=proc.returncode,
        log=str(log),
        background_cpu_s=max(0.0, machine_cpu - usage.ru_utime - usage.ru_stime) if machine_before else 0.0,
        rows=rows,
    )
    if check and proc.returncode != 0:
        raise PhaseFailed(measurement)
    return measurement
