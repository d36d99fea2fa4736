"""Exports: a mart also published as Parquet and CSV files keyed by customer_key, in the same
release as the rest, and purged of deleted customers with it."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from orchestration.publication import PublicationError, publish_marts, purge_customers, read_publication


def _warehouse(path: Path) -> Path:
    conn = duckdb.connect(str(path))
    conn.execute("CREATE SCHEMA marts; CREATE SCHEMA intermediate")
    conn.execute("CREATE TABLE intermediate.int_drops_summarised AS SELECT TIMESTAMP '2026-03-01' AS as_of")
    conn.execute(
        "CREATE TABLE marts.mart_customer_actions AS SELECT 'c-' || i AS customer_key, 'win_back' AS action, "
        "'subscription_cancelled' AS reason, TIMESTAMP '2026-02-20 10:00:00' + i * INTERVAL 1 HOUR AS triggered_at "
        "FROM range(5) t(i)"
    )
    conn.execute("CREATE TABLE marts.dim_customers AS SELECT 'c-' || i AS customer_key FROM range(5) t(i)")
    conn.close()
    return path


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _publish(warehouse: Path, publish_dir: Path, exports: dict[str, str]) -> None:
    conn = duckdb.connect(str(warehouse))
    try:
        publish_marts(
            conn, ["mart_customer_actions", "dim_customers"], publish_dir, "run-0001", {"passed": True}, exports
        )
    finally:
        conn.close()


def test_exports_are_published_as_parquet_and_csv_and_purged(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    publish_dir = tmp_path / "published"
    _publish(warehouse, publish_dir, {"mart_customer_actions": "customer_actions"})

    exports = publish_dir / "exports"
    assert exports.resolve().parent == (publish_dir / "current").resolve()
    rows = _csv_rows(exports / "customer_actions.csv")
    assert [r["customer_key"] for r in rows] == ["c-0", "c-1", "c-2", "c-3", "c-4"]
    assert rows[1] == {
        "customer_key": "c-1",
        "action": "win_back",
        "reason": "subscription_cancelled",
        "triggered_at": "2026-02-20T11:00:00Z",
    }
    parquet = exports / "customer_actions.parquet"
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone()[0] == 5
    meta = read_publication(publish_dir)
    assert meta["exports"] == {"mart_customer_actions": "customer_actions"}

    assert purge_customers(publish_dir, ["c-1", "c-4"], "run-0002") == 4  # 2 actions, 2 customers

    assert [r["customer_key"] for r in _csv_rows(exports / "customer_actions.csv")] == ["c-0", "c-2", "c-3"]
    kept = {k for (k,) in duckdb.sql(f"SELECT customer_key FROM read_parquet('{parquet}')").fetchall()}
    assert kept == {"c-0", "c-2", "c-3"}


def test_an_export_of_a_mart_not_published_is_refused(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    with pytest.raises(PublicationError, match="fct_nothing"):
        _publish(warehouse, tmp_path / "published", {"fct_nothing": "nothing"})
