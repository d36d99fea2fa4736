"""Every dbt model, seed and snapshot as a Dagster asset; dbt tests as asset checks.

dbt sources map onto the ingestion assets (``raw/<source>_<entity>``), so the lineage
graph runs from each landing-zone file to each mart.
"""

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_START_TAG, PARTITION_NAME_TAG
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    dbt_assets,
)

from orchestration.defs.automation import downstream_condition
from orchestration.defs.resources import WAREHOUSE_POOL, Warehouse, retry_on_lock
from orchestration.engines import DUCKDB
from orchestration.handoff import engine_environment, hand_off, mirror
from orchestration.ingestion.warehouse import RAW_SCHEMA

from .build_log import BuildSummary, dbt_log_path, demote_dagster_dbt_notes, log_tail, logged_to
from .exposures import build_exposure_specs
from .project import PARTIAL_PARSE_FILE, dbt_project, ensure_manifest, target_dir

KEPT_TARGET_DIRS = 5
WARM_PARSE_DIR = "partial_parse"
KEPT_WARM_PARSES = 8


class DbtBuildConfig(dg.Config):
    """Options of a dbt build run."""

    full_refresh: bool = False
    """Rebuild every incremental model from scratch (after a change of model code)."""


def from_drop_var(tags: Mapping[str, str]) -> str | None:
    """The earliest drop a run's partitions ask to rebuild from, for the dbt var ``from_drop``."""
    value = tags.get(ASSET_PARTITION_RANGE_START_TAG) or tags.get(PARTITION_NAME_TAG)
    return value or None


