"""Validate the metric marts with Great Expectations before they are published.

Great Expectations runs on its pandas datasource: the marts are small (months, cohorts,
customers) and are read from DuckDB into data frames. Its SQL datasource over DuckDB
(duckdb_engine) fails to resolve metrics, so it is not used.

Each mart gets three kinds of validation, all rendered in the GX Data Docs site:
- its suite (``expectations/<mart>.json``): ranges, completeness, uniqueness of the grain;
- consistency queries (``expectations/consistency/<mart>__<check>.sql``) whose rows are
  violations, validated as "no row";
- drift against the last good publication (``expectations/drift.json``), on the KPI mart
  (NPS and CSAT moves) and on every mart's row count.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from orchestration.marts import MARTS

from .offline_docs import localise_data_docs
from .suites import DriftLimits, consistency_queries, drift_limits, load_suite

SAMPLE_ROWS = 5
DRIFT = "drift"
KPI_MART = "mart_cx_kpis_monthly"


@dataclass(frozen=True)
class Failure:
    """One expectation that did not hold."""

    validation: str
    expectation: str
    column: str | None
    severity: str  # "error" or "warning"
    unexpected_count: int | None
    sample_rows: list[dict[str, Any]]
    details: list[str] = field(default_factory=list)
    accepted: bool = False

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        count = f", {self.unexpected_count} unexpected" if self.unexpected_count is not None else ""
        accepted = " (accepted by the operator)" if self.accepted else ""
        details = f" ({'; '.join(self.details)})" if self.details else ""
        return f"{self.validation}: {self.expectation}{where}{count}{accepted}{details}"


@dataclass
class MartValidation:
    """Every validation of one mart (or of the drift, under the name ``drift``)."""

    mart: str
    expectations: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def errors(self) -> list[Failure]:
        return [f for f in self.failures if f.severity == "error"]

    @property
    def warnings(self) -> list[Failure]:
        return [f for f in self.failures if f.severity == "warning"]

    @property
    def passed(self) -> bool:
        return not self.errors


@dataclass
class ValidationReport:
    marts: dict[str, MartValidation]
    docs_index: Path
    seconds: float

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.marts.values())

    def summary(self) -> dict[str, Any]:
        return {
            name: {
                "passed": v.passed,
                "expectations": v.expectations,
                "errors": [f.describe() for f in v.errors],
                "warnings": [f.describe() for f in v.warnings],
            }
            for name, v in self.marts.items()
        }


class _Gx:
    """An ephemeral Great Expectations context writing its Data Docs to ``docs_dir``."""

    def __init__(self, docs_dir: Path, run_name: str | None = None) -> None:
        import great_expectations as gx
        from great_expectations.core.run_identifier import RunIdentifier

        self.docs_dir = docs_dir
        self.run_id = RunIdentifier(run_name=run_name) if run_name else None
        self.assets: dict[str, Any] = {}

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self.gx = gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self.context.add_data_docs_site(
            site_name="journey",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        self.datasource = self.context.data_sources.add_pandas("journey_marts")

    def validate(
        self, name: str, frame: pd.DataFrame, suite: dict, asset: str | None = None
    ) -> tuple[int, list[Failure]]:
        """Validate ``frame`` with ``suite`` as the batch ``name`` of the data asset ``asset`` (the
        mart; ``name`` itself by default)."""
        gx = self.gx
        asset = asset or name
        if asset not in self.assets:
            self.assets[asset] = self.datasource.add_dataframe_asset(asset)
        batch = self.assets[asset].add_batch_definition_whole_dataframe(name)
        expectation_suite = self.context.suites.add(gx.ExpectationSuite(name=name, expectations=suite["expectations"]))
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=expectation_suite)
        )
        checkpoint = self.context.checkpoints.add(
            gx.Checkpoint(name=name, validation_definitions=[definition], result_format={"result_format": "COMPLETE"})
        )
        result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=self.run_id)
        for key, outcome in result.run_results.items():
            # a validation page names the data asset of the batch spec, which a data frame's lacks
            outcome.meta.setdefault("batch_spec", {})["data_asset_name"] = asset
            self.context.validation_results_store.set(key, outcome)
        failures = []
        for run in result.run_results.values():
            for outcome in run.results:
                if outcome.success:
                    continue
                config = outcome.expectation_config
                severity = (
                    "warning" if str(getattr(config, "severity", "critical")).lower().endswith("warning") else "error"
                )
                details = outcome.result or {}
                indexes = details.get("unexpected_index_list") or []
                sample = _sample_rows(frame, indexes) if indexes else frame.head(SAMPLE_ROWS).to_dict("records")
                if config.type != "expect_table_row_count_to_equal" and not indexes:
                    sample = []
                failures.append(
                    Failure(
                        validation=name,
                        expectation=config.type,
                        column=config.kwargs.get("column") or _columns(config.kwargs),
                        severity=severity,
                        unexpected_count=details.get("unexpected_count", details.get("observed_value")),
                        sample_rows=sample,
                    )
                )
        return len(suite["expectations"]), failures

    def build_docs(self) -> None:
        self.context.build_data_docs(site_names=["journey"])
        left = localise_data_docs(self.docs_dir)
        if left:
            logging.getLogger(__name__).warning("Data Docs still load from outside the site: %s", ", ".join(left))


def _columns(kwargs: dict) -> str | None:
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    return None


def _sample_rows(frame: pd.DataFrame, indexes: list) -> list[dict[str, Any]]:
    positions = [i for i in indexes if isinstance(i, int)][:SAMPLE_ROWS]
    return frame.loc[positions].to_dict("records") if positions else []


def _frame(conn: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """A query's result as a data frame (DuckDB turns decimals into floats)."""
    return conn.execute(sql).df()


