"""The semantic layer (MetricFlow) answers what the marts hold: every metric a mart already holds,
asked of MetricFlow at the mart's grain through the project's saved queries, equals the mart's
value once rounded as the mart rounds it (half away from zero)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from orchestration.ingestion import connect
from tests.warehouse import query_rows

# The warehouse of the reference test (tests/conftest.py: built_warehouse), a copy of the session's shared build.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("generated")]

PROJECT_DIR = Path(__file__).resolve().parents[1]

# (metric, mart column, decimals the mart rounds to; None for a count). A count or sum is 0 in the
# mart where MetricFlow has no row; a rate or average is null.
KPIS = [
    ("nps", "nps", 1),
    ("nps_responses", "nps_responses", None),
    ("csat_pct", "csat_pct", 1),
    ("csat_avg", "csat_avg", 2),
    ("csat_responses", "csat_responses", None),
    ("answered_contacts", "answered_contacts", None),
    ("abandonment_rate", "abandonment_rate", 4),
    ("avg_wait_seconds", "avg_wait_seconds", 1),
    ("fcr_rate", "fcr_rate", 4),
    ("new_customers", "new_customers", None),
    ("churn_rate", "churn_rate", 4),
    ("net_revenue_eur", "net_revenue_eur", 2),
    ("cases_opened", "cases_opened", None),
    ("contacts_per_case", "contacts_per_case", 2),
    ("case_resolution_rate", "case_resolution_rate", 4),
    ("follow_up_48h_rate", "follow_up_48h_rate", 4),
    ("surveys_during_open_case_rate", "surveys_during_open_case_rate", 4),
]
FUNNEL = [
    ("customers_entered", "customers_entered", None),
    ("customers_progressed", "customers_progressed", None),
    ("progression_rate", "progression_rate", 4),
]
PERSONA = [*FUNNEL, ("touchpoints_per_customer", "touchpoints_per_customer", 2)]
STAGE_EXPERIENCE = [
    ("touchpoints", "touchpoints", None),
    ("contacts", "contacts", None),
    ("contacts_per_customer", "contacts_per_customer", 2),
    ("avg_wait_seconds", "avg_wait_seconds", 1),
    ("orders", "orders", None),
    ("avg_order_value_eur", "avg_order_value_eur", 2),
]
STAGE_FEEDBACK = [("nps", "nps", 1), ("csat_pct", "csat_pct", 1), ("avg_sentiment", "avg_sentiment", 3)]
PERSONA_FEEDBACK = [("nps", "nps", 1), ("csat_pct", "csat_pct", 1)]
SUMS = {"net_revenue_eur"}
ATTRIBUTION = [("attributed_conversions", "conversions", 4), ("attributed_revenue_eur", "revenue_eur", 2)]


def _key_value(value: Any) -> Any:
    """A time dimension's value (``2026-01-01 00:00:00``) as the date the marts key months by."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}( 00:00:00)?", value):
        return date.fromisoformat(value[:10])
    return value


def _rounded(value: Any, decimals: int | None) -> Decimal | None:
    if value is None:
        return None
    exact = Decimal(str(value))
    return exact if decimals is None else exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# MetricFlow's engine set up as the `mf` command sets it up (the dbt project and profile of the
# working folder), asked every request in one process of its own, which then releases the warehouse.
_ASK = """
import json, sys
from dbt_metricflow.cli.cli_configuration import CLIConfiguration
from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

config = CLIConfiguration()
config.setup(configure_file_logging=False)
answers = []
for request in json.loads(sys.argv[1]):
    table = config.mf.query(MetricFlowQueryRequest.create(**request)).result_df
    answers.append([dict(zip(table.column_names, row)) for row in table.rows])
with open(sys.argv[2], "w") as out:
    json.dump(answers, out, default=str)
"""
REQUESTS = [
    {"saved_query_name": name}
    for name in (
        "cx_kpis_monthly",
        "journey_funnel",
        "persona_journey",
        "persona_feedback",
        "persona_wait",
        "stage_experience_monthly",
        "stage_feedback_monthly",
        "channel_attribution_monthly",
    )
] + [{"metric_names": ["conversion_rate", "customers", "converted_customers"]}]


class SemanticLayer:
    """The semantic layer's answers to REQUESTS."""

    def __init__(self, answers: list[list[dict[str, Any]]]) -> None:
        self._answers = answers

    def rows(self, saved_query: str | None = None, metrics: list[str] | None = None) -> list[dict[str, Any]]:
        request = {"saved_query_name": saved_query} if saved_query else {"metric_names": metrics}
        return self._answers[REQUESTS.index(request)]


