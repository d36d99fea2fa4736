"""Every dbt model, seed and snapshot as a Dagster asset; dbt tests as asset checks.

dbt sources map onto the ingestion assets (``raw/<source>_<entity>``), so the lineage
graph runs from each landing-zone file to each mart.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.defs.resources import Warehouse
from orchestration.ingestion.warehouse import RAW_SCHEMA

from .project import dbt_project, ensure_manifest

_LAYER_GROUPS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}


class JourneyDbtTranslator(DagsterDbtTranslator):
    """Sources are the raw ingestion assets; models are grouped by layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            identifier = dbt_resource_props.get("identifier") or dbt_resource_props["name"]
            return dg.AssetKey([RAW_SCHEMA, identifier])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        for part in fqn[1:-1]:
            if part in _LAYER_GROUPS:
                return _LAYER_GROUPS[part]
        return super().get_group_name(dbt_resource_props)


def build_dbt_assets() -> dg.AssetsDefinition:
    project = dbt_project()
    manifest = ensure_manifest(project)

    @dbt_assets(
        manifest=manifest,
        project=project,
        dagster_dbt_translator=JourneyDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
        name="dbt_journey_models",
    )
    def journey_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
        # profiles.yml reads the warehouse path from the environment of the dbt process.
        os.environ["JOURNEY_DUCKDB_PATH"] = str(Path(warehouse.path).absolute())
        # Unit tests check the SQL, not the data: they run in the test suite, not in production runs.
        yield from dbt.cli(["build", "--exclude-resource-type", "unit_test"], context=context).stream()

    return journey_dbt_models
