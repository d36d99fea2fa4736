"""One Dagster asset per raw entity, one op per source, partitioned by drop date.

A run over a range of drops loads the whole range in one step (single-run backfill),
so a year of daily drops costs one pass over its files, not 365 runs.

Each drop loaded is one materialisation of each entity's partition of that drop, whose data
version is the drop's signature as ``raw.loaded_drops`` records it: the Dagster UI shows, per
partition, the same record of what is loaded that ``journey run`` and the new-drop sensor read.
A drop that failed its schema check, or a day without a drop, is not materialised.
"""

from datetime import date

import dagster as dg
import duckdb
from dagster._core.definitions.data_version import DATA_VERSION_IS_USER_PROVIDED_TAG, DATA_VERSION_TAG
from dagster._core.definitions.source_asset import SYSTEM_METADATA_KEY_SOURCE_ASSET_OBSERVATION

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
            signatures = _loaded_signatures(conn, source, result.loaded_drops)
            for entity in entities:
                metadata = _drop_metadata(conn, result, entity, list(signatures))
                for drop, signature in signatures.items():
                    yield dg.AssetMaterialization(
                        asset_key=raw_asset_key(entity),
                        partition=drop.isoformat(),
                        metadata=metadata[drop],
                        tags={DATA_VERSION_TAG: signature, DATA_VERSION_IS_USER_PROVIDED_TAG: "true"},
                    )
                # the step's output, for the steps downstream in the same run; its own
                # materialisation of the whole range is not recorded (the drops' are, above)
                yield dg.MaterializeResult(
                    asset_key=raw_asset_key(entity), metadata={SYSTEM_METADATA_KEY_SOURCE_ASSET_OBSERVATION: True}
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


def _loaded_signatures(conn: duckdb.DuckDBPyConnection, source: str, drops: list[date]) -> dict[date, str]:
    """The drops loaded that have a folder, with its signature, as ``raw.loaded_drops`` records them."""
    rows = conn.execute(
        f"SELECT drop_date, signature FROM {RAW_SCHEMA}.loaded_drops "
        "WHERE source = ? AND list_contains(?, drop_date) ORDER BY drop_date",
        [source, drops],
    ).fetchall()
    return {drop: signature for drop, signature in rows}


def _drop_metadata(
    conn: duckdb.DuckDBPyConnection, result: SourceLoad, entity: Entity, drops: list[date]
) -> dict[date, dict[str, object]]:
    """Per drop loaded: the reconciliation of its files, its quarantine reasons and row count."""
    rows = dict(
        conn.execute(
            f"SELECT _drop_date, count(*) FROM {RAW_SCHEMA}.{entity.table} "
            "WHERE list_contains(?, _drop_date) GROUP BY ALL",
            [drops],
        ).fetchall()
    )
    reasons: dict[date, list[tuple[str, int]]] = {}
    for drop, reason, n in conn.execute(
        f"""
        SELECT drop_date, reason, count(*) AS n FROM {RAW_SCHEMA}.quarantine
        WHERE source = ? AND entity = ? AND list_contains(?, drop_date)
        GROUP BY ALL ORDER BY drop_date, n DESC, reason
        """,
        [entity.source, entity.name, drops],
    ).fetchall():
        reasons.setdefault(drop, []).append((reason, n))
    return {drop: _metadata(result, entity, drop, rows.get(drop, 0), reasons.get(drop, [])[:10]) for drop in drops}


def _metadata(
    result: SourceLoad, entity: Entity, drop: date, row_count: int, reasons: list[tuple[str, int]]
) -> dict[str, object]:
    files = [f for f in result.entity_files(entity.name) if f.drop_date == drop]
    table = "| file | read | loaded | quarantined |\n|---|---:|---:|---:|\n" + "\n".join(
        f"| {f.file} | {f.records_read} | {f.records_loaded} | {f.records_quarantined} |"
        for f in files[:MAX_FILES_LISTED]
    )
    if len(files) > MAX_FILES_LISTED:
        table += f"\n\n… and {len(files) - MAX_FILES_LISTED} more files (see `raw.loaded_files`)."
    return {
        "files": len(files),
        "records_read": sum(f.records_read for f in files),
        "records_loaded": sum(f.records_loaded for f in files),
        "records_quarantined": sum(f.records_quarantined for f in files),
        "dagster/row_count": row_count,
        "file_reconciliation": dg.MetadataValue.md(table if files else "no file in this drop"),
        "quarantine_reasons": dg.MetadataValue.md("\n".join(f"- {n} × {reason}" for reason, n in reasons) or "none"),
    }
