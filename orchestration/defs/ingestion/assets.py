"""One Dagster asset per raw entity, one op per source, partitioned by drop date.

A run over a range of drops loads the whole range in one step (single-run backfill),
so a year of daily drops costs one pass over its files, not 365 runs.
"""

from datetime import date

import dagster as dg
import duckdb

from orchestration.defs.resources import WAREHOUSE_POOL, LandingZone, Warehouse, retry_on_lock
from orchestration.ingestion.contract import SOURCES, Entity, entities_of
from orchestration.ingestion.loader import SourceLoad, load_source
from orchestration.ingestion.warehouse import RAW_SCHEMA, raw_columns

from .partitions import drops_in_window

MAX_FILES_LISTED = 40


def raw_asset_key(entity: Entity) -> dg.AssetKey:
    return dg.AssetKey([RAW_SCHEMA, entity.table])


def _spec(entity: Entity) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=raw_asset_key(entity),
        group_name=entity.source,
        description=f"{entity.description} Loaded from `{entity.source}/<drop date>/"
        f"{' | '.join(entity.file_globs)}` into `{RAW_SCHEMA}.{entity.table}`.",
        kinds={"duckdb", entity.format.value},
        metadata={
            "dagster/table_name": f"{RAW_SCHEMA}.{entity.table}",
            "dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(name, typ.lower(), description=desc) for name, typ, desc in raw_columns(entity)]
            ),
        },
    )


LOADED_DROPS_KEY = dg.AssetKey([RAW_SCHEMA, "loaded_drops"])

# The audit table of loaded drops, read by the dbt models (source ingestion.loaded_drops).
# Every ingest step writes it with its raw tables and records a materialisation of it, so that
# declarative automation refreshes the models that read it (as_of) after each ingestion.
loaded_drops = dg.AssetSpec(
    key=LOADED_DROPS_KEY,
    group_name="ingestion",
    description="One row per source and drop date loaded successfully, with the drop folder's "
    "signature (a drop that failed its schema check is absent). Written by every ingest step "
    f"with its raw tables, in the same transaction; `{RAW_SCHEMA}.loaded_drops`.",
    kinds={"duckdb"},
    metadata={"dagster/table_name": f"{RAW_SCHEMA}.loaded_drops"},
)


def build_ingestion_assets(partitions_def: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    return [_source_asset(source, partitions_def) for source in SOURCES]


def _source_asset(source: str, partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    entities = entities_of(source)

    @dg.multi_asset(
        name=f"ingest_{source}",
        specs=[_spec(e) for e in entities],
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
        description=f"Load the {source} drops of the partition range into the raw schema.",
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: Warehouse, landing: LandingZone):
        drops = drops_in_window(context.partition_time_window)
        # a line when the source starts and one with its counts; the file batches are details (DEBUG)
        context.log.info(f"{source}: loading drops {drops[0]} .. {drops[-1]} from {landing.root}")
        with retry_on_lock(context):
            conn = warehouse.connect()
        try:
            result = load_source(conn, landing.root, source, drops, progress=context.log.debug)
            for entity in entities:
                yield dg.MaterializeResult(
                    asset_key=raw_asset_key(entity), metadata=_metadata(conn, result, entity, drops)
                )
            # raw.loaded_drops changed with them: the models reading it (as_of) refresh too
            context.log_event(dg.AssetMaterialization(asset_key=LOADED_DROPS_KEY, metadata={"source": source}))
        finally:
            conn.close()
        for name in result.skipped:
            context.log.warning(f"{name} leads outside the landing zone: not read")
        if result.problems:
            raise dg.Failure(
                description="\n".join(
                    f"{p.message} (drop {p.drop_date} of {source} not loaded)" for p in result.problems
                ),
                metadata={"failed_drops": ", ".join(d.isoformat() for d in result.failed_drops)},
            )
        context.log.info(_summary(source, result))

    return _ingest


def _summary(source: str, result: SourceLoad) -> str:
    parts = []
    for entity in entities_of(source):
        t = result.totals(entity.name)
        parts.append(
            f"{entity.table}: {t['files']} files, {t['records_read']:,} read, "
            f"{t['records_loaded']:,} loaded, {t['records_quarantined']:,} quarantined"
        )
    return f"{source}: {len(result.loaded_drops)} drops loaded; " + "; ".join(parts)


def _metadata(
    conn: duckdb.DuckDBPyConnection, result: SourceLoad, entity: Entity, drops: list[date]
) -> dict[str, object]:
    totals = result.totals(entity.name)
    files = result.entity_files(entity.name)
    reasons = conn.execute(
        f"""
        SELECT reason, count(*) AS n FROM {RAW_SCHEMA}.quarantine
        WHERE source = ? AND entity = ? AND list_contains(?, drop_date)
        GROUP BY reason ORDER BY n DESC, reason LIMIT 10
        """,
        [entity.source, entity.name, drops],
    ).fetchall()
    row_count = conn.execute(f"SELECT count(*) FROM {RAW_SCHEMA}.{entity.table}").fetchone()[0]
    table = "| file | read | loaded | quarantined |\n|---|---:|---:|---:|\n" + "\n".join(
        f"| {f.file} | {f.records_read} | {f.records_loaded} | {f.records_quarantined} |"
        for f in files[:MAX_FILES_LISTED]
    )
    if len(files) > MAX_FILES_LISTED:
        table += f"\n\n… and {len(files) - MAX_FILES_LISTED} more files (see `raw.loaded_files`)."
    return {
        "files": totals["files"],
        "records_read": totals["records_read"],
        "records_loaded": totals["records_loaded"],
        "records_quarantined": totals["records_quarantined"],
        "drops_loaded": len(result.loaded_drops),
        "dagster/row_count": row_count,
        "file_reconciliation": dg.MetadataValue.md(table if files else "no file in these drops"),
        "quarantine_reasons": dg.MetadataValue.md("\n".join(f"- {n} × {reason}" for reason, n in reasons) or "none"),
    }
