"""The publication: runs only when every blocking check of the marts passed."""

import json
from pathlib import Path

import dagster as dg

from orchestration.defs.automation import downstream_condition
from orchestration.defs.quality.checks import SUMMARY_FILE, mart_key
from orchestration.defs.quality.resources import QualitySettings
from orchestration.defs.resources import WAREHOUSE_POOL, Warehouse, retry_on_lock
from orchestration.marts import EXPORTED_MARTS, MARTS
from orchestration.publication import PUBLISHED_DATABASE, PublicationError, publish_marts


@dg.asset(
    key=dg.AssetKey(["published", "journey"]),
    deps=[mart_key(m) for m in MARTS],
    group_name="publication",
    kinds={"duckdb", "parquet"},
    pool=WAREHOUSE_POOL,
    automation_condition=downstream_condition(),
    description="Read-only copy of the validated marts for BI tools: published/journey.duckdb plus one "
    "Parquet file per mart, the action list as exports/customer_actions.parquet and .csv, and "
    "publication.json, written as one release and swapped in atomically. "
    "Skipped when a blocking check fails, so the last good publication stays in place (minus any "
    "contact deleted since).",
)
def published_marts(context: dg.AssetExecutionContext, warehouse: Warehouse, quality: QualitySettings):
    summary_path = Path(quality.data_docs_dir) / SUMMARY_FILE
    validation = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    with retry_on_lock(context):
        conn = warehouse.connect()
    try:
        publication = publish_marts(
            conn, list(MARTS), Path(quality.publish_dir), context.run.run_id, validation, EXPORTED_MARTS
        )
    except PublicationError as error:
        raise dg.Failure(description=str(error)) from error
    finally:
        conn.close()
    context.log.info(f"published {len(MARTS)} marts to {publication.database}")
    return dg.MaterializeResult(
        metadata={
            "database": dg.MetadataValue.path(publication.database),
            "parquet_dir": dg.MetadataValue.path(str(Path(quality.publish_dir) / "parquet")),
            "exports_dir": dg.MetadataValue.path(str(Path(quality.publish_dir) / "exports")),
            "as_of": publication.as_of or "",
            "published_at": publication.published_at,
            "row_counts": dg.MetadataValue.json(publication.row_counts),
            "validation_passed": bool(validation.get("passed", False)),
            "release": publication.release,
            "connect": dg.MetadataValue.md(
                "```python\nimport duckdb\n"
                f"duckdb.connect('{Path(quality.publish_dir) / PUBLISHED_DATABASE}', read_only=True)\n```"
            ),
        }
    )
