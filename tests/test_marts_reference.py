"""Every mart equals an independent reference computed in Python from the raw files (the warehouse
built once for the session by tests/conftest.py: generated_landing, built_warehouse)."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion import connect
from tests.reference import compute_reference
from tests.reference.marts import MARTS
from tests.warehouse import mart_rows, run_dbt

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("generated")]

# Ids and the stage descriptions are the implementation's own wording, not contract values.
OPAQUE_IDS = {"touchpoint_id", "session_id", "description"}


def _normalise(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, float):
        # Two roundings: values a few ulps apart that straddle a tie at 6 decimals (a credit of
        # an exact fraction times a revenue often lands on one) agree at 9 and then at 6.
        return round(round(value, 9), 6)
    if isinstance(value, Decimal):
        return value.normalize() if value == value.to_integral() else value
    return value


def _rows_as_tuples(rows: list[dict], columns: list[str]) -> Counter:
    kept = [c for c in columns if c not in OPAQUE_IDS]
    return Counter(tuple((c, _normalise(row[c])) for c in kept) for row in rows)


def _mart_rows(warehouse: Path, mart: str) -> tuple[list[str], list[dict]]:
    conn = connect(warehouse, read_only=True)
    try:
        cursor = conn.execute(f"SELECT * FROM marts.{mart}")
        columns = [d[0] for d in cursor.description]
        return columns, [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        conn.close()


def assert_marts_match_reference(landing: Path, warehouse: Path) -> None:
    reference = compute_reference(landing)
    problems = []
    for mart in MARTS:
        mart_columns, actual = _mart_rows(warehouse, mart)
        expected = reference[mart]
        reference_columns = list(expected[0]) if expected else mart_columns
        assert set(reference_columns) <= set(mart_columns), f"{mart} lacks {set(reference_columns) - set(mart_columns)}"
        columns = [c for c in mart_columns if c in reference_columns]
        missing = _rows_as_tuples(expected, columns) - _rows_as_tuples(actual, columns)
        extra = _rows_as_tuples(actual, columns) - _rows_as_tuples(expected, columns)
        if missing or extra:
            problems.append(
                f"{mart}: {len(actual)} rows, reference {len(expected)}; "
                f"only in reference (first 3): {list(missing)[:3]}; only in mart (first 3): {list(extra)[:3]}"
            )
    assert not problems, "\n".join(problems)


def test_generated_landing_zone_marts_equal_reference(generated_landing: Path, built_warehouse: Path) -> None:
    assert_marts_match_reference(generated_landing, built_warehouse)


def test_dbt_unit_tests_pass(built_warehouse: Path, tmp_path: Path) -> None:
    """dbt unit tests (identity, stage entry, FCR, rounding, churn, FX, support cases, CLV) run apart from
    production runs."""
    # `dbt build --select test_type:unit` selects nothing ("Nothing to do"); `dbt test` runs them.
    output = run_dbt(built_warehouse, tmp_path / "target", "test", "--select", "test_type:unit")
    passed = re.search(r"PASS=(\d+) WARN=0 ERROR=0", output)
    assert passed and int(passed.group(1)) >= 11, output[-2000:]


def test_no_raw_email_phone_or_comment_in_any_mart(built_warehouse: Path) -> None:
    conn = connect(built_warehouse, read_only=True)
    try:
        emails = {
            e
            for (e,) in conn.execute(
                "SELECT DISTINCT email FROM staging.stg_crm__contacts WHERE email IS NOT NULL"
            ).fetchall()
        }
        phones = {
            p
            for (p,) in conn.execute(
                "SELECT DISTINCT phone_e164 FROM staging.stg_crm__contacts WHERE phone_e164 IS NOT NULL "
                "UNION SELECT DISTINCT phone FROM raw.crm_contacts WHERE phone IS NOT NULL"
            ).fetchall()
        }
        comments = {
            c.strip()
            for (c,) in conn.execute(
                "SELECT DISTINCT comment FROM raw.crm_nps_responses WHERE comment <> ''"
            ).fetchall()
        }
    finally:
        conn.close()
    assert emails and phones and comments
    marts = mart_rows(built_warehouse)
    assert set(MARTS) <= set(marts)
    for mart, rows in marts.items():
        for row in rows:
            for value in row:
                if isinstance(value, str):
                    assert "@" not in value, (mart, value)
                    assert value not in phones, (mart, value)
                    assert value.strip() not in comments, (mart, value)


def test_a_null_in_a_column_that_must_not_be_null_fails_dbt_naming_the_column(
    built_warehouse: Path, tmp_path: Path
) -> None:
    """One dbt test checks all of a model's not-null columns in one scan; it still names each column."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    conn = duckdb.connect(str(warehouse))
    try:
        rows = [r for (r,) in conn.execute("SELECT rowid FROM marts.fct_customer_journey LIMIT 3").fetchall()]
        conn.execute("UPDATE marts.fct_customer_journey SET entry_channel = NULL WHERE rowid = ?", [rows[0]])
        conn.execute("UPDATE marts.fct_customer_journey SET days_in_stage = NULL WHERE list_contains(?, rowid)", [rows])
    finally:
        conn.close()
    output = run_dbt(
        warehouse,
        tmp_path / "target",
        "test",
        "--store-failures",
        "--select",
        "test_name:not_null_columns,fct_customer_journey",
        returncode=1,
        timeout=300,
    )
    assert "Got 2 results" in output, output[-2000:]
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        ((schema, table),) = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_name LIKE 'not_null_columns_fct_customer%'"
        ).fetchall()
        failures = conn.execute(f'SELECT column_name, null_rows FROM "{schema}"."{table}" ORDER BY 1').fetchall()
    finally:
        conn.close()
    assert failures == [("days_in_stage", 3), ("entry_channel", 1)]
