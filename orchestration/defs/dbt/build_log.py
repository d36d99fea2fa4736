"""What a dbt build did, said in a few lines; dbt's per-node log goes to a file.

dbt prints one line per node started and finished (hundreds per build). They are written, without
colour codes, to ``<warehouse folder>/logs/dbt/<time>-<run id>.log``; the console and the Dagster
event log get one summary line (nodes passed and failed per kind) and one line per failed node.
"""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import dagster as dg

from orchestration.settings import log_dir_of

KEPT_LOGS = 30
# dbt's resource types, in the order a summary names them
_KINDS = ("model", "seed", "snapshot", "test", "unit_test", "operation")
_PLURALS = {"model": "models", "seed": "seeds", "snapshot": "snapshots", "test": "tests", "unit_test": "unit tests"}
_FAILED = ("error", "fail", "runtime error")
_PASSED = ("success", "pass")


class _DagsterDbtNotesAtDebug(logging.Filter):
    """dagster-dbt's own notes (the dbt command line, the partial-parse file copied...) are
    details: logged at DEBUG, they stay in the event log but not on an INFO console."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and f"{os.sep}dagster_dbt{os.sep}" in record.pathname:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


def demote_dagster_dbt_notes() -> None:
    """Install the filter on the logger dagster-dbt writes to (once)."""
    logger = dg.get_dagster_logger()
    if not any(isinstance(f, _DagsterDbtNotesAtDebug) for f in logger.filters):
        logger.addFilter(_DagsterDbtNotesAtDebug())


def dbt_log_path(warehouse: Path, run_id: str) -> Path:
    """A new per-node log file of one dbt build, in ``logs/dbt/`` next to the warehouse."""
    folder = log_dir_of(warehouse) / "dbt"
    folder.mkdir(parents=True, exist_ok=True)
    kept = sorted(folder.glob("*.log"))
    for old in kept[: max(0, len(kept) - KEPT_LOGS + 1)]:
        old.unlink(missing_ok=True)
    return folder / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{run_id}.log"


@contextmanager
def stdout_to(log: TextIO) -> Iterator[None]:
    """Send what is printed on stdout to ``log`` (dagster-dbt prints every dbt log line there)."""
    saved = sys.stdout
    sys.stdout = log
    try:
        yield
    finally:
        sys.stdout = saved


def logged_to(events: Iterator[Any], log: TextIO) -> Iterator[Any]:
    """The events of ``events``, with what their production prints going to ``log``: stdout is
    the log only while the next event is computed, and the console's again while it is handled."""
    while True:
        with stdout_to(log):
            try:
                event = next(events)
            except StopIteration:
                return
        yield event


@dataclass
class BuildSummary:
    """Counts of dbt nodes per kind and status, and the nodes that failed or warned."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, run_results: Mapping[str, Any]) -> BuildSummary:
        summary = cls()
        for result in run_results.get("results", []):
            kind, _, rest = result["unique_id"].partition(".")
            name = rest.split(".")[1] if "." in rest else rest
            status = str(result.get("status") or "unknown").lower()
            summary.counts.setdefault(kind, Counter())[status] += 1
            message = " ".join(str(result.get("message") or "").split())
            line = f"{kind.replace('_', ' ')} {name}: {status}" + (f": {message}" if message else "")
            if status in _FAILED:
                summary.failed.append(line)
            elif status == "warn":
                summary.warned.append(line)
        return summary

    def line(self) -> str:
        """E.g. ``31 models: 31 ok; 5 seeds: 5 ok; 240 tests: 238 passed, 2 failed``."""
        parts = []
        for kind in sorted(self.counts, key=lambda k: _KINDS.index(k) if k in _KINDS else len(_KINDS)):
            counts = self.counts[kind]
            if kind == "operation" or set(counts) == {"no-op"}:
                continue  # the project's on-run hooks; saved queries and exposures, which build nothing
            passed = sum(counts[s] for s in _PASSED)
            failed = sum(counts[s] for s in _FAILED)
            words = [f"{passed} {'passed' if kind == 'test' else 'ok'}", f"{failed} failed"]
            words += [f"{counts[s]} {label}" for s, label in (("warn", "warned"), ("skipped", "skipped")) if counts[s]]
            parts.append(f"{sum(counts.values())} {_PLURALS.get(kind, kind)}: {', '.join(words)}")
        return "; ".join(parts) or "no node ran"


def log_tail(path: Path, lines: int = 5) -> list[str]:
    """The last non-empty lines of a log file."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()][-lines:]
