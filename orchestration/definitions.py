"""The Dagster code location: ``dagster dev -m orchestration.definitions``."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.automation import (
    automation_sensor,
    build_daily_schedule,
    build_new_drop_sensor,
    run_failure_alert,
)
from orchestration.defs.dashboard.assets import journey_dashboard
from orchestration.defs.dbt.assets import build_dbt_assets, build_dbt_exposures
from orchestration.defs.dbt.project import dbt_cli, dbt_project
from orchestration.defs.freshness import drop_checks, freshness_sensor, with_mart_freshness
from orchestration.defs.ingestion.assets import build_ingestion_assets, loaded_drops
from orchestration.defs.ingestion.partitions import drop_partitions
from orchestration.defs.jobs import DAILY_JOB, INGEST_JOB, build_jobs
from orchestration.defs.logging import compact_console
from orchestration.defs.publication.assets import published_marts
from orchestration.defs.quality.checks import gx_validate_marts, mart_key
from orchestration.defs.quality.resources import QualitySettings
from orchestration.defs.resources import LandingZone, Warehouse
from orchestration.marts import MARTS
from orchestration.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    """Everything Dagster knows about one deployment, building on the engine of its settings."""
    partitions_def = drop_partitions(settings)
    ingestion = build_ingestion_assets(partitions_def)
    drops_due = drop_checks(ingestion, partitions_def)
    raw_keys = [key for assets in ingestion for key in assets.keys]
    marts = [mart_key(m) for m in MARTS]
    models = with_mart_freshness(build_dbt_assets(), marts, settings.freshness_hours)
    return dg.Definitions(
        assets=[*ingestion, loaded_drops, models, published_marts, journey_dashboard, *build_dbt_exposures()],
        asset_checks=[gx_validate_marts, drops_due],
        jobs=build_jobs([gx_validate_marts], [drops_due]),
        schedules=[build_daily_schedule(settings, DAILY_JOB)],
        sensors=[
            build_new_drop_sensor(settings, INGEST_JOB, DAILY_JOB),
            automation_sensor(),
            freshness_sensor(raw_keys, marts, partitions_def),
            run_failure_alert,
        ],
        resources={
            "warehouse": Warehouse(path=str(settings.duckdb_path), engine=settings.engine),
            "landing": LandingZone(path=str(settings.landing_dir)),
            "dbt": dbt_cli(dbt_project(), settings.engine),
            "quality": QualitySettings(
                publish_dir=str(settings.publish_dir), data_docs_dir=str(settings.data_docs_dir)
            ),
        },
        loggers={"compact": compact_console},
        # DuckDB allows one writer per file: steps run one after the other in one process.
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(Settings.from_env())
