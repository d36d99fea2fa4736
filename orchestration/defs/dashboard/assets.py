"""The journey dashboard, rebuilt from the published copy after each successful publication."""

from pathlib import Path

import dagster as dg

from orchestration.dashboard import DashboardError, refresh_dashboard
from orchestration.defs.automation import downstream_condition
from orchestration.defs.publication.assets import published_marts
from orchestration.defs.quality.resources import QualitySettings

DASHBOARD_KEY = dg.AssetKey(["published", "dashboard"])


@dg.asset(
    key=DASHBOARD_KEY,
    deps=[published_marts],
    group_name="publication",
    kinds={"html", "plotly"},
    automation_condition=downstream_condition(),
    description="The journey dashboard: static pages of charts (KPI trends, cohort funnel, stage and channel "
    "flows, persona journey map, attribution, open actions) read from the published journey.duckdb, in "
    "dashboard/ of the publication folder; open dashboard/index.html in a browser. Its pages and the marts "
    "each reads are the dbt exposures of models/exposures/_dashboard__exposures.yml.",
)
def journey_dashboard(context: dg.AssetExecutionContext, quality: QualitySettings):
    try:
        dashboard = refresh_dashboard(Path(quality.publish_dir))
    except DashboardError as error:
        raise dg.Failure(description=str(error)) from error
    context.log.info(f"dashboard of {len(dashboard.pages)} pages at {dashboard.index}")
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(dashboard.index)),
            "pages": dg.MetadataValue.json({p.name: sorted(p.marts) for p in dashboard.pages}),
        }
    )