def _no_rows_suite(description: str) -> dict:
    return {
        "expectations": [
            {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 0}, "meta": {"notes": description}}
        ]
    }


def _drift_frames(
    conn: duckdb.DuckDBPyConnection, published: Path | None, limits: DriftLimits
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The moves of NPS and CSAT per month, and of each mart's row count, against the last good
    publication. A month's NPS or CSAT move is null (not compared) unless the month was complete
    at the publication's as_of and has ``limits.min_responses`` responses in both."""
    if published is None or not published.exists():
        return None
    conn.execute(f"ATTACH '{published}' AS last_good (READ_ONLY)")
    try:
        metrics = _frame(
            conn,
            f"""
            WITH published AS (
                SELECT max(try_cast(as_of AS TIMESTAMP)) AS as_of FROM last_good.marts._publication
            ), paired AS (
                SELECT cur.month,
                       cur.month + INTERVAL 1 MONTH <= published.as_of AS was_complete,
                       cast(old.nps AS DOUBLE) AS published_nps, cast(cur.nps AS DOUBLE) AS current_nps,
                       old.nps_responses AS published_nps_responses, cur.nps_responses AS current_nps_responses,
                       cast(old.csat_pct AS DOUBLE) AS published_csat_pct,
                       cast(cur.csat_pct AS DOUBLE) AS current_csat_pct,
                       old.csat_responses AS published_csat_responses,
                       cur.csat_responses AS current_csat_responses
                FROM marts.mart_cx_kpis_monthly AS cur
                JOIN last_good.marts.mart_cx_kpis_monthly AS old USING (month)
                CROSS JOIN published
            )
            SELECT *,
                   CASE WHEN was_complete AND least(published_nps_responses, current_nps_responses)
                        >= {limits.min_responses} THEN current_nps - published_nps END AS nps_change_points,
                   CASE WHEN was_complete AND least(published_csat_responses, current_csat_responses)
                        >= {limits.min_responses} THEN current_csat_pct - published_csat_pct END AS csat_change_points
            FROM paired
            ORDER BY month
            """,
        )
        counts = []
        published_marts = {
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'last_good' AND schema_name = 'marts'"
            ).fetchall()
        }
        for mart in MARTS:
            if mart not in published_marts:
                continue  # a mart new since the last publication has nothing to be compared with
            current = conn.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0]
            previous = conn.execute(f"SELECT count(*) FROM last_good.marts.{mart}").fetchone()[0]
            if previous < limits.min_rows:
                continue  # a few rows more or less in a small mart is ordinary churn, not lost data
            counts.append(
                {
                    "mart": mart,
                    "published_rows": previous,
                    "current_rows": current,
                    "kept_share": current / previous if previous else 1.0,
                }
            )
        return metrics, pd.DataFrame(counts, columns=["mart", "published_rows", "current_rows", "kept_share"])
    finally:
        conn.execute("DETACH last_good")


