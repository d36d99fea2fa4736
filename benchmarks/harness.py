"""Measure the pipeline at each scale, always the same way.

For every scale, each step runs in its own child process (see ``measure.py``):

1. ``generate``: ``journey generate`` writes the landing zone (90 daily drops).
2. The phases, one process each, on a new warehouse: ``ingest``, ``dbt`` (build and dbt
   tests), ``validate`` (Great Expectations) and ``publish`` (``phases.py``).
3. ``journey_run``: the whole ``journey run`` on another new warehouse, then
   ``no_new_data``: ``journey run`` again with nothing new (it stops after finding nothing to
   do), and ``no_new_data_build``: the same with ``--always-build`` (the fixed cost of a run
   that ingests nothing but builds, validates and publishes).
4. ``incremental``: on a third warehouse, ``journey run`` over the first 89 drops
   (``incremental_base``), then the last drop lands and ``journey run`` loads and builds it.
5. The bare-DuckDB limit (``limit.py``): ``limit_scan``, one scan of every landing-zone file,
   and ``limit_sql``, the dbt models' compiled SQL run in dependency order by DuckDB alone on
   a copy of the raw schema (its set-up, seeds and ``dbt compile``, is measured apart).

Results go to ``results.json``; ``report.py`` turns them into BENCHMARKS.md and the plot.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .limit import prepare_bare_warehouse, scan_landing_zone
from .measure import Measurement, PhaseFailed, run_measured
from .scales import Scale

PROJECT_DIR = Path(__file__).resolve().parents[1]
PHASES = ("ingest", "dbt", "validate", "publish")
LANDING_STAMP = "benchmark-landing.json"


def _say(message: str) -> None:
    print(f"benchmark: {message}", file=sys.stderr, flush=True)


def clean_env() -> dict[str, str]:
    """This process's environment without the project's settings (each step sets its own)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("JOURNEY_", "DAGSTER_"))}


def _journey(*args: str) -> list[str]:
    return [sys.executable, "-m", "orchestration.cli", *args]


def _python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def _fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _describe(m: Measurement) -> str:
    return f"{m.phase}: {m.wall_s:.1f} s wall, {m.cpu_s:.1f} s CPU, peak {m.peak_tree_rss_bytes / 2**20:,.0f} MiB"


@dataclass
class ScaleRun:
    """Where one scale's files go, and what was measured."""

    scale: Scale
    work_dir: Path
    measurements: dict[str, Measurement] = field(default_factory=dict)
    landing: dict = field(default_factory=dict)
    limit_models: list[dict] = field(default_factory=list)
    landing_reused: bool = False

    @property
    def landing_dir(self) -> Path:
        return self.work_dir / "landing"

    @property
    def logs(self) -> Path:
        return self.work_dir / "logs"

    def measure(self, name: str, command: list[str], env: dict[str, str] | None = None, rows: int | None = None):
        _say(f"{self.scale.name}: {name} ...")
        m = run_measured(name, command, self.logs / f"{name}.log", env=env or clean_env(), cwd=PROJECT_DIR, rows=rows)
        self.measurements[name] = m
        _say(f"{self.scale.name}: {_describe(m)}")
        return m

    def to_json(self) -> dict:
        return {
            "scale": self.scale.name,
            "customers": self.scale.customers,
            "days": self.scale.days,
            "landing": self.landing,
            "measurements": {k: m.to_json() for k, m in self.measurements.items()},
            "limit_models": self.limit_models,
            "landing_reused": self.landing_reused,
        }


def _warehouse_env(warehouse: Path, landing: Path) -> dict[str, str]:
    return {**clean_env(), "JOURNEY_DUCKDB_PATH": str(warehouse), "JOURNEY_LANDING_DIR": str(landing)}