@pytest.fixture(scope="module")
def semantic_layer(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    out = tmp_path_factory.mktemp("semantic") / "answers.json"
    env = {**os.environ, "JOURNEY_DUCKDB_PATH": str(built_warehouse), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    done = subprocess.run(
        [sys.executable, "-c", _ASK, json.dumps(REQUESTS), str(out)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return SemanticLayer(json.loads(out.read_text()))


MARTS_ASKED = (
    "mart_cx_kpis_monthly",
    "mart_journey_funnel",
    "mart_persona_journey",
    "mart_stage_experience_monthly",
    "mart_channel_attribution_monthly",
    "mart_conversion_paths",
)
Marts = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def marts(built_warehouse: Path) -> Marts:
    """The rows of the marts the semantic layer is compared with."""
    marts = {}
    for mart in MARTS_ASKED:
        conn = connect(built_warehouse, read_only=True)
        try:
            cursor = conn.execute(f"select * from marts.{mart}")
            columns = [d[0] for d in cursor.description]
            marts[mart] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        finally:
            conn.close()
    return marts


def _mart(marts: Marts, mart: str, keys: list[str]) -> dict[tuple, dict[str, Any]]:
    return {tuple(row[k] for k in keys): row for row in marts[mart]}


def _compare(
    layer: SemanticLayer,
    marts: Marts,
    saved_query: str,
    mart: str,
    keys: dict[str, str],
    metrics: list[tuple[str, str, int | None]],
) -> None:
    """The saved query's rows equal the mart's, key by key; a mart row MetricFlow has no row for
    counts nothing (0 or null); a MetricFlow row the mart has no row for counts nothing either."""
    expected = _mart(marts, mart, list(keys.values()))
    answers = {
        tuple(_key_value(row[dimension]) for dimension in keys): row for row in layer.rows(saved_query=saved_query)
    }
    assert answers, f"{saved_query}: no rows"
    problems = []
    for key in sorted(set(expected) | set(answers), key=str):
        mart_row = expected.get(key)
        answer = answers.get(key, {})
        for metric, column, decimals in metrics:
            got = _rounded(answer.get(metric), decimals)
            if mart_row is None:
                want = None
                got = got or None
            elif decimals is None or column in SUMS:
                want, got = Decimal(mart_row[column]), got or Decimal(0)
            else:
                want = mart_row[column]
            if got != want:
                problems.append(f"{key} {metric}: semantic layer {got}, {mart}.{column} {want}")
    assert not problems, f"{saved_query} differs from {mart}:\n" + "\n".join(problems[:20])


def test_mf_command_answers_nps_by_month_as_the_readme_shows(built_warehouse: Path, tmp_path: Path) -> None:
    """The `mf` command itself, run from the project folder against the warehouse of the profile."""
    env = {**os.environ, "JOURNEY_DUCKDB_PATH": str(built_warehouse), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    out = tmp_path / "nps.csv"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "mf"), "query", "--metrics", "nps", "--group-by", "metric_time__month"]
        + ["--csv", str(out), "--quiet"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    lines = out.read_text().splitlines()
    assert lines[0] == "metric_time__month,nps"
    answers = {
        date.fromisoformat(month[:10]): _rounded(value or None, 1)
        for month, value in (line.split(",") for line in lines[1:])
    }
    expected = dict(
        query_rows(built_warehouse, "select month, nps from marts.mart_cx_kpis_monthly where nps is not null")
    )
    assert answers == expected


def test_monthly_kpis_equal_the_kpi_mart(semantic_layer: SemanticLayer, marts: Marts) -> None:
    _compare(
        semantic_layer,
        marts,
        "cx_kpis_monthly",
        "mart_cx_kpis_monthly",
        {"metric_time__month": "month"},
        KPIS,
    )


def test_funnel_by_cohort_and_stage_equals_the_funnel_mart(semantic_layer: SemanticLayer, marts: Marts) -> None:
    keys = {"customer__cohort_month": "cohort_month", "journey_stage__stage": "stage"}
    _compare(semantic_layer, marts, "journey_funnel", "mart_journey_funnel", keys, FUNNEL)


def test_persona_journey_equals_the_persona_mart(semantic_layer: SemanticLayer, marts: Marts) -> None:
    by_stage = {"customer__persona": "persona", "journey_stage__stage": "stage"}
    _compare(semantic_layer, marts, "persona_journey", "mart_persona_journey", by_stage, PERSONA)
    by_survey_stage = {"customer__persona": "persona", "survey_response__stage": "stage"}
    _compare(semantic_layer, marts, "persona_feedback", "mart_persona_journey", by_survey_stage, PERSONA_FEEDBACK)
    by_contact_stage = {"customer__persona": "persona", "touchpoint__stage": "stage"}
    wait = [("avg_wait_seconds", "avg_wait_seconds", 1)]
    _compare(semantic_layer, marts, "persona_wait", "mart_persona_journey", by_contact_stage, wait)


def test_stage_experience_equals_the_stage_mart(semantic_layer: SemanticLayer, marts: Marts) -> None:
    mart = "mart_stage_experience_monthly"
    by_touch = {"metric_time__month": "month", "touchpoint__stage": "stage"}
    _compare(semantic_layer, marts, "stage_experience_monthly", mart, by_touch, STAGE_EXPERIENCE)
    by_survey = {"metric_time__month": "month", "survey_response__stage": "stage"}
    _compare(semantic_layer, marts, "stage_feedback_monthly", mart, by_survey, STAGE_FEEDBACK)


def test_attributed_conversions_equal_the_attribution_mart(semantic_layer: SemanticLayer, marts: Marts) -> None:
    keys = {
        "metric_time__month": "month",
        "attribution_credit__attribution_model": "model",
        "attribution_credit__channel": "channel",
    }
    _compare(
        semantic_layer,
        marts,
        "channel_attribution_monthly",
        "mart_channel_attribution_monthly",
        keys,
        ATTRIBUTION,
    )


def test_conversion_rate_equals_the_paths_mart_over_all_paths(
    semantic_layer: SemanticLayer,
    marts: Marts,
) -> None:
    [answer] = semantic_layer.rows(metrics=["conversion_rate", "customers", "converted_customers"])
    paths = marts["mart_conversion_paths"]
    customers = sum(p["customers"] for p in paths)
    converted = sum(p["converted_customers"] for p in paths)
    assert (answer["customers"], answer["converted_customers"]) == (customers, converted)
    assert answer["conversion_rate"] == pytest.approx(converted / customers)
