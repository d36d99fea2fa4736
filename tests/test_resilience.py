"""A bad day in production: runs killed at any moment, two runs started together, full disks.

Real `journey run` processes on a generated landing zone: a real SIGKILL of the whole process
group, a real second process, real file systems filled up (tmpfs mounted by the test, which
needs root; skipped with a message otherwise). After each, a plain `journey run` must succeed
and publish what a clean run publishes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES

from orchestration.ingestion import connect
from tests.warehouse import mart_rows

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("resilience")]

JOURNEY = [sys.executable, "-m", "orchestration.cli"]
DAYS = 6
LATER = ("2026-01-05", "2026-01-06")  # drops that land after the first run


def _env(root: Path) -> dict[str, str]:
    env = {**os.environ, "DAGSTER_HOME": str(root / "dagster")}
    for name in ("JOURNEY_LANDING_DIR", "JOURNEY_DUCKDB_PATH", "JOURNEY_PUBLISH_DIR", "JOURNEY_DATA_DOCS_DIR"):
        env.pop(name, None)
    return env


def _journey(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JOURNEY, *args], env=env, capture_output=True, text=True, timeout=900)


def _move_later_drops(src: Path, dst: Path) -> None:
    for source in ("crm", "web", "contact_centre"):
        for drop in LATER:
            if (src / source / drop).is_dir():
                (dst / source).mkdir(parents=True, exist_ok=True)
                shutil.move(src / source / drop, dst / source / drop)


def _published(publish_dir: Path) -> dict[str, list[tuple]]:
    """Every published mart, rows sorted (the publication's own metadata aside)."""
    conn = duckdb.connect(str(publish_dir / "journey.duckdb"), read_only=True)
    try:
        tables = [
            t for (t,) in conn.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        ]
        return {
            t: conn.execute(f"SELECT * FROM marts.{t} ORDER BY ALL").fetchall() for t in tables if t != "_publication"
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A landing zone, and the marts and publication of a clean run over all of it."""
    root = tmp_path_factory.mktemp("resilience")
    env = _env(root)
    landing = root / "landing"
    done = _journey(["generate", "--out", str(landing), "--customers", "80", "--days", str(DAYS), "--seed", "9"], env)
    assert done.returncode == 0, done.stderr
    clean = root / "clean" / "warehouse.duckdb"
    done = _journey(["run", "--landing", str(landing), "--warehouse", str(clean)], env)
    assert done.returncode == 0, done.stderr[-3000:]
    return {
        "root": root,
        "landing": landing,
        "marts": mart_rows(clean),
        "published": _published(clean.parent / "published"),
    }


@pytest.fixture(scope="module")
def deployed(zone: dict[str, object]) -> Path:
    """A deployment run once over the landing zone without its last drops: landing zone, later
    drops aside, warehouse with its publication, Dagster instance. Tests take copies of it."""
    root = zone["root"] / "deployed"
    landing, later = root / "landing", root / "later"
    shutil.copytree(zone["landing"], landing)
    _move_later_drops(landing, later)
    env = _env(root)
    done = _journey(["run", "--landing", str(landing), "--warehouse", str(root / "wh" / "warehouse.duckdb")], env)
    assert done.returncode == 0, done.stderr[-3000:]
    return root


def _deployment(deployed: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of the deployment in ``tmp_path`` (landing zone, later drops, warehouse, Dagster
    instance), as after its first run; the landing zone, the later drops and the warehouse."""
    for name in ("landing", "later", "wh", "dagster"):
        shutil.copytree(deployed / name, tmp_path / name, symlinks=True)
    return tmp_path / "landing", tmp_path / "later", tmp_path / "wh" / "warehouse.duckdb"


def _assert_like_a_clean_run(zone: dict[str, object], warehouse: Path) -> None:
    assert mart_rows(warehouse) == zone["marts"]
    publish_dir = warehouse.parent / "published"
    assert _published(publish_dir) == zone["published"]
    leftovers = [p for p in publish_dir.rglob("*") if ".tmp" in p.name]
    assert leftovers == []


def _run_until(args: list[str], env: dict[str, str], marker: str, delay: float) -> tuple[str, int]:
    """Start a run, SIGKILL its whole process group ``delay`` s after it prints ``marker``; its output."""
    process = subprocess.Popen(
        [*JOURNEY, *args], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, start_new_session=True
    )
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if marker in line:
            time.sleep(delay)
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    return "".join(seen), process.returncode


@pytest.mark.parametrize(
    ("phase", "marker", "delay"),
    [
        ("ingestion", ": loading drops", 0.2),
        ("dbt build", "per-node log:", 5.0),
        ("validation and publication", "validated", 0.0),
    ],
)
def test_a_run_killed_at_any_phase_is_recovered_by_a_plain_rerun(
    zone: dict[str, object], deployed: Path, tmp_path: Path, phase: str, marker: str, delay: float
) -> None:
    landing, later, warehouse = _deployment(deployed, tmp_path)
    env = _env(tmp_path)
    run = ["run", "--landing", str(landing), "--warehouse", str(warehouse)]
    _move_later_drops(later, landing)

    output, code = _run_until(run, env, marker, delay)
    assert code == -signal.SIGKILL, f"the run ended before the kill ({phase}):\n{output[-2000:]}"

    rerun = _journey(run, env)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    # the killed run, left in progress, was found and closed
    assert "closed run" in rerun.stderr, f"killed run said:\n{output[-1500:]}\nrerun said:\n{rerun.stderr[-1500:]}"
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        assert instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS_RUN_STATUSES)) == []
    _assert_like_a_clean_run(zone, warehouse)
    again = _journey(run, env)
    assert again.returncode == 0 and "nothing new" in again.stderr


