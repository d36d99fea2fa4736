"""Jobs built from asset selections."""

from __future__ import annotations

import dagster as dg

JOURNEY_JOB = "journey"


def build_journey_job() -> dg.UnresolvedAssetJobDefinition:
    """Every asset of the project, for a drop or a range of drops (partitioning comes from the assets)."""
    return dg.define_asset_job(
        JOURNEY_JOB,
        selection=dg.AssetSelection.all(),
        description="Ingest the drops of the partition range and build everything downstream.",
    )
