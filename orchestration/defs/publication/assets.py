"""The publication: runs only when every blocking check of the marts passed."""

import json
from pathlib import Path

import dagster as dg

from orchestration.defs.automation import downstream_condition
from orchestration.defs.quality.checks import SUMMARY_FILE, mart_key
from orchestration.defs.quality.resources import QualitySettings
from orchestration.defs.resources import WAREHOUSE_POOL, Warehouse, retry_on_lock
from orchestration.publication import PUBLISHED_DATABASE, PublicationError, publish_marts

PUBLISHED_MARTS: tuple[str, ...] = (
    "fct_customer_journey",
    "fct_touchpoints",
    "fct_web_sessions",
    "dim_customers",
    "dim_journey_stages",
    "mart_cx_kpis_monthly",
    "mart_journey_funnel",
    "mart_stage_experience_monthly",
    "mart_persona_journey",
    "fct_support_cases",
    "fct_survey_responses",
    "mart_channel_flows",
    "mart_conversion_paths",
    "fct_attribution_credits",
    "mart_channel_attribution_monthly",
    "fct_feedback_follow_ups",
    "mart_customer_actions",
)
# Published marts also written as files for the tools that import them (exports/<name>.parquet, .csv).
EXPORTED_MARTS: dict[str, str] = {"mart_customer_actions": "customer_actions"}


@dg.asset(
    key=dg.AssetKey(["published", "journey"]),
    deps=[mart_key(m) for m in PUBLISHED_MARTS],
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
            conn, list(PUBLISHED_MARTS), Path(quality.publish_dir), context.run.run_id, validation, EXPORTED_MARTS
        )
    except PublicationError as error:
        raise dg.Failure(description=str(error)) from error
    finally:
        conn.close()
    context.log.info(f"published {len(PUBLISHED_MARTS)} marts to {publication.database}")
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