def test_two_runs_started_together_load_once_and_both_succeed(
    zone: dict[str, object], deployed: Path, tmp_path: Path
) -> None:
    landing, later, warehouse = _deployment(deployed, tmp_path)
    _move_later_drops(later, landing)
    env = _env(tmp_path)
    run = [*JOURNEY, "run", "--landing", str(landing), "--warehouse", str(warehouse)]
    processes = [subprocess.Popen(run, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=900)[1] for p in processes]

    assert [p.returncode for p in processes] == [0, 0], "\n".join(o[-2000:] for o in outputs)
    waited = [o for o in outputs if "waiting for the journey run of pid" in o]
    assert len(waited) == 1
    assert "0 new or changed" in waited[0] and "nothing new" in waited[0]
    conn = connect(warehouse, read_only=True)
    try:
        loads = conn.execute("SELECT source, drop_date, count(*) FROM raw.load_log GROUP BY ALL HAVING count(*) > 1")
        assert loads.fetchall() == []
    finally:
        conn.close()
    _assert_like_a_clean_run(zone, warehouse)


@pytest.fixture
def small_disks(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """Three small file systems (tmpfs), for the warehouse, the publication and the Dagster instance."""
    mounts = {}
    try:
        for name in ("warehouse", "publication", "dagster"):
            path = tmp_path / f"disk-{name}"
            path.mkdir()
            done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(path)], capture_output=True)
            if done.returncode != 0:
                pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
            mounts[name] = path
        yield mounts
    finally:
        for path in mounts.values():
            subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(disk: Path) -> Path:
    """Fill a file system up to its last byte; the file that does it."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 8, 1):
            chunk = b"\0" * size
            try:
                while os.write(fd, chunk) > 0:
                    pass
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_is_one_line_keeps_the_publication_and_is_recovered(
    zone: dict[str, object], tmp_path: Path, small_disks: dict[str, Path]
) -> None:
    landing, later = tmp_path / "landing", tmp_path / "later"
    shutil.copytree(zone["landing"], landing)
    _move_later_drops(landing, later)
    warehouse = small_disks["warehouse"] / "warehouse.duckdb"
    publish_dir = small_disks["publication"] / "published"
    env = {
        **_env(tmp_path),
        "DAGSTER_HOME": str(small_disks["dagster"] / "home"),
        "JOURNEY_PUBLISH_DIR": str(publish_dir),
    }
    run = ["run", "--landing", str(landing), "--warehouse", str(warehouse)]
    first = _journey(run, env)
    assert first.returncode == 0, first.stderr[-3000:]
    good = json.loads((publish_dir / "publication.json").read_text())["run_id"]
    _move_later_drops(later, landing)

    for disk, what in (("warehouse", "warehouse"), ("publication", "publication"), ("dagster", "Dagster instance")):
        filler = _fill(small_disks[disk])
        try:
            failed = _journey(run, env)
        finally:
            filler.unlink()
        assert failed.returncode == 1, failed.stderr[-3000:]
        assert "Traceback" not in failed.stderr, failed.stderr[-3000:]
        full = [line for line in failed.stderr.splitlines() if "no space left on the device" in line]
        assert len(full) == 1, failed.stderr[-3000:]
        assert str(small_disks[disk]) in full[0] and what in full[0]
        assert json.loads((publish_dir / "publication.json").read_text())["run_id"] == good

    recovered = _journey(run, env)
    assert recovered.returncode == 0, recovered.stderr[-3000:]
    assert mart_rows(warehouse) == zone["marts"]
    assert _published(publish_dir) == zone["published"]
    assert [p for p in publish_dir.rglob("*") if ".tmp" in p.name] == []
