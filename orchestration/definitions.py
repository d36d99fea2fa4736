"""The Dagster code location: ``dagster dev -m orchestration.definitions``."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.dbt.assets import build_dbt_assets
from orchestration.defs.dbt.project import dbt_cli, dbt_project
from orchestration.defs.ingestion.assets import build_ingestion_assets
from orchestration.defs.ingestion.partitions import drop_partitions
from orchestration.defs.jobs import build_jobs
from orchestration.defs.logging import compact_console
from orchestration.defs.resources import LandingZone, Warehouse
from orchestration.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    """Everything Dagster knows about one deployment."""
    partitions_def = drop_partitions(settings)
    return dg.Definitions(
        assets=[*build_ingestion_assets(partitions_def), build_dbt_assets()],
        jobs=build_jobs(),
        resources={
            "warehouse": Warehouse(path=str(settings.duckdb_path)),
            "landing": LandingZone(path=str(settings.landing_dir)),
            "dbt": dbt_cli(dbt_project()),
        },
        loggers={"compact": compact_console},
        # DuckDB allows one writer per file: steps run one after the other in one process.
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(Settings.from_env())
