"""Jobs built from asset selections."""

from __future__ import annotations

import dagster as dg

JOURNEY_JOB = "journey"


def build_journey_job(partitions_def: dg.PartitionsDefinition) -> dg.UnresolvedAssetJobDefinition:
    """Every asset of the project, for a drop or a range of drops."""
    return dg.define_asset_job(
        JOURNEY_JOB,
        selection=dg.AssetSelection.all(),
        partitions_def=partitions_def,
        description="Ingest the drops of the partition range and build everything downstream.",
    )
