"""Jobs built from asset selections.

Ingestion is partitioned by drop date; everything downstream (dbt models and their
checks) is not: it is rebuilt once per run, whatever the number of drops loaded, so a
year of drops costs one build, not one per drop.
"""

from __future__ import annotations

import dagster as dg

DAILY_JOB = "daily"
INGEST_JOB = "ingest"
BUILD_JOB = "build"
PUBLISH_JOB = "validate_and_publish"
PUBLICATION_GROUP = "publication"
INGESTION_GROUPS = ("crm", "web", "contact_centre")


def ingestion_selection() -> dg.AssetSelection:
    return dg.AssetSelection.groups(*INGESTION_GROUPS)


def build_jobs(
    checks: list[dg.AssetChecksDefinition], monitors: list[dg.AssetChecksDefinition]
) -> list[dg.UnresolvedAssetJobDefinition]:
    """Jobs of the project; ``checks`` are the validations run before publication, ``monitors``
    the drop deadline checks, evaluated by the freshness sensor without a run."""
    unmonitored = dg.AssetSelection.checks(*monitors) if monitors else None

    def selection(assets: dg.AssetSelection) -> dg.AssetSelection:
        return assets - unmonitored if unmonitored is not None else assets

    return [
        dg.define_asset_job(
            INGEST_JOB,
            selection=selection(ingestion_selection()),
            description="Load the drops of the partition range into the raw schema.",
        ),
        dg.define_asset_job(
            DAILY_JOB,
            selection=selection(dg.AssetSelection.all()),
            description="Load the drops of the partition (range), then build, validate and publish the marts "
            "in one run; dbt rebuilds from the first drop of the range at the latest.",
        ),
        dg.define_asset_job(
            PUBLISH_JOB,
            selection=dg.AssetSelection.groups(PUBLICATION_GROUP) | dg.AssetSelection.checks(*checks),
            description="Validate the marts as they are in the warehouse and publish them if they pass.",
        ),
        dg.define_asset_job(
            BUILD_JOB,
            selection=selection(dg.AssetSelection.all() - ingestion_selection()),
            description="Build the dbt models from the raw schema, with their tests as asset checks.",
        ),
    ]