def _drift_suites(limits: DriftLimits) -> tuple[dict, dict]:
    def band(column: str, limit: float, severity: str) -> dict:
        return {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": column, "min_value": -limit, "max_value": limit},
            "severity": severity,
            "meta": {
                "notes": f"{column} within ±{limit:g} of the last good publication, for months complete at its "
                f"as_of with at least {limits.min_responses} responses in both"
            },
        }

    metrics = {
        "expectations": [
            band("nps_change_points", limits.nps_points[0], "warning"),
            band("nps_change_points", limits.nps_points[1], "critical"),
            band("csat_change_points", limits.csat_points[0], "warning"),
            band("csat_change_points", limits.csat_points[1], "critical"),
        ]
    }
    rows = {
        "expectations": [
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "kept_share", "min_value": 1 - limits.row_drop[0]},
                "severity": "warning",
                "meta": {"notes": f"row count drops by less than {limits.row_drop[0]:.0%}"},
            },
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "kept_share", "min_value": 1 - limits.row_drop[1]},
                "severity": "critical",
                "meta": {"notes": f"row count drops by less than {limits.row_drop[1]:.0%}"},
            },
        ]
    }
    return metrics, rows


def _drift_details(failure: Failure) -> list[str]:
    """What moved, in words, from the sample rows of a drift failure."""
    details = []
    for row in failure.sample_rows:
        if failure.column == "nps_change_points":
            details.append(
                f"NPS of {_month(row['month'])}: {row['published_nps']:g} published "
                f"({row['published_nps_responses']} responses), {row['current_nps']:g} now "
                f"({row['current_nps_responses']} responses)"
            )
        elif failure.column == "csat_change_points":
            details.append(
                f"CSAT % of {_month(row['month'])}: {row['published_csat_pct']:g} published "
                f"({row['published_csat_responses']} responses), {row['current_csat_pct']:g} now "
                f"({row['current_csat_responses']} responses)"
            )
        elif failure.column == "kept_share":
            details.append(f"{row['mart']}: {row['published_rows']} rows published, {row['current_rows']} now")
    return details


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if hasattr(value, "strftime") else str(value)[:7]


def validate_marts(
    conn: duckdb.DuckDBPyConnection,
    docs_dir: Path,
    published: Path | None = None,
    limits: DriftLimits | None = None,
    accept_drift: bool = False,
    run_name: str | None = None,
    marts: Sequence[str] = MARTS,
    with_drift: bool = True,
) -> ValidationReport:
    """Run the suites and consistency queries of ``marts`` (every mart unless told) and, with
    ``with_drift``, the drift check; rebuild the Data Docs site, where each validation has ``run_name``
    (the Dagster run id) as its run name and its mart as data asset.

    ``accept_drift``: an operator reviewed the moves against the last publication and accepts
    them; drift beyond the error limits is then reported as an accepted warning.
    """
    started = time.perf_counter()
    docs_dir.mkdir(parents=True, exist_ok=True)
    gx = _Gx(docs_dir, run_name)
    report: dict[str, MartValidation] = {}
    for mart in marts:
        validation = MartValidation(mart)
        count, failures = gx.validate(mart, _frame(conn, f"SELECT * FROM marts.{mart}"), load_suite(mart))
        validation.expectations += count
        validation.failures += failures
        for query in consistency_queries(mart):
            name = f"{mart}.{query.name}"
            count, failures = gx.validate(name, _frame(conn, query.sql), _no_rows_suite(query.description), mart)
            validation.expectations += count
            validation.failures += failures
        report[mart] = validation
    if with_drift:
        report[DRIFT] = _drift_validation(gx, conn, published, limits, accept_drift)
    gx.build_docs()
    return ValidationReport(marts=report, docs_index=docs_dir / "index.html", seconds=time.perf_counter() - started)


def _drift_validation(
    gx: _Gx, conn: duckdb.DuckDBPyConnection, published: Path | None, limits: DriftLimits | None, accept_drift: bool
) -> MartValidation:
    """The KPIs and row counts against the last good publication (nothing to compare without one)."""
    drift = MartValidation(DRIFT)
    limits = limits or drift_limits()
    frames = _drift_frames(conn, published, limits)
    if frames is not None:
        metric_suite, row_suite = _drift_suites(limits)
        for name, asset, frame, suite in (
            ("drift.kpi_metrics", KPI_MART, frames[0], metric_suite),
            ("drift.row_counts", DRIFT, frames[1], row_suite),
        ):
            count, failures = gx.validate(name, frame, suite, asset)
            drift.expectations += count
            drift.failures += [
                replace(
                    f,
                    details=_drift_details(f),
                    severity="warning" if accept_drift else f.severity,
                    accepted=accept_drift and f.severity == "error",
                )
                for f in failures
            ]
    return drift
