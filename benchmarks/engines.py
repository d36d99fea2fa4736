"""The engines: one landing zone through ``journey run --engine duckdb|postgres|spark``.

    .venv/bin/python -m benchmarks.engines [--scales S] [--engines duckdb,postgres,spark]
        [--work-dir data/benchmarks] [--reuse-landing]

For each scale, its landing zone (the one the main benchmark generated, with ``--reuse-landing``,
or a new one) is built by one whole ``journey run --engine <engine>`` per engine, each on a new
warehouse (and, for PostgreSQL, a new database on the server of ``scripts/postgres.sh``, started
for the measurement when it is not running and stopped after). Each run is measured as a whole,
like the main benchmark's steps (``measure.py``): wall time, CPU time and peak memory of the
process tree. The PostgreSQL server's own processes are not in that tree: for it the wall time
is the figure to compare. Spark runs inside dbt's process (dbt-spark's session): its JVM's memory
is sampled with the tree, but not its CPU time, since dbt's process does not wait for the JVM.

The results go into ``benchmarks/results.json`` under ``engines`` (the other results, and the
engines' figures at scales not measured this time, are kept),
and BENCHMARKS.md is written again with its engines section (``render_section``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from .harness import PROJECT_DIR, PhaseFailed, ScaleRun, clean_env, generate
from .scales import SCALES, parse_scales

ENGINES = ("duckdb", "postgres", "spark")
POSTGRES_SCRIPT = PROJECT_DIR / "scripts" / "postgres.sh"
DATABASE = "journey_benchmark"


def _say(message: str) -> None:
    print(f"engines: {message}", file=sys.stderr, flush=True)


@contextmanager
def _postgres_database() -> Iterator[str]:
    """A new database on the local server (started when it is not running, and stopped after)."""
    import psycopg2

    from orchestration.handoff import postgres_dsn

    was_running = subprocess.run([POSTGRES_SCRIPT, "status"], capture_output=True).returncode == 0
    started = subprocess.run([POSTGRES_SCRIPT, "start"], capture_output=True, text=True, timeout=900)
    if started.returncode != 0:
        said = (started.stderr.strip() or started.stdout.strip()).splitlines()
        raise PhaseFailed(f"scripts/postgres.sh start failed: {said[-1] if said else started.returncode}")
    admin = psycopg2.connect(postgres_dsn({"JOURNEY_POSTGRES_DATABASE": "postgres"}))
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            cur.execute(f"CREATE DATABASE {DATABASE}")
        yield DATABASE
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    finally:
        admin.close()
        if not was_running:
            subprocess.run([POSTGRES_SCRIPT, "stop"], capture_output=True, timeout=120)


def _measure_engine(run: ScaleRun, engine: str) -> dict:
    folder = run.work_dir / f"engine-{engine}"
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    folder.mkdir(parents=True)
    env = {**clean_env(), "DAGSTER_HOME": str(folder / "dagster")}
    command = [sys.executable, "-m", "orchestration.cli", "run", "--engine", engine]
    command += ["--landing", str(run.landing_dir), "--warehouse", str(folder / "warehouse.duckdb")]
    if engine == "postgres":
        with _postgres_database() as database:
            m = run.measure(f"engine_{engine}", command, env={**env, "JOURNEY_POSTGRES_DATABASE": database})
    else:
        m = run.measure(f"engine_{engine}", command, env=env)
    if m.returncode != 0:
        raise PhaseFailed(f"journey run --engine {engine} failed (exit {m.returncode}); see {m.log}")
    return m.to_json()


def measure(scale_names: str, engines: Sequence[str], work_dir: Path, reuse_landing: bool) -> dict:
    """Each engine's whole run at each scale: ``{"scales": [{"scale", "customers", "runs": {engine: m}}]}``."""
    measured = []
    for scale in parse_scales(scale_names):
        run = ScaleRun(scale=scale, work_dir=work_dir / scale.name)
        run.work_dir.mkdir(parents=True, exist_ok=True)
        generate(run, reuse_landing)
        runs = {engine: _measure_engine(run, engine) for engine in engines}
        measured.append({"scale": scale.name, "customers": scale.customers, "days": scale.days, "runs": runs})
    return {"scales": measured}


