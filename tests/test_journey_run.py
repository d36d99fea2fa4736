"""`journey generate` then `journey run`, as an operator runs them, on a small landing zone."""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.ingestion import connect
from orchestration.ingestion.contract import ENTITIES
from orchestration.ingestion.landing import all_drop_dates
from orchestration.run import dagster_instance
from orchestration.settings import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("journey_run")]

JOURNEY = [sys.executable, "-m", "orchestration.cli"]


def _journey(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JOURNEY, *args], env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("journey")
    env = {**os.environ, "DAGSTER_HOME": str(root / "dagster")}
    env.pop("JOURNEY_LANDING_DIR", None)
    env.pop("JOURNEY_DUCKDB_PATH", None)
    done = _journey(
        ["generate", "--out", str(root / "landing"), "--customers", "150", "--days", "12", "--seed", "7"], env
    )
    assert done.returncode == 0, done.stderr
    return root, env


def _open(path: Path):
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _records_in(path: Path) -> int:
    """Records in a delivered file, counted with Python's own readers."""
    with _open(path) as fh:
        if ".ndjson" in path.name:
            return sum(1 for line in fh if line.strip())
        rows = list(csv.reader(fh))
    return sum(1 for row in rows[1:] if row)


def _raw_digest(warehouse: Path) -> str:
    conn = connect(warehouse, read_only=True)
    try:
        digest = hashlib.sha256()
        tables = [f"raw.{e.table}" for e in ENTITIES] + ["raw.quarantine", "raw.loaded_files", "raw.loaded_drops"]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall():
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def test_run_loads_every_file_and_reconciles(generated: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, env = generated
    landing = root / "landing"
    warehouse = tmp_path / "warehouse.duckdb"

    done = _journey(["run", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    assert done.returncode == 0, done.stderr
    assert "succeeded" in done.stderr
    _assert_compact(done, warehouse)

    conn = connect(warehouse, read_only=True)
    try:
        audit = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT file, records_read, records_loaded, records_quarantined FROM raw.loaded_files"
            ).fetchall()
        }
        delivered = sorted(p for p in landing.rglob("*") if p.is_file())
        assert sorted(audit) == sorted(p.relative_to(landing).as_posix() for p in delivered)
        for path in delivered:
            read, loaded, quarantined = audit[path.relative_to(landing).as_posix()]
            assert read == _records_in(path), path
            assert read == loaded + quarantined, path
        for entity in ENTITIES:
            per_file = conn.execute(f"SELECT _file, count(*) FROM raw.{entity.table} GROUP BY 1").fetchall()
            for file, count in per_file:
                assert audit[file][1] == count
        assert conn.execute("SELECT count(*) FROM raw.web_events").fetchone()[0] > 1000
        assert conn.execute("SELECT count(*) FROM raw.quarantine").fetchone()[0] > 0
        drops = conn.execute("SELECT DISTINCT drop_date FROM raw.loaded_drops ORDER BY 1").fetchall()
        assert [d for (d,) in drops] == all_drop_dates(landing)
    finally:
        conn.close()

    first = _raw_digest(warehouse)
    again = _journey(["run", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    assert again.returncode == 0, again.stderr
    assert ", 0 new or changed" in again.stderr and "ingesting" not in again.stderr
    assert _raw_digest(warehouse) == first
    reloaded = _journey(["run", "--landing", str(landing), "--warehouse", str(warehouse), "--reload"], env)
    assert reloaded.returncode == 0, reloaded.stderr
    assert "ingesting drops" in reloaded.stderr
    assert _raw_digest(warehouse) == first


def _dbt_log(done: subprocess.CompletedProcess[str], warehouse: Path) -> str:
    """The per-node dbt log the run names, which must be in logs/dbt/ next to the warehouse."""
    named = re.findall(r"per-node log: (\S+\.log)", done.stderr)
    assert named, done.stderr
    path = Path(named[-1])
    assert path.parent == warehouse.parent / "logs" / "dbt"
    return path.read_text(encoding="utf-8")


def _assert_compact(done: subprocess.CompletedProcess[str], warehouse: Path) -> None:
    """The console gets a few lines, without colour codes; dbt's per-node lines go to the log file."""
    output = done.stdout + done.stderr
    assert "\x1b[" not in output
    assert " START sql " not in output and "OK created sql" not in output
    lines = done.stderr.splitlines()
    assert len(lines) <= 18, done.stderr
    summary = re.search(
        r"dbt build: (\d+) models: (\d+) ok, 0 failed; \d+ seeds: \d+ ok, 0 failed; "
        r"(\d+) tests: (\d+) passed, 0 failed",
        done.stderr,
    )
    assert summary, done.stderr
    models, models_ok, tests, tests_passed = map(int, summary.groups())
    log = _dbt_log(done, warehouse)
    assert "\x1b[" not in log
    # the log holds dbt's line for every node the summary counts
    assert models == models_ok == len(re.findall(r"^\d+ of \d+ OK created sql \w+ model ", log, flags=re.MULTILINE))
    assert tests == tests_passed == len(re.findall(r"^\d+ of \d+ PASS ", log, flags=re.MULTILINE))


def test_a_failing_model_is_named_on_the_console_with_the_counts(tmp_path: Path) -> None:
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster")}
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    assert _journey(["generate", "--out", str(landing), "--customers", "20", "--days", "2"], env).returncode == 0
    first = _journey(["run", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    assert first.returncode == 0, first.stderr
    conn = connect(warehouse)
    try:
        conn.execute("ALTER TABLE raw.crm_deals DROP COLUMN amount")  # what stg_crm__deals reads
    finally:
        conn.close()

    done = _journey(["run", "--landing", str(landing), "--warehouse", str(warehouse), "--always-build"], env)
    assert done.returncode == 1
    assert "\x1b[" not in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert re.search(r"dbt build failed: \d+ models: \d+ ok, 1 failed, \d+ skipped;", done.stderr), done.stderr
    named = [line for line in done.stderr.splitlines() if "model stg_crm__deals: error: " in line]
    assert len(named) == 1 and '"amount"' in named[0], done.stderr
    assert len(done.stderr.splitlines()) <= 18, done.stderr
    log = _dbt_log(done, warehouse)
    assert re.search(r"^\d+ of \d+ ERROR creating sql table model staging\.stg_crm__deals", log, flags=re.MULTILINE)


def test_the_dagster_instance_logs_runs_at_info(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd) -> None:
    """What `journey dev` runs (sensors, schedule, UI launches) logs through the instance's settings."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    instance = dagster_instance(Settings(landing_dir=tmp_path / "landing", duckdb_path=tmp_path / "w.duckdb"))

    @dg.op
    def talk(context) -> None:  # not annotated: Dagster would read a string annotation here
        context.log.debug("a detail nobody needs")
        context.log.info("a step worth a line")

    @dg.job
    def chatty() -> None:
        talk()

    result = chatty.execute_in_process(instance=instance)
    assert result.success
    console = capfd.readouterr().err
    assert "a step worth a line" in console and "a detail nobody needs" not in console
    assert " - DEBUG - " not in console and "\x1b[" not in console  # no colour codes when not a terminal
    logged = [r.event_log_entry.user_message for r in instance.get_records_for_run(result.run_id).records]
    assert "a step worth a line" in logged and "a detail nobody needs" not in logged


def test_corrupted_line_is_quarantined_with_file_and_line(
    generated: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = generated
    landing = tmp_path / "landing"
    subprocess.run(["cp", "-r", str(root / "landing"), str(landing)], check=True)
    target = sorted((landing / "web").rglob("events-*.ndjson"))[0]
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2][: len(lines[2]) // 2] + "\n"
    target.write_text("".join(lines), encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"

    done = _journey(["run", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    assert done.returncode == 0, done.stderr
    conn = connect(warehouse, read_only=True)
    try:
        rel = target.relative_to(landing).as_posix()
        row = conn.execute(
            "SELECT raw_text, reason FROM raw.quarantine WHERE file = ? AND line_number = 3", [rel]
        ).fetchone()
    finally:
        conn.close()
    assert row == (lines[2].rstrip("\n"), "not valid JSON")


def test_hostile_landing_zone_is_reported_and_loads_the_rest(
    generated: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """Odd names, a link out of the landing zone, a truncated gzip and folders that are not
    drop dates: each is said in one line, and everything else loads."""
    root, env = generated
    landing = tmp_path / "landing"
    subprocess.run(["cp", "-r", str(root / "landing"), str(landing)], check=True)
    web_drops = sorted((landing / "web").iterdir())
    sample = sorted(web_drops[0].glob("events-*.ndjson"))[0]
    text = sample.read_text(encoding="utf-8")
    lines = text.count("\n")
    # each is a copy of the sample file: read once each, as itself
    odd = web_drops[1]
    for name in ["events-[1].ndjson", "events-*.ndjson"]:
        (odd / name).write_text(text, encoding="utf-8")
    (odd / "events-passwd.ndjson").symlink_to("/etc/passwd")
    broken = web_drops[2] / "events-9.ndjson.gz"
    packed = gzip.compress(text.encode() * 20)
    broken.write_bytes(packed[: len(packed) // 2])
    for name in ["2026-13-45", "latest", "2026-02-30", "2026-1-5"]:
        (landing / "web" / name).mkdir()
        (landing / "web" / name / sample.name).write_text(text, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"

    done = _journey(["run", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    rel = broken.relative_to(landing).as_posix()
    [failure] = [line for line in done.stderr.splitlines() if rel in line and "ingest_web" in line]
    assert failure == (
        f"journey run: ingest_web: {rel}: cannot be read: truncated gzip file (it ends before its end-of-stream "
        f"marker) (drop {web_drops[2].name} of web not loaded)"
    )
    warnings = [
        f"warning: {(odd / 'events-passwd.ndjson').relative_to(landing).as_posix()} is a link to /etc/passwd, "
        "outside the landing zone: not read",
        *[
            f"warning: web/{name} is not a drop date (a real date, YYYY-MM-DD): 1 file, {lines:,} lines not loaded"
            for name in ["2026-02-30", "2026-1-5", "2026-13-45", "latest"]
        ],
    ]
    for warning in warnings:
        assert f"journey run: {warning}\n" in done.stderr

    conn = connect(warehouse, read_only=True)
    try:
        loaded = conn.execute("SELECT drop_date FROM raw.loaded_drops WHERE source = 'web' ORDER BY 1").fetchall()
        per_file = dict(conn.execute("SELECT _file, count(*) FROM raw.web_events GROUP BY 1").fetchall())
        passwd = conn.execute("SELECT count(*) FROM raw.quarantine WHERE raw_text LIKE 'root:%'").fetchone()[0]
    finally:
        conn.close()
    assert [d.isoformat() for (d,) in loaded] == [d.name for d in web_drops if d != web_drops[2]]
    for name in ["events-[1].ndjson", "events-*.ndjson"]:
        assert per_file[f"web/{odd.name}/{name}"] == per_file[sample.relative_to(landing).as_posix()]
    assert passwd == 0

    status = _journey(["status", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    for warning in warnings:
        assert f"{warning}\n" in status.stdout
    assert status.returncode == 1 and "0 drops new or changed" in status.stdout
    assert f"rejected: web drop {web_drops[2].name} (rejected " in status.stdout


def test_run_fails_clearly_on_schema_drift(generated: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, env = generated
    landing = tmp_path / "landing"
    subprocess.run(["cp", "-r", str(root / "landing"), str(landing)], check=True)
    target = sorted((landing / "crm").rglob("orders.csv"))[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("ordered_at", "order_date", 1), encoding="utf-8")

    warehouse = tmp_path / "w.duckdb"
    done = _journey(["run", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    assert done.returncode == 1
    rel = target.relative_to(landing).as_posix()
    drop = target.parent.name
    assert f"{rel}: required column 'ordered_at' is missing" in done.stderr
    assert f"journey run: rejected: crm drop {drop} (rejected " in done.stderr

    # the rejected drop is not loaded again while its files stay as they are, and it is said each time
    again = _journey(["run", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    assert again.returncode == 1, again.stderr
    assert ", 0 new or changed" in again.stderr and "ingesting" not in again.stderr
    [rejected] = [line for line in again.stderr.splitlines() if "rejected: crm" in line]
    assert f"): {rel}: required column 'ordered_at' is missing (header: " in rejected
    status = _journey(["status", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    assert status.returncode == 1 and f"rejected: crm drop {drop}" in status.stdout

    # fixed, it is loaded by the next run, which succeeds
    target.write_text(text, encoding="utf-8")
    fixed = _journey(["run", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    assert fixed.returncode == 0, fixed.stderr
    assert "1 new or changed" in fixed.stderr and "rejected" not in fixed.stderr
    status = _journey(["status", "--landing", str(landing), "--warehouse", str(warehouse)], env)
    assert status.returncode == 0 and "rejected" not in status.stdout


def test_run_without_drops_says_what_to_do(tmp_path: Path) -> None:
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster")}
    (tmp_path / "empty").mkdir()
    done = _journey(["run", "--landing", str(tmp_path / "empty"), "--warehouse", str(tmp_path / "w.duckdb")], env)
    assert done.returncode == 2
    assert "no drop found" in done.stderr and "journey generate" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def _one_line_error(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    for text in expected:
        assert text in done.stderr, done.stderr


def test_bad_locations_are_one_clear_line(generated: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, env = generated
    landing = root / "landing"
    missing = tmp_path / "nowhere"
    _one_line_error(
        _journey(["run", "--landing", str(missing), "--warehouse", str(tmp_path / "w.duckdb")], env),
        f"the landing zone {missing} does not exist",
    )
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("not a folder")
    _one_line_error(
        _journey(["run", "--landing", str(a_file), "--warehouse", str(tmp_path / "w.duckdb")], env),
        "is a file, not a folder",
    )
    _one_line_error(
        _journey(["run", "--landing", str(landing), "--warehouse", str(a_file / "w.duckdb")], env),
        f"cannot create the warehouse {a_file / 'w.duckdb'}: {a_file} is a file, not a folder",
    )
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("these are notes, not a database\n" * 10)
    _one_line_error(
        _journey(["run", "--landing", str(landing), "--warehouse", str(not_duckdb)], env),
        f"{not_duckdb} is not a DuckDB database",
    )
    _one_line_error(
        _journey(["run", "--landing", str(landing), "--warehouse", str(tmp_path)], env),
        f"the warehouse {tmp_path} is a folder",
    )
    _one_line_error(
        _journey(
            ["run", "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb")],
            {**env, "DAGSTER_HOME": str(a_file / "dagster")},
        ),
        f"cannot use {a_file / 'dagster'} as the Dagster instance folder (DAGSTER_HOME)",
    )


def test_a_warehouse_in_a_folder_that_cannot_be_written_is_one_clear_line(
    generated: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = generated
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(read_only)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only file system here (needs root): {mounted.stderr.decode().strip()}")
    try:
        done = _journey(["run", "--landing", str(root / "landing"), "--warehouse", str(read_only / "w.duckdb")], env)
    finally:
        subprocess.run(["umount", str(read_only)], check=True)
    _one_line_error(
        done, f"cannot create the warehouse {read_only / 'w.duckdb'}: no permission to write in {read_only}"
    )


def test_help_lists_the_commands() -> None:
    done = subprocess.run([*JOURNEY, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "generate" in done.stdout and "run" in done.stdout


def test_generate_refuses_a_folder_that_holds_exports(generated: tuple[Path, dict[str, str]]) -> None:
    root, env = generated
    before = sorted(p.relative_to(root) for p in (root / "landing").rglob("*"))
    done = _journey(["generate", "--out", str(root / "landing"), "--customers", "5", "--days", "1"], env)
    assert done.returncode == 2
    assert "already holds exports" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.relative_to(root) for p in (root / "landing").rglob("*")) == before