def generate(run: ScaleRun, reuse: bool) -> None:
    """Write the landing zone; with ``reuse``, keep the one a previous benchmark wrote with the
    same parameters, and that run's measurement of it."""
    stamp = run.work_dir / LANDING_STAMP
    params = {"customers": run.scale.customers, "days": run.scale.days}
    if reuse and stamp.exists() and run.landing_dir.is_dir():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved.get("params") == params:
            _say(f"{run.scale.name}: reusing the landing zone in {run.landing_dir}")
            run.measurements["generate"] = Measurement(**saved["generate"])
            run.landing_reused = True
            return
    shutil.rmtree(run.landing_dir, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    m = run.measure(
        "generate",
        _journey(
            "generate",
            "--out",
            str(run.landing_dir),
            "--customers",
            str(run.scale.customers),
            "--days",
            str(run.scale.days),
        ),
    )
    stamp.write_text(json.dumps({"params": params, "generate": m.__dict__}, indent=2) + "\n", encoding="utf-8")


def scan_limit(run: ScaleRun) -> None:
    """One scan of every landing-zone file by DuckDB: the limit of reading the raw data, and
    the record counts the rows-per-second figures use."""
    report = run.work_dir / "landing-scan.json"
    m = run.measure(
        "limit_scan",
        _python_module("benchmarks.limit", "scan", "--landing", str(run.landing_dir), "--report", str(report)),
    )
    counts = json.loads(report.read_text(encoding="utf-8"))
    run.landing = {
        "bytes": sum(f.stat().st_size for f in run.landing_dir.rglob("*") if f.is_file()),
        "files": sum(c["files"] for c in counts.values()),
        "records": sum(c["rows"] for c in counts.values()),
        "web_events": counts.get("web_events", {}).get("rows", 0),
        "entities": counts,
    }
    m.rows = run.landing["records"]
    run.measurements["generate"].rows = run.landing["web_events"]


def phases(run: ScaleRun) -> Path:
    """Each phase in its own process on a new warehouse; the warehouse after ingestion is
    copied for the bare-SQL limit. Returns that copy."""
    folder = _fresh_dir(run.work_dir / "phases")
    warehouse = folder / "warehouse.duckdb"
    env = _warehouse_env(warehouse, run.landing_dir)
    records = run.landing["records"]
    raw_copy = run.work_dir / "limit" / "raw.duckdb"
    for phase in PHASES:
        run.measure(phase, _python_module("benchmarks.phases", phase), env=env, rows=records)
        if phase == "ingest":
            _fresh_dir(raw_copy.parent)
            shutil.copyfile(warehouse, raw_copy)
    return raw_copy


def whole_runs(run: ScaleRun) -> None:
    folder = _fresh_dir(run.work_dir / "run")
    env = _warehouse_env(folder / "warehouse.duckdb", run.landing_dir)
    run.measure("journey_run", _journey("run"), env=env, rows=run.landing["records"])
    run.measure("no_new_data", _journey("run"), env=env, rows=0)
    run.measure("no_new_data_build", _journey("run", "--always-build"), env=env, rows=0)


def _link_drops(landing: Path, target: Path, drops: set[str]) -> None:
    """Make ``target`` a landing zone of the given drop folders, their files hard links to those
    of ``landing`` (copies across file systems). Not symbolic links: ingestion reads nothing whose
    real path leads outside the landing zone."""
    for source_dir in sorted(p for p in landing.iterdir() if p.is_dir()):
        for drop_dir in sorted(p for p in source_dir.iterdir() if p.is_dir() and p.name in drops):
            folder = target / source_dir.name / drop_dir.name
            if not folder.exists():
                shutil.copytree(drop_dir, folder, copy_function=_link_or_copy)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def incremental(run: ScaleRun) -> None:
    """A full build over every drop but the last, then the daily run once the last lands."""
    folder = _fresh_dir(run.work_dir / "incremental")
    landing = folder / "landing"
    drops = sorted({p.name for s in run.landing_dir.iterdir() if s.is_dir() for p in s.iterdir() if p.is_dir()})
    last = drops[-1]
    _link_drops(run.landing_dir, landing, set(drops[:-1]))
    env = _warehouse_env(folder / "warehouse.duckdb", landing)
    run.measure("incremental_base", _journey("run"), env=env)
    _link_drops(run.landing_dir, landing, {last})
    last_records = _records_in_drop(run, last)
    run.measure("incremental", _journey("run"), env=env, rows=last_records)
    run.landing["last_drop"] = {"date": last, "records": last_records}


def _records_in_drop(run: ScaleRun, drop: str) -> int:
    scratch = _fresh_dir(run.work_dir / "last-drop")
    _link_drops(run.landing_dir, scratch, {drop})
    return sum(c["rows"] for c in scan_landing_zone(scratch).values())


def bare_sql(run: ScaleRun, raw_copy: Path) -> None:
    folder = raw_copy.parent
    bare = folder / "bare.duckdb"
    manifest, setup = prepare_bare_warehouse(raw_copy, bare, folder, clean_env(), run.logs)
    for m in setup:
        run.measurements[m.phase] = m
        _say(f"{run.scale.name}: {_describe(m)}")
    report = folder / "bare-sql.json"
    run.measure(
        "limit_sql",
        _python_module(
            "benchmarks.limit",
            "bare-sql",
            "--warehouse",
            str(bare),
            "--manifest",
            str(manifest),
            "--report",
            str(report),
        ),
        rows=run.landing["records"],
    )
    run.limit_models = json.loads(report.read_text(encoding="utf-8"))["models"]
    raw_copy.unlink(missing_ok=True)


def run_scale(scale: Scale, work_dir: Path, reuse_landing: bool, keep: bool) -> ScaleRun:
    run = ScaleRun(scale=scale, work_dir=work_dir / scale.name)
    run.work_dir.mkdir(parents=True, exist_ok=True)
    generate(run, reuse_landing)
    scan_limit(run)
    raw_copy = phases(run)
    bare_sql(run, raw_copy)
    whole_runs(run)
    incremental(run)
    if not keep:
        for name in ("phases", "run", "incremental", "limit", "last-drop"):
            shutil.rmtree(run.work_dir / name, ignore_errors=True)
    return run


__all__ = ["PhaseFailed", "ScaleRun", "run_scale"]