def _prune_target_dirs(target_root: Path, prefix: str) -> None:
    """Keep the artifacts of the last few dbt invocations only."""
    runs = sorted(
        (p for p in target_root.glob(f"{prefix}-*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for stale in runs[KEPT_TARGET_DIRS:]:
        shutil.rmtree(stale, ignore_errors=True)


def warm_parse_path(target_root: Path, engine: str, warehouse: Path) -> Path:
    """Where the parse state of the dbt invocations on one profile (engine and warehouse) is kept.

    dbt reuses a saved parse only when the profile is the one it was saved under, and the
    DuckDB target's profile holds the warehouse path: a parse saved for another warehouse (the
    one ``target/`` holds, for example) makes dbt parse the whole project again."""
    key = hashlib.sha256(f"{engine}\0{warehouse.absolute()}".encode()).hexdigest()[:16]
    return target_root / WARM_PARSE_DIR / f"{key}.msgpack"


def start_warm(target_path: Path, warm: Path) -> None:
    """Start an invocation's target folder with the parse state saved for its profile."""
    if warm.exists():
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(warm, target_path / PARTIAL_PARSE_FILE)


def keep_warm(target_path: Path, warm: Path) -> None:
    """Save the parse state an invocation wrote, for the next one on the same profile."""
    written = target_path / PARTIAL_PARSE_FILE
    if not written.exists():
        return
    warm.parent.mkdir(parents=True, exist_ok=True)
    partial = warm.with_name(f"{warm.name}.{uuid.uuid4().hex[:8]}.tmp")
    shutil.copyfile(written, partial)
    os.replace(partial, warm)
    kept = sorted(warm.parent.glob("*.msgpack"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in kept[KEPT_WARM_PARSES:]:
        stale.unlink(missing_ok=True)


DBT_ASSETS_NAME = "dbt_journey_models"
_LAYER_GROUPS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}


class JourneyDbtTranslator(DagsterDbtTranslator):
    """Sources are the raw ingestion assets; models are grouped by layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            identifier = dbt_resource_props.get("identifier") or dbt_resource_props["name"]
            return dg.AssetKey([RAW_SCHEMA, identifier])
        return super().get_asset_key(dbt_resource_props)

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition | None:
        return downstream_condition()

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        for part in fqn[1:-1]:
            if part in _LAYER_GROUPS:
                return _LAYER_GROUPS[part]
        return super().get_group_name(dbt_resource_props)


def _report(context: dg.AssetExecutionContext, invocation: DbtCliInvocation, log_path: Path) -> None:
    """Log what the build did in one line (and one per failed or warned node); raise when it failed."""
    try:
        summary = BuildSummary.of(invocation.get_artifact("run_results.json"))
    except (OSError, ValueError):
        summary = None
    if invocation.is_successful() and summary is not None:
        context.log.info(f"dbt build: {summary.line()}")
        for line in summary.warned:
            context.log.warning(line)
        return
    if summary is None or not summary.failed:
        details = log_tail(log_path)
        headline = "dbt build failed"
    else:
        details = summary.failed
        headline = f"dbt build failed: {summary.line()}"
    raise dg.Failure(description="\n".join([headline, *details, f"per-node log: {log_path}"]))


def _move(context: dg.AssetExecutionContext, warehouse: Warehouse, step: Callable[..., dict[str, int]]) -> None:
    """Hand the engine the raw tables ingestion loaded into the DuckDB file (``hand_off``), or copy
    the marts it built back into the file for validation and the publication (``mirror``)."""
    conn = warehouse.connect()
    try:
        copied = step(conn, warehouse.engine)
    finally:
        conn.close()
    what = "raw tables handed to" if step is hand_off else "marts copied back from"
    context.log.info(f"{what} {warehouse.engine}: {sum(copied.values()):,} rows in {len(copied)} tables")


def build_dbt_assets() -> dg.AssetsDefinition:
    demote_dagster_dbt_notes()
    project = dbt_project()
    manifest = ensure_manifest(project)

    @dbt_assets(
        manifest=manifest,
        project=project,
        dagster_dbt_translator=JourneyDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
        name=DBT_ASSETS_NAME,
        pool=WAREHOUSE_POOL,
    )
    def journey_dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse, config: DbtBuildConfig
    ):
        # profiles.yml reads the warehouse path from the environment of the dbt process.
        os.environ["JOURNEY_DUCKDB_PATH"] = str(Path(warehouse.path).absolute())
        os.environ.update(engine_environment(warehouse.engine, warehouse.path))
        # Unit tests check the SQL, not the data: they run in the test suite, not in production runs.
        args = ["build", "--exclude-resource-type", "unit_test"]
        from_drop = from_drop_var(context.run.tags)
        if from_drop:
            args += ["--vars", json.dumps({"from_drop": from_drop})]
        if config.full_refresh:
            args.append("--full-refresh")
        # dbt's per-node log goes to a file, without colour codes; the step logs a summary
        args.append("--no-use-colors")
        mode = "full refresh" if config.full_refresh else "incremental"
        log_path = dbt_log_path(Path(warehouse.path), context.run_id)
        target_root = target_dir(project)
        target_path = target_root / f"{DBT_ASSETS_NAME}-{context.run_id[:7]}-{uuid.uuid4().hex[:7]}"
        warm = warm_parse_path(target_root, warehouse.engine, Path(warehouse.path))
        context.log.info(
            f"dbt build ({mode}{f', from drop {from_drop} at the latest' if from_drop else ''}); "
            f"per-node log: {log_path}"
        )
        try:
            # dbt opens the file itself: wait here while another process holds it, then retry the
            # step if dbt still meets the lock.
            with retry_on_lock(context):
                if warehouse.engine == DUCKDB:
                    warehouse.connect().close()
                else:
                    _move(context, warehouse, hand_off)
                start_warm(target_path, warm)
                with log_path.open("a", encoding="utf-8") as log:
                    invocation = dbt.cli(args, context=context, raise_on_error=False, target_path=target_path)
                    yield from logged_to(iter(invocation.stream()), log)
                keep_warm(target_path, warm)
                if warehouse.engine != DUCKDB and invocation.is_successful():
                    _move(context, warehouse, mirror)
                _report(context, invocation, log_path)
        finally:
            _prune_target_dirs(target_root, DBT_ASSETS_NAME)

    return journey_dbt_models


def build_dbt_exposures() -> list[dg.AssetSpec]:
    """The dbt project's exposures (publication, exports, dashboard pages) as assets downstream of
    the marts they read."""
    return build_exposure_specs(ensure_manifest(dbt_project()), JourneyDbtTranslator())
