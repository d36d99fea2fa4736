"""Runs whose process died: found and closed, so that they block nothing.

Every run that writes the warehouse carries the tag ``journey/process`` (host, pid and start
time of the process executing it; see orchestration.processes). A run still marked in progress
whose process is gone was killed or crashed: it is marked failed, with the reason, and every
concurrency slot it held is freed. ``journey run`` does this before it starts, and the new-drop
sensor on every tick of ``journey dev``, so no step ever waits for a dead run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import dagster as dg
from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES, DagsterRun, RunsFilter

from orchestration.processes import ProcessId

PROCESS_TAG = "journey/process"
UNNAMED_RUN_GRACE_SECONDS = 600.0


def process_tags() -> dict[str, str]:
    """The tags that name the current process as the one executing a run."""
    return {PROCESS_TAG: str(ProcessId.current())}


def tag_run_with_process(instance: dg.DagsterInstance, run: DagsterRun) -> None:
    """Name the current process on ``run`` (once; a run executes in one process here)."""
    if run.tags.get(PROCESS_TAG) != str(ProcessId.current()):
        instance.add_run_tags(run.run_id, process_tags())


@dataclass(frozen=True)
class ReclaimedRun:
    run_id: str
    job_name: str
    process: str

    def describe(self) -> str:
        return f"run {self.run_id} of job {self.job_name}, left in progress by a process that is gone ({self.process})"


def reclaim_dead_runs(instance: dg.DagsterInstance) -> list[ReclaimedRun]:
    """Mark failed every in-progress run whose process is gone and free the slots of every run
    that is no longer in progress.

    A run that does not name its process (a run launched from the UI or a sensor names it when
    its first step starts) is taken for dead when it has been in progress that long for
    ``UNNAMED_RUN_GRACE_SECONDS`` without naming it.
    """
    reclaimed = []
    records = instance.get_run_records(filters=RunsFilter(statuses=IN_PROGRESS_RUN_STATUSES))
    now = time.time()
    for record in records:
        run = record.dagster_run
        process = ProcessId.parse(run.tags.get(PROCESS_TAG, ""))
        if process is not None:
            if not process.is_gone():
                continue
            why = f"the process executing it ({process}) is gone: it was killed or crashed"
        else:
            since = record.start_time or record.create_timestamp.timestamp()
            if now - since < UNNAMED_RUN_GRACE_SECONDS:
                continue
            why = f"it has named no process in {(now - since) / 60:.0f} minutes: its process is taken for gone"
        instance.report_run_failed(
            run, f"Run {run.run_id} was still marked in progress, but {why}. Marked failed so that it blocks nothing."
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reclaimed.append(ReclaimedRun(run.run_id, run.job_name, str(process or "unnamed")))
    live = {r.dagster_run.run_id for r in records} - {r.run_id for r in reclaimed}
    _free_orphaned_slots(instance, live)
    return reclaimed


def _free_orphaned_slots(instance: dg.DagsterInstance, live_run_ids: set[str]) -> None:
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return
    for key in storage.get_concurrency_keys():
        info = storage.get_concurrency_info(key)
        holders = {slot.run_id for slot in info.claimed_slots} | {step.run_id for step in info.pending_steps}
        for run_id in holders - live_run_ids:
            storage.free_concurrency_slots_for_run(run_id)


def active_runs(instance: dg.DagsterInstance, exclude: str | None = None) -> list[DagsterRun]:
    """Runs executing now (after dead ones were reclaimed), but ``exclude``."""
    from dagster._core.storage.dagster_run import ACTIVE_RUN_STATUSES

    runs = instance.get_runs(filters=RunsFilter(statuses=ACTIVE_RUN_STATUSES))
    return [r for r in runs if r.run_id != exclude]
