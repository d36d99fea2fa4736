"""Jobs built from asset selections.

Ingestion is partitioned by drop date; everything downstream (dbt models and their
checks) is not: it is rebuilt once per run, whatever the number of drops loaded, so a
year of drops costs one build, not one per drop.
"""

from __future__ import annotations

import dagster as dg

INGEST_JOB = "ingest"
BUILD_JOB = "build"
INGESTION_GROUPS = ("crm", "web", "contact_centre")


def ingestion_selection() -> dg.AssetSelection:
    return dg.AssetSelection.groups(*INGESTION_GROUPS)


def build_jobs() -> list[dg.UnresolvedAssetJobDefinition]:
    return [
        dg.define_asset_job(
            INGEST_JOB,
            selection=ingestion_selection(),
            description="Load the drops of the partition range into the raw schema.",
        ),
        dg.define_asset_job(
            BUILD_JOB,
            selection=dg.AssetSelection.all() - ingestion_selection(),
            description="Build the dbt models from the raw schema, with their tests as asset checks.",
        ),
    ]
