"""``journey run``: ingest the new or changed drops, then build everything downstream in one run."""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.definitions import build_definitions
from orchestration.defs.dbt.assets import DBT_ASSETS_NAME
from orchestration.defs.jobs import BUILD_JOB, INGEST_JOB, PUBLISH_JOB
from orchestration.defs.quality.checks import gx_validate_marts
from orchestration.defs.recovery import active_runs, process_tags, reclaim_dead_runs
from orchestration.engines import REBUILDS_WHOLE
from orchestration.errors import OUT_OF_SPACE, OutOfSpace, UserError, is_out_of_space, out_of_space_message
from orchestration.handoff import check_engine
from orchestration.ingestion.changes import REJECTED_ADVICE, changed_drops, rejected_drops
from orchestration.ingestion.landing import all_drop_dates, contiguous_ranges, landing_warnings
from orchestration.ingestion.warehouse import connect
from orchestration.instance_storage import quick_commits
from orchestration.publication import remove_leftovers
from orchestration.publication.publish import PUBLISHED_DATABASE
from orchestration.runlock import run_lock
from orchestration.settings import Settings
from orchestration.state import record_success, up_to_date
from orchestration.status import publication_verdict

# Instance configuration written to a new DAGSTER_HOME (and replaced while it carries the first
# line). The pool of the steps that write the warehouse has a limit of 1 with run granularity: the
# run queue starts one such run at a time, and the others wait in the queue, not in a step. Runs
# log at INFO (Dagster's default is DEBUG: every step's every event on the console of `journey dev`).
MANAGED_MARKER = "# Written by `journey`"
_DAGSTER_YAML = f"""\
{MANAGED_MARKER}: replaced when the project changes it. Remove this line to keep your own edits.
telemetry:
  enabled: false
python_logs:
  python_log_level: INFO
concurrency:
  pools:
    granularity: run
    default_limit: 1
run_monitoring:
  enabled: true
  start_timeout_seconds: 300
  max_resume_run_attempts: 0
"""
# What earlier versions wrote, replaced as well.
_EARLIER_DAGSTER_YAML = ("telemetry:\n  enabled: false\nconcurrency:\n  pools:\n    default_limit: 1\n",)
_RUN_CONFIG = {"loggers": {"compact": {"config": {"log_level": "INFO"}}}}
WAIT_REPORT_SECONDS = 60.0
WAIT_POLL_SECONDS = 2.0
FAILURE_LINES = 20
NEARLY_FULL_BYTES = 4 << 20  # a failed run on a device with less free space than this was out of space


def _import_in_background(module: str) -> None:
    """Import ``module`` in a thread, so that a later step finds it loaded: Great Expectations
    takes seconds to import, and the dbt step before validation mostly waits for dbt's process."""

    def load() -> None:
        try:
            importlib.import_module(module)
        except BaseException as error:  # the step that needs it imports it again and reports
            logging.getLogger("journey").debug("importing %s ahead failed: %r", module, error)

    threading.Thread(target=load, name=f"import {module}", daemon=True).start()


def _say(message: str) -> None:
    print(f"journey run: {message}", file=sys.stderr, flush=True)


