"""The invariants of paths and attribution block the publication when they do not hold."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.settings import Settings
from tests.test_publication import _checks, _copy, _validate_and_publish, published  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("generated")]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_paths_and_attribution_marts_are_validated_and_published(published: Settings) -> None:  # noqa: F811
    conn = duckdb.connect(str(published.publish_dir / "journey.duckdb"), read_only=True)
    try:
        for mart in ("mart_channel_flows", "mart_conversion_paths", "fct_attribution_credits"):
            assert conn.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0] > 0, mart
            assert (published.publish_dir / "parquet" / f"{mart}.parquet").exists()
        months = conn.execute("SELECT count(DISTINCT month) FROM marts.mart_channel_attribution_monthly").fetchone()[0]
        assert months > 0
    finally:
        conn.close()


def test_broken_credits_and_flows_block_publication(published: Settings, tmp_path: Path) -> None:  # noqa: F811
    settings = _copy(published, tmp_path)
    database = settings.publish_dir / "journey.duckdb"
    before = _digest(database)
    conn = duckdb.connect(str(settings.duckdb_path))
    conn.execute(
        "UPDATE marts.fct_attribution_credits SET credit = credit / 2 WHERE model = 'linear' "
        "AND customer_key = (SELECT min(customer_key) FROM marts.fct_attribution_credits)"
    )
    conn.execute(
        "UPDATE marts.mart_channel_flows SET customers = customers + 1 "
        "WHERE (step, from_node, to_node) IN (SELECT (step, from_node, to_node) FROM marts.mart_channel_flows "
        "WHERE step = 2 LIMIT 1)"
    )
    conn.close()

    result = _validate_and_publish(settings)

    assert not result.success
    checks = _checks(result)
    credits = checks["gx_fct_attribution_credits"]
    assert not credits.passed and credits.severity == dg.AssetCheckSeverity.ERROR
    assert "credits_sum_to_one" in credits.description
    monthly = checks["gx_mart_channel_attribution_monthly"]
    assert not monthly.passed and "conversions_match_new_customers" in monthly.description
    flows = checks["gx_mart_channel_flows"]
    assert not flows.passed and "customers_conserved_at_nodes" in flows.description
    assert checks["gx_mart_conversion_paths"].passed
    assert _digest(database) == before


def test_action_list_is_exported_as_parquet_and_csv_without_personal_data(published: Settings) -> None:  # noqa: F811
    exports = published.publish_dir / "exports"
    conn = duckdb.connect(str(published.publish_dir / "journey.duckdb"), read_only=True)
    try:
        actions = conn.execute("SELECT * FROM marts.mart_customer_actions ORDER BY customer_key, action").fetchall()
        columns = [d[0] for d in conn.description]
        parquet = conn.execute(
            f"SELECT * FROM read_parquet('{exports / 'customer_actions.parquet'}') ORDER BY customer_key, action"
        ).fetchall()
        emails = {e for (e,) in conn.execute("SELECT email_sha256 FROM marts.dim_customers").fetchall()}
    finally:
        conn.close()
    assert actions and parquet == actions
    with (exports / "customer_actions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == columns and columns[0] == "customer_key"
    assert sorted((r["customer_key"], r["action"]) for r in rows) == [(a[0], a[1]) for a in actions]
    for row in rows:
        assert all("@" not in value and value not in emails for value in row.values()), row