def render_section(engines: Mapping) -> list[str]:
    """The engines' section of BENCHMARKS.md: each engine's whole run and its ratio to DuckDB."""
    lines = [
        "## Engines",
        "",
        "The same landing zone through one whole `journey run --engine <engine>` per engine, each on a new "
        "warehouse (`python -m benchmarks.engines`). The ratio is the engine's wall time over DuckDB's. "
        "PostgreSQL's server processes are outside the measured process tree: compare its wall time, not "
        "its CPU or memory. Spark runs in local mode inside dbt's process: its JVM's memory is in the peak, but "
        "dbt's process does not wait for the JVM it starts, so the JVM's CPU, like the PostgreSQL server's, is "
        "in the last column, the CPU the rest of the machine used meanwhile (on an idle machine, DuckDB's row "
        "shows what that is without them).",
        "",
        "| scale | engine | wall s | ratio to DuckDB | CPU s | peak memory MiB | other processes' CPU s |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for scale in engines.get("scales", []):
        runs = scale["runs"]
        duckdb_wall = runs.get("duckdb", {}).get("wall_s")
        for engine, m in runs.items():
            ratio = f"{m['wall_s'] / duckdb_wall:.1f}×" if duckdb_wall else "—"
            lines.append(
                f"| {scale['scale']} | {engine} | {m['wall_s']:.1f} | {ratio} | {m['cpu_s']:.1f} | "
                f"{m['peak_tree_rss_bytes'] / 2**20:,.0f} | {m.get('background_cpu_s', 0):.0f} |"
            )
    lines += [
        "",
        "Where Spark's time goes on one machine: a JVM and a Spark session start with the build, and every "
        "model and every dbt test is a Spark job of its own (planned, scheduled, written as Parquet, recorded "
        "in the metastore), about a second each whatever its rows, where DuckDB answers in milliseconds; its "
        "incremental models are rebuilt whole (plain Parquet tables take no DELETE). On a cluster the scans, "
        "joins and window functions over the web events spread over executors: Spark pays off when the data "
        "outgrows one machine, not before.",
        "",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engines", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="S", help="comma-separated scales (default S)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated engines (default all three)")
    parser.add_argument("--work-dir", type=Path, default=PROJECT_DIR / "data" / "benchmarks")
    parser.add_argument("--reuse-landing", action="store_true", help="keep a landing zone generated earlier")
    parser.add_argument("--results", type=Path, default=PROJECT_DIR / "benchmarks" / "results.json")
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or not engines:
        print(
            f"engines: unknown engine(s) {', '.join(unknown) or args.engines!r}; choose among {', '.join(ENGINES)}",
            file=sys.stderr,
        )
        return 2
    try:
        measured = measure(args.scales, engines, args.work_dir.absolute(), args.reuse_landing)
    except (ValueError, PhaseFailed, subprocess.CalledProcessError) as exc:
        print(f"engines: {exc}", file=sys.stderr)
        return 1
    results = json.loads(args.results.read_text(encoding="utf-8")) if args.results.exists() else {}
    # a scale measured now replaces its earlier figures; the other scales' are kept
    now = {entry["scale"] for entry in measured["scales"]}
    kept = [entry for entry in results.get("engines", {}).get("scales", []) if entry["scale"] not in now]
    order = {name: i for i, name in enumerate(SCALES)}
    results["engines"] = {"scales": sorted(kept + measured["scales"], key=lambda entry: order[entry["scale"]])}
    args.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if "environment" in results and "scales" in results:
        from .__main__ import write_report

        write_report(results, PROJECT_DIR / "BENCHMARKS.md", PROJECT_DIR / "benchmarks" / "time_vs_scale.svg")
        _say("wrote benchmarks/results.json and BENCHMARKS.md")
    else:
        print("\n".join(render_section(measured)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