def prepare_dagster_home(settings: Settings) -> str:
    """Set ``DAGSTER_HOME`` (by default next to the warehouse) and write its instance
    configuration when it has none (or one written by an earlier version of the project)."""
    home = os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    try:
        os.makedirs(home, exist_ok=True)
        config = Path(home) / "dagster.yaml"
        current = config.read_text(encoding="utf-8") if config.exists() else None
        if (
            current is None
            or current in _EARLIER_DAGSTER_YAML
            or (current.startswith(MANAGED_MARKER) and current != _DAGSTER_YAML)
        ):
            config.write_text(_DAGSTER_YAML, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot use {home} as the Dagster instance folder (DAGSTER_HOME): {error.strerror}") from error
    return home


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    """The persistent Dagster instance (``DAGSTER_HOME``, by default next to the warehouse)."""
    prepare_dagster_home(settings)
    return dg.DagsterInstance.get()


def check_locations(settings: Settings) -> None:
    """Raise a UserError naming what is wrong with the landing zone or the warehouse path."""
    landing = settings.landing_dir
    if not landing.exists():
        raise UserError(
            f"the landing zone {landing} does not exist; write sample data with `journey generate --out {landing}` "
            "or point --landing (JOURNEY_LANDING_DIR) at your exports"
        )
    if not landing.is_dir():
        raise UserError(f"the landing zone {landing} is a file, not a folder; set --landing to the exports' folder")
    warehouse = settings.duckdb_path
    if warehouse.exists() and not warehouse.is_file():
        raise UserError(f"the warehouse {warehouse} is a folder; set --warehouse to a DuckDB file path")
    blocker = next((p for p in warehouse.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UserError(f"cannot create the warehouse {warehouse}: {blocker} is a file, not a folder")
    folder = next(p for p in [warehouse.parent, *warehouse.parents] if p.exists())
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"cannot create the warehouse {warehouse}: no permission to write in {folder}")
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create the folder of the warehouse {warehouse}: {error.strerror}") from error
    if warehouse.exists() and warehouse.stat().st_size > 0:
        with open(warehouse, "rb") as fh:
            header = fh.read(16)
        if len(header) < 12 or header[8:12] != b"DUCK":
            raise UserError(f"{warehouse} is not a DuckDB database; set --warehouse to a new or existing DuckDB file")


def _failures(result: dg.ExecuteInProcessResult) -> list[str]:
    messages = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data:
            error = event.step_failure_data.error
            message = error.message.strip() if error else "unknown error"
            if message.startswith("dagster.") and ": " in message:
                message = message.split(": ", 1)[1]
            lines = [line.strip().removeprefix("- ") for line in message.splitlines() if line.strip()]
            messages += [f"{event.step_key}: {line}" for line in lines]
    return messages


def build_run_config(full_refresh: bool = False, accept_drift: bool = False) -> dict:
    """Run configuration of the build job."""
    ops: dict = {DBT_ASSETS_NAME: {"config": {"full_refresh": full_refresh}}}
    if accept_drift:
        ops[gx_validate_marts.node_def.name] = {"config": {"accept_drift": True}}
    return {**_RUN_CONFIG, "ops": ops}


def pending_drops(settings: Settings) -> list[date]:
    """Drops of the landing zone that are new or differ from what the warehouse holds."""
    if not settings.duckdb_path.exists():
        return all_drop_dates(settings.landing_dir)
    conn = connect(settings.duckdb_path, read_only=True, on_wait=_say)
    try:
        return changed_drops(conn, settings.landing_dir)
    finally:
        conn.close()


def ingest_drops(
    defs: dg.Definitions, instance: dg.DagsterInstance, drops: list[date]
) -> list[dg.ExecuteInProcessResult]:
    """Run the ``ingest`` job once per range of consecutive ``drops`` (a single-run backfill)."""
    results = []
    for first, last in contiguous_ranges(drops):
        _say(f"ingesting drops {first} .. {last}")
        results.append(
            defs.resolve_job_def(INGEST_JOB).execute_in_process(
                instance=instance,
                tags={
                    ASSET_PARTITION_RANGE_START_TAG: first.isoformat(),
                    ASSET_PARTITION_RANGE_END_TAG: last.isoformat(),
                    **process_tags(),
                },
                run_config=_RUN_CONFIG,
                raise_on_error=False,
            )
        )
    return results


def wait_for_other_runs(instance: dg.DagsterInstance) -> None:
    """Wait, saying so, while another run (from the UI, a sensor or the schedule) writes the warehouse."""
    waited_since = time.monotonic()
    reported = 0.0
    while True:
        reclaim_dead_runs(instance)
        running = active_runs(instance)
        if not running:
            if reported:
                _say(f"the other run ended after {time.monotonic() - waited_since:.0f} s; going on")
            return
        if not reported or time.monotonic() - reported >= WAIT_REPORT_SECONDS:
            names = ", ".join(f"{r.run_id} (job {r.job_name})" for r in running)
            _say(f"waiting for {names}, which is writing the warehouse")
            reported = time.monotonic()
        time.sleep(WAIT_POLL_SECONDS)


def _up_to_date(settings: Settings) -> str | None:
    """When the last successful run is still current, when it finished."""
    conn = connect(settings.duckdb_path, read_only=True, on_wait=_say)
    try:
        last = up_to_date(conn, settings, settings.publish_dir / PUBLISHED_DATABASE)
    finally:
        conn.close()
    return None if last is None else f"{last.finished_at:%Y-%m-%d %H:%M:%S} UTC"


def _report_rejected(settings: Settings, code: int) -> int:
    """List the drops rejected as their files are; 1 while any remains, else ``code``."""
    if not settings.duckdb_path.exists():
        return code
    conn = connect(settings.duckdb_path, read_only=True, on_wait=_say)
    try:
        rejected = rejected_drops(conn, settings.landing_dir)
    finally:
        conn.close()
    for drop in rejected:
        _say(f"rejected: {drop.describe()}")
    if rejected:
        _say(f"{len(rejected)} drop{'s' if len(rejected) > 1 else ''} rejected; {REJECTED_ADVICE}")
        return 1
    return code


def _record_success(settings: Settings) -> None:
    conn = connect(settings.duckdb_path, on_wait=_say)
    try:
        record_success(conn, settings)
    finally:
        conn.close()


def _space_problem(settings: Settings, below: int | None = None) -> str | None:
    """The location, among those a run writes, whose device is fullest (and has fewer than
    ``below`` bytes free, when given)."""
    places = [
        ("warehouse", settings.duckdb_path.parent),
        ("publication", settings.publish_dir),
        ("Dagster instance, DAGSTER_HOME", Path(os.environ.get("DAGSTER_HOME") or settings.dagster_home)),
        ("Data Docs", settings.data_docs_dir),
    ]
    fullest = None
    for what, path in places:
        existing = next((p for p in [path, *path.parents] if p.exists()), None)
        if existing is None:
            continue
        free = shutil.disk_usage(existing).free
        if fullest is None or free < fullest[0]:
            fullest = (free, what, path)
    if fullest is None or (below is not None and fullest[0] >= below):
        return None
    return out_of_space_message(fullest[1], fullest[2])


@contextmanager
def _plain_errors(settings: Settings) -> Iterator[None]:
    """A full disk or a database that cannot be opened becomes one line, not a traceback."""
    try:
        yield
    except (OSError, duckdb.Error, Exception) as error:
        if isinstance(error, UserError | OutOfSpace):
            raise
        if is_out_of_space(error) or "disk i/o error" in str(error).lower():
            message = _space_problem(settings)
            if message:
                raise OutOfSpace(message) from error
        if isinstance(error, duckdb.Error) and "not a valid duckdb database" in str(error).lower():
            raise UserError(f"{settings.duckdb_path} is not a DuckDB database") from error
        raise


def run_pipeline(
    settings: Settings,
    full_refresh: bool = False,
    reload: bool = False,
    always_build: bool = False,
    accept_drift: bool = False,
) -> int:
    """Ingest the new or changed drops, then build everything downstream; 0 on success, 1 on
    failure, 2 on bad input (a UserError).

    Drops already loaded and unchanged since (same files, sizes and modification times) are not
    read again, unless ``reload``. Consecutive pending drops are loaded in one run per range.
    Ingestion loads each drop in its own transaction, so the raw schema stays consistent when a
    drop fails (that drop keeps its previous load and stays pending): the build still runs on
    what was loaded, and the command still exits 1. The build is incremental unless
    ``full_refresh``. With no new or changed drop, and neither the project nor the publication
    changed since the last successful run, there is nothing to build: the run stops there,
    unless ``always_build`` (or ``accept_drift``, which validates again accepting the drift of the
    reviewed marts, and publishes them).

    One run per warehouse at a time: a second one waits for the first (orchestration.runlock),
    then finds what the first loaded. Runs left in progress by a killed process are closed first.
    """
    check_locations(settings)
    check_engine(settings.engine)
    drops = all_drop_dates(settings.landing_dir)
    if not drops:
        skipped = landing_warnings(settings.landing_dir)
        raise UserError(
            f"no drop found in {settings.landing_dir} (expected <source>/<YYYY-MM-DD>/ folders); "
            "write sample data with `journey generate --out DIR` or set --landing"
            + (f"; not loaded: {'; '.join(skipped)}" if skipped else "")
        )
    if settings.first_drop_date and drops[0].isoformat() < settings.first_drop_date:
        raise UserError(
            f"the landing zone holds drops from {drops[0]}, before JOURNEY_FIRST_DROP_DATE="
            f"{settings.first_drop_date}; move that date back or remove the older drops"
        )
    with _plain_errors(settings), run_lock(settings.duckdb_path, _say):
        instance = dagster_instance(settings)
        with quick_commits(os.environ["DAGSTER_HOME"]):
            return _run_locked(instance, settings, drops, full_refresh, reload, always_build, accept_drift)


def _run_locked(
    instance: dg.DagsterInstance,
    settings: Settings,
    drops: list[date],
    full_refresh: bool,
    reload: bool,
    always_build: bool,
    accept_drift: bool,
) -> int:
    for closed in reclaim_dead_runs(instance):
        _say(f"closed {closed.describe()}")
    wait_for_other_runs(instance)
    for leftover in remove_leftovers(settings.publish_dir):
        _say(f"removed {leftover}, left by an interrupted publication")
    defs = build_definitions(settings)
    started = time.perf_counter()
    pending = drops if reload else pending_drops(settings)
    _say(
        f"{len(drops)} drops from {drops[0]} to {drops[-1]} in {settings.landing_dir}, "
        f"{len(pending)} new or changed; warehouse {settings.duckdb_path}"
    )
    for warning in landing_warnings(settings.landing_dir):
        _say(f"warning: {warning}")
    if not (pending or full_refresh or always_build or accept_drift) and settings.duckdb_path.exists():
        finished = _up_to_date(settings)
        if finished:
            _say(
                f"nothing new since the successful run of {finished}: the marts and their publication are "
                "up to date (--always-build to build anyway)"
            )
            return _report_rejected(settings, 0)
    results = ingest_drops(defs, instance, pending)
    if accept_drift and not (pending or full_refresh):
        _say("validating the marts as they are, accepting their drift, and publishing them")
        job, config = PUBLISH_JOB, build_run_config(accept_drift=True)
        config["ops"].pop(DBT_ASSETS_NAME)
    else:
        if full_refresh:
            _say("building the models from scratch (full refresh)")
        elif settings.engine in REBUILDS_WHOLE:
            _say(f"building the models ({settings.engine} rebuilds its incremental models whole)")
        else:
            _say("building the models incrementally")
        job, config = BUILD_JOB, build_run_config(full_refresh, accept_drift)
    _import_in_background("great_expectations")  # for the validation step
    results.append(
        defs.resolve_job_def(job).execute_in_process(
            instance=instance, run_config=config, tags=process_tags(), raise_on_error=False
        )
    )
    elapsed = time.perf_counter() - started
    runs = "runs " + ", ".join(r.run_id for r in results)
    verdict = publication_verdict(settings, results[-1].run_id)
    succeeded = all(r.success for r in results)
    if succeeded and verdict.published:
        _record_success(settings)
        _say(f"succeeded in {elapsed:.1f} s ({runs}); {verdict.line}")
        return _report_rejected(settings, 0)
    failures = [f for r in results for f in _failures(r)]
    if succeeded:
        # no step failed, yet the publication did not happen: the steps it needs were skipped
        skipped = sorted({e.step_key for e in results[-1].get_step_skipped_events() if e.step_key})
        failures.append(
            "the run published nothing: "
            + (f"steps skipped: {', '.join(skipped)}" if skipped else "its publication step did not run")
        )
    full_disk = any(is_out_of_space(Exception(line)) for line in failures)
    out_of_space = _space_problem(settings, below=None if full_disk else NEARLY_FULL_BYTES)
    if out_of_space and not any(OUT_OF_SPACE in line for line in failures):
        # a step that failed on a full device without saying so (dbt says only which nodes failed)
        _say(out_of_space)
    for line in failures[:FAILURE_LINES]:
        _say(line)
    if len(failures) > FAILURE_LINES:
        _say(f"... and {len(failures) - FAILURE_LINES} more (see the Dagster UI)")
    for line in verdict.details:
        _say(line)
    _say(f"FAILED after {elapsed:.1f} s ({runs}); {verdict.line}")
    return _report_rejected(settings, 1)
