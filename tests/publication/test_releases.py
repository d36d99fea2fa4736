"""The publication is one unit: releases written whole, switched in one step, purged of deleted
customers, and nothing left behind by a publication killed half-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.publication import publish_marts, purge_customers, read_publication
from orchestration.publication.publish import CURRENT, RELEASES_DIR

MARTS = ["dim_customers", "mart_cx_kpis_monthly"]


def _warehouse(path: Path, customers: int = 50) -> Path:
    """A small warehouse with the tables a publication reads."""
    conn = duckdb.connect(str(path))
    conn.execute("CREATE SCHEMA marts; CREATE SCHEMA intermediate")
    conn.execute("CREATE TABLE intermediate.int_drops_summarised AS SELECT TIMESTAMP '2026-03-01' AS as_of")
    conn.execute(
        "CREATE TABLE marts.dim_customers AS SELECT 'c-' || i AS customer_key, i % 3 = 0 AS is_known "
        f"FROM range({customers}) t(i)"
    )
    conn.execute("CREATE TABLE marts.mart_cx_kpis_monthly AS SELECT DATE '2026-02-01' AS month, 12.5 AS nps")
    conn.close()
    return path


def _release_of(publish_dir: Path) -> Path:
    return (publish_dir / CURRENT).resolve()


def _consistent(release: Path) -> str:
    """The run id of a release, after checking its three parts agree with each other."""
    meta = json.loads((release / "publication.json").read_text(encoding="utf-8"))
    conn = duckdb.connect(str(release / "journey.duckdb"), read_only=True)
    try:
        assert conn.execute("SELECT run_id FROM marts._publication").fetchone()[0] == meta["run_id"]
        for mart, rows in meta["row_counts"].items():
            assert conn.execute(f"SELECT count(*) FROM marts.{mart}").fetchone()[0] == rows
            parquet = release / "parquet" / f"{mart}.parquet"
            assert conn.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone()[0] == rows
    finally:
        conn.close()
    return meta["run_id"]


def test_each_publication_is_a_release_behind_stable_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEY_RELEASE_GRACE_SECONDS", "0")
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    publish_dir = tmp_path / "published"
    conn = duckdb.connect(str(warehouse))
    try:
        for run in ("run-0001", "run-0002", "run-0003"):
            publish_marts(conn, MARTS, publish_dir, run, {"passed": True})
            assert _consistent(_release_of(publish_dir)) == run
            for name in ("journey.duckdb", "parquet", "publication.json"):
                assert (publish_dir / name).is_symlink()
                assert (publish_dir / name).resolve().parent == _release_of(publish_dir)
    finally:
        conn.close()
    releases = sorted(p.name for p in (publish_dir / RELEASES_DIR).iterdir())
    assert len(releases) == 2 and releases[-1].endswith("run-0003")  # the current one and the one before
    assert read_publication(publish_dir)["run_id"] == "run-0003"
    reader = duckdb.connect(str(publish_dir / "journey.duckdb"), read_only=True)
    assert reader.execute("SELECT count(*) FROM marts.dim_customers").fetchone()[0] == 50
    reader.close()


def test_an_earlier_layout_is_replaced_in_place(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    publish_dir = tmp_path / "published"
    (publish_dir / "parquet").mkdir(parents=True)
    (publish_dir / "parquet" / "old.parquet").write_bytes(b"old")
    (publish_dir / "journey.duckdb").write_bytes(b"old")
    (publish_dir / "publication.json").write_text("{}")
    (publish_dir / ".journey.duckdb.some-run.tmp").write_bytes(b"left by a killed run")
    conn = duckdb.connect(str(warehouse))
    try:
        publish_marts(conn, MARTS, publish_dir, "run-0001", {"passed": True})
    finally:
        conn.close()
    assert sorted(p.name for p in publish_dir.iterdir()) == [
        "current",
        "journey.duckdb",
        "parquet",
        "publication.json",
        "releases",
    ]
    assert _consistent(_release_of(publish_dir)) == "run-0001"


PUBLISHER = textwrap.dedent(
    """
    import sys, duckdb
    from pathlib import Path
    from orchestration.publication import publish_marts
    conn = duckdb.connect(sys.argv[1])
    for i in range(int(sys.argv[3])):
        publish_marts(conn, ["dim_customers", "mart_cx_kpis_monthly"], Path(sys.argv[2]), f"run-{i:04d}", {})
        print(i, flush=True)
    """
)

READER = textwrap.dedent(
    """
    import json, os, sys, time, duckdb
    from pathlib import Path
    publish_dir, stop = Path(sys.argv[1]), Path(sys.argv[2])
    seen, problems = set(), []
    while not stop.exists():
        release = (publish_dir / "current").resolve()
        try:
            meta = json.loads((release / "publication.json").read_text())
            conn = duckdb.connect(str(release / "journey.duckdb"), read_only=True)
            run = conn.execute("SELECT run_id FROM marts._publication").fetchone()[0]
            rows = conn.execute("SELECT count(*) FROM read_parquet(?)",
                                [str(release / "parquet" / "dim_customers.parquet")]).fetchone()[0]
            conn.close()
            if run != meta["run_id"] or rows != meta["row_counts"]["dim_customers"]:
                problems.append((run, meta["run_id"], rows))
            seen.add(run)
        except Exception as exc:
            problems.append(repr(exc))
    print(json.dumps({"seen": sorted(seen), "problems": problems[:5]}))
    """
)


def test_readers_see_whole_releases_while_publications_go_on(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", customers=20_000)
    publish_dir = tmp_path / "published"
    conn = duckdb.connect(str(warehouse))
    publish_marts(conn, MARTS, publish_dir, "run-first", {})
    conn.close()
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(publish_dir), str(stop)], stdout=subprocess.PIPE, text=True
    )
    publisher = subprocess.run(
        [sys.executable, "-c", PUBLISHER, str(warehouse), str(publish_dir), "12"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    assert publisher.returncode == 0, publisher.stderr
    report = json.loads(out)
    assert report["problems"] == []
    assert len(report["seen"]) >= 2  # the reader read while releases were switched


@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3, 0.5, 0.8])
def test_a_publication_killed_half_way_leaves_the_last_one_and_nothing_else(
    tmp_path: Path, delay: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", customers=200_000)
    publish_dir = tmp_path / "published"
    conn = duckdb.connect(str(warehouse))
    publish_marts(conn, MARTS, publish_dir, "run-good", {})
    conn.close()
    publisher = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(warehouse), str(publish_dir), "1000"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert publisher.stdout is not None and publisher.stdout.readline().strip() == "0"
    time.sleep(delay)
    os.killpg(publisher.pid, signal.SIGKILL)
    publisher.wait(timeout=60)

    # whatever moment the kill hit, the published paths lead to one whole release
    killed_at = _consistent(_release_of(publish_dir))
    assert killed_at.startswith("run-")
    monkeypatch.setenv("JOURNEY_RELEASE_GRACE_SECONDS", "0")
    conn = duckdb.connect(str(warehouse))
    try:
        publish_marts(conn, MARTS, publish_dir, "run-after", {})
    finally:
        conn.close()
    assert _consistent(_release_of(publish_dir)) == "run-after"
    leftovers = [p for p in publish_dir.rglob("*") if ".tmp" in p.name or p.name.endswith(".wal")]
    assert leftovers == []
    assert len(list((publish_dir / RELEASES_DIR).iterdir())) == 2


def test_a_superseded_release_stays_readable_for_the_grace_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    publish_dir = tmp_path / "published"
    monkeypatch.setenv("JOURNEY_RELEASE_GRACE_SECONDS", "3600")
    conn = duckdb.connect(str(warehouse))
    try:
        first = None
        for run in ("run-0001", "run-0002", "run-0003", "run-0004"):
            publish_marts(conn, MARTS, publish_dir, run, {})
            first = first or _release_of(publish_dir)
        # a reader that resolved the first release three publications ago can still read it
        assert _consistent(first) == "run-0001"
        assert len(list((publish_dir / RELEASES_DIR).iterdir())) == 4
        monkeypatch.setenv("JOURNEY_RELEASE_GRACE_SECONDS", "0")
        publish_marts(conn, MARTS, publish_dir, "run-0005", {})
    finally:
        conn.close()
    releases = sorted(p.name for p in (publish_dir / RELEASES_DIR).iterdir())
    assert [r.rsplit("-", 1)[-1] for r in releases] == ["0004", "0005"]


def test_purge_removes_deleted_customers_from_the_current_publication(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    publish_dir = tmp_path / "published"
    conn = duckdb.connect(str(warehouse))
    try:
        publish_marts(conn, MARTS, publish_dir, "run-0001", {"passed": True})
    finally:
        conn.close()
    before = _release_of(publish_dir)

    removed = purge_customers(publish_dir, ["c-3", "c-7", "c-unknown"], "run-0002")

    assert removed == 2
    assert _release_of(publish_dir) != before
    assert _consistent(_release_of(publish_dir)) == "run-0001"  # the same marts, minus those rows
    meta = read_publication(publish_dir)
    assert meta["row_counts"]["dim_customers"] == 48
    [purge] = meta["purges"]
    assert purge["by_run"] == "run-0002" and purge["rows_removed"] == {"dim_customers": 2}
    reader = duckdb.connect(str(publish_dir / "journey.duckdb"), read_only=True)
    try:
        keys = {k for (k,) in reader.execute("SELECT customer_key FROM marts.dim_customers").fetchall()}
        parquet = publish_dir / "parquet" / "dim_customers.parquet"
        in_parquet = {k for (k,) in reader.execute(f"SELECT customer_key FROM read_parquet('{parquet}')").fetchall()}
    finally:
        reader.close()
    assert {"c-3", "c-7"}.isdisjoint(keys | in_parquet) and "c-4" in keys and len(in_parquet) == 48
    assert purge_customers(publish_dir, ["c-3"], "run-0003") == 0  # nothing left to remove: no new release
    assert len(read_publication(publish_dir)["purges"]) == 1
