"""One blocking asset check per validated mart (its GX suite and consistency queries) and a
drift check against the last good publication. An error-level failure blocks publication."""

import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from orchestration.dashboard import DASHBOARD_DIR, DashboardError, refresh_dashboard
from orchestration.defs.automation import downstream_condition
from orchestration.defs.resources import WAREHOUSE_POOL, Warehouse, retry_on_lock
from orchestration.marts import MARTS
from orchestration.publication import PUBLISHED_DATABASE, deleted_customer_keys, purge_customers
from orchestration.quality import MartValidation, validate_marts
from orchestration.quality.validation import DRIFT, KPI_MART

from .resources import QualitySettings

SUMMARY_FILE = "validation_summary.json"
DRIFT_CHECK = "gx_drift_against_last_publication"


class ValidationConfig(dg.Config):
    """Options of a validation run."""

    accept_drift: bool = False
    """The moves against the last publication were reviewed and are accepted (`journey accept-drift`)."""


def mart_key(mart: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", mart])


def check_name(mart: str) -> str:
    return f"gx_{mart}"


def _rows_markdown(rows: list[dict]) -> str:
    if not rows:
        return ""
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def _result(asset: dg.AssetKey, name: str, validation: MartValidation, docs: Path) -> dg.AssetCheckResult:
    failures = validation.errors or validation.warnings
    report = "\n\n".join(
        f"**{f.severity.upper()}** `{f.validation}` {f.expectation}"
        + (f" on `{f.column}`" if f.column else "")
        + (f": {f.unexpected_count} unexpected" if f.unexpected_count is not None else "")
        + ("\n\n" + _rows_markdown(f.sample_rows) if f.sample_rows else "")
        for f in failures
    )
    return dg.AssetCheckResult(
        asset_key=asset,
        check_name=name,
        passed=not validation.failures,
        severity=dg.AssetCheckSeverity.ERROR if validation.errors else dg.AssetCheckSeverity.WARN,
        description="; ".join(f.describe() for f in failures) or None,
        metadata={
            "expectations": validation.expectations,
            "errors": len(validation.errors),
            "warnings": len(validation.warnings),
            "unexpected_rows": sum(f.unexpected_count or 0 for f in validation.failures),
            "failures": dg.MetadataValue.md(report or "all expectations met"),
            "data_docs": dg.MetadataValue.path(str(docs)),
        },
    )


@dg.multi_asset_check(
    specs=[
        *[
            dg.AssetCheckSpec(
                check_name(m),
                asset=mart_key(m),
                blocking=True,
                description=f"GX suite of {m}",
                automation_condition=downstream_condition(),
            )
            for m in MARTS
        ],
        dg.AssetCheckSpec(
            DRIFT_CHECK,
            asset=mart_key(KPI_MART),
            blocking=True,
            description="NPS, CSAT and row counts against the last good publication",
            automation_condition=downstream_condition(),
        ),
    ],
    name="gx_validate_marts",
    pool=WAREHOUSE_POOL,
    # declarative automation selects the checks of the marts a build updated (a mart built from
    # seeds alone, dim_journey_stages, is not updated by a drop); a job selects them all
    can_subset=True,
)
def gx_validate_marts(
    context: dg.AssetCheckExecutionContext,
    warehouse: Warehouse,
    quality: QualitySettings,
    config: ValidationConfig,
):
    """Validate the selected marts (every mart when run by a job) with Great Expectations and
    rebuild the Data Docs site. When a blocking check fails, the marts are not published, but
    contacts deleted since are removed from the current publication at once."""
    publish_dir = Path(quality.publish_dir)
    selected = context.selected_asset_check_keys
    marts = [m for m in MARTS if dg.AssetCheckKey(mart_key(m), check_name(m)) in selected]
    with_drift = dg.AssetCheckKey(mart_key(KPI_MART), DRIFT_CHECK) in selected
    with retry_on_lock(context):
        conn = warehouse.connect()
    try:
        report = validate_marts(
            conn,
            Path(quality.data_docs_dir),
            published=publish_dir / PUBLISHED_DATABASE,
            accept_drift=config.accept_drift,
            run_name=context.run.run_id,
            marts=marts,
            with_drift=with_drift,
        )
        deleted = [] if report.passed else deleted_customer_keys(conn)
    finally:
        conn.close()
    if deleted:
        purged = purge_customers(publish_dir, deleted, context.run.run_id)
        if purged:
            context.log.warning(
                f"publication blocked; removed {purged} rows of deleted contacts from the current publication"
            )
            if (publish_dir / DASHBOARD_DIR).exists():
                try:
                    refresh_dashboard(publish_dir)  # no page may show a deleted contact's key
                except DashboardError as error:
                    context.log.error(f"the dashboard could not be rewritten after the purge: {error}")
    summary = {
        "run_id": context.run.run_id,
        "validated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "passed": report.passed,
        "accept_drift": config.accept_drift,
        "seconds": round(report.seconds, 2),
        "marts": report.summary(),
    }
    (Path(quality.data_docs_dir) / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    context.log.info(
        f"validated {len(marts)} of {len(MARTS)} marts{' and their drift' if with_drift else ''} "
        f"in {report.seconds:.1f} s; Data Docs at {report.docs_index}"
    )
    for mart in marts:
        yield _result(mart_key(mart), check_name(mart), report.marts[mart], report.docs_index)
    if with_drift:
        yield _result(mart_key(KPI_MART), DRIFT_CHECK, report.marts[DRIFT], report.docs_index)
