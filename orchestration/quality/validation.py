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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .suites import VALIDATED_MARTS, DriftLimits, consistency_queries, drift_limits, load_suite

SAMPLE_ROWS = 5
DRIFT = "drift"


@dataclass(frozen=True)
class Failure:
    """One expectation that did not hold."""

    validation: str
    expectation: str
    column: str | None
    severity: str  # "error" or "warning"
    unexpected_count: int | None
    sample_rows: list[dict[str, Any]]

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        count = f", {self.unexpected_count} unexpected" if self.unexpected_count is not None else ""
        return f"{self.validation}: {self.expectation}{where}{count}"


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

    def __init__(self, docs_dir: Path) -> None:
        import great_expectations as gx

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

    def validate(self, name: str, frame: pd.DataFrame, suite: dict) -> tuple[int, list[Failure]]:
        gx = self.gx
        batch = self.datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole")
        expectation_suite = self.context.suites.add(gx.ExpectationSuite(name=name, expectations=suite["expectations"]))
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=expectation_suite)
        )
        checkpoint = self.context.checkpoints.add(
            gx.Checkpoint(name=name, validation_definitions=[definition], result_format={"result_format": "COMPLETE"})
        )
        result = checkpoint.run(batch_parameters={"dataframe": frame})
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


def _drift_frames(conn: duckdb.DuckDBPyConnection, published: Path | None) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    if published is None or not published.exists():
        return None
    conn.execute(f"ATTACH '{published}' AS last_good (READ_ONLY)")
    try:
        metrics = _frame(
            conn,
            """
            SELECT cur.month,
                   cast(cur.nps AS DOUBLE) - cast(old.nps AS DOUBLE) AS nps_change_points,
                   cast(cur.csat_pct AS DOUBLE) - cast(old.csat_pct AS DOUBLE) AS csat_change_points
            FROM marts.mart_cx_kpis_monthly AS cur
            JOIN last_good.marts.mart_cx_kpis_monthly AS old USING (month)
            ORDER BY cur.month
            """,
        )
        counts = []
        for mart in VALIDATED_MARTS:
            current = conn.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0]
            previous = conn.execute(f"SELECT count(*) FROM last_good.marts.{mart}").fetchone()[0]
            counts.append(
                {
                    "mart": mart,
                    "published_rows": previous,
                    "current_rows": current,
                    "kept_share": current / previous if previous else 1.0,
                }
            )
        return metrics, pd.DataFrame(counts)
    finally:
        conn.execute("DETACH last_good")


def _drift_suites(limits: DriftLimits) -> tuple[dict, dict]:
    def band(column: str, limit: float, severity: str) -> dict:
        return {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": column, "min_value": -limit, "max_value": limit},
            "severity": severity,
            "meta": {"notes": f"{column} within ±{limit:g} of the last good publication"},
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


def validate_marts(
    conn: duckdb.DuckDBPyConnection,
    docs_dir: Path,
    published: Path | None = None,
    limits: DriftLimits | None = None,
) -> ValidationReport:
    """Run every suite, consistency query and drift check; rebuild the Data Docs site."""
    started = time.perf_counter()
    docs_dir.mkdir(parents=True, exist_ok=True)
    gx = _Gx(docs_dir)
    report: dict[str, MartValidation] = {}
    for mart in VALIDATED_MARTS:
        validation = MartValidation(mart)
        count, failures = gx.validate(mart, _frame(conn, f"SELECT * FROM marts.{mart}"), load_suite(mart))
        validation.expectations += count
        validation.failures += failures
        for query in consistency_queries(mart):
            name = f"{mart}.{query.name}"
            count, failures = gx.validate(name, _frame(conn, query.sql), _no_rows_suite(query.description))
            validation.expectations += count
            validation.failures += failures
        report[mart] = validation
    drift = MartValidation(DRIFT)
    frames = _drift_frames(conn, published)
    if frames is not None:
        metric_suite, row_suite = _drift_suites(limits or drift_limits())
        for name, frame, suite in (
            ("drift.kpi_metrics", frames[0], metric_suite),
            ("drift.row_counts", frames[1], row_suite),
        ):
            count, failures = gx.validate(name, frame, suite)
            drift.expectations += count
            drift.failures += failures
    report[DRIFT] = drift
    gx.build_docs()
    return ValidationReport(marts=report, docs_index=docs_dir / "index.html", seconds=time.perf_counter() - started)
