"""Where the fixed cost of a run that builds goes, on a tiny landing zone.

    .venv/bin/python -m benchmarks fixed-cost              # a zone of 30 people and 3 drops
    .venv/bin/python -m benchmarks fixed-cost --rounds 3   # the median of 3 measured runs

A tiny zone is generated and loaded by a first ``journey run`` (not measured). Then, in fresh
processes: the import of ``orchestration.run`` and of Great Expectations, the load of the
definitions, and ``journey run --always-build`` (it ingests nothing, then builds, validates
and publishes). That run is cut into phases from the timestamps the run itself records: the
Dagster run's events (in its instance, ``DAGSTER_HOME``) and dbt's JSON log (in the
invocation's target folder). It prints one table of phases, in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from .harness import PROJECT_DIR, clean_env

CUSTOMERS, DAYS = 30, 3
_TIMED_IMPORT = ("import sys, time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)",)
_DEFINITIONS = (
    "import time; t = time.perf_counter(); "
    "from orchestration.definitions import build_definitions; from orchestration.settings import Settings; "
    "i = time.perf_counter(); build_definitions(Settings.from_env()); print(time.perf_counter() - i)"
)
# the run's phases, read from its Dagster events and dbt log (see phases_of_run)
_RUN_READER = """
import json, sys
import dagster as dg
instance = dg.DagsterInstance.get()
run = instance.get_runs(limit=1)[0]
events = [
    (e.timestamp, e.dagster_event.event_type_value, e.step_key or "")
    for e in instance.all_logs(run.run_id)
    if e.dagster_event is not None
]
print(json.dumps({"run_id": run.run_id, "events": events}))
"""


def _say(message: str) -> None:
    print(f"fixed cost: {message}", file=sys.stderr, flush=True)


def _env(work: Path) -> dict[str, str]:
    return {
        **clean_env(),
        "JOURNEY_LANDING_DIR": str(work / "landing"),
        "JOURNEY_DUCKDB_PATH": str(work / "warehouse" / "warehouse.duckdb"),
        "DAGSTER_HOME": str(work / "warehouse" / "dagster"),
    }


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"fixed cost: a measurement failed: {done.stderr.strip().splitlines()[-1:]}")
    return done.stdout.strip().splitlines()[-1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _journey(args: list[str], env: dict[str, str]) -> float:
    """Run ``journey``; its CPU seconds (user and system, dbt's process included)."""
    cpu = _children_cpu()
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True
    )
    if done.returncode:
        tail = "\n".join(done.stderr.strip().splitlines()[-10:])
        raise SystemExit(f"fixed cost: journey {' '.join(args)} failed:\n{tail}")
    return _children_cpu() - cpu


def _dbt_log(run_id: str) -> list[tuple[float, str]]:
    """(timestamp, event code) of the dbt invocation of a run."""
    folders = sorted((PROJECT_DIR / "target").glob(f"dbt_journey_models-{run_id[:7]}-*/dbt.log"))
    if not folders:
        return []
    rows = []
    for line in folders[-1].read_text(encoding="utf-8").splitlines():
        info = json.loads(line)["info"]
        rows.append((datetime.fromisoformat(info["ts"].replace("Z", "+00:00")).timestamp(), info["code"]))
    return rows


def phases_of_run(events: list, dbt_log: list[tuple[float, str]], started: float, ended: float) -> dict[str, float]:
    """The seconds of each phase of one ``journey run``, from its process start and end (epoch
    seconds), its Dagster events (timestamp, event type, step key) and its dbt log."""
    first = {}
    last = {}
    for ts, kind, step in events:
        first.setdefault((kind, step), ts)
        last[(kind, step)] = ts
    run_start = first.get(("PIPELINE_START", ""), first.get(("RUN_START", "")))
    run_end = first.get(("PIPELINE_SUCCESS", ""), first.get(("RUN_SUCCESS", "")))
    steps = {step for (kind, step) in first if kind == "STEP_START"}
    phases = {
        "before the Dagster run (imports, definitions, instance)": min(ts for ts, *_ in events) - started,
        "Dagster run start (run created to run started)": run_start - min(ts for ts, *_ in events),
    }
    previous = run_start
    for step in sorted(steps, key=lambda s: first[("STEP_START", s)]):
        begin, end = first[("STEP_START", step)], last.get(("STEP_SUCCESS", step), last[("STEP_START", step)])
        phases[f"between steps (before {step})"] = begin - previous
        if step.startswith("dbt_journey_models") and dbt_log:
            parsed = next((ts for ts, code in dbt_log if code == "W006"), dbt_log[0][0])  # "Found N models"
            done = next((ts for ts, code in dbt_log if code == "Q039"), dbt_log[-1][0])  # "Command succeeded"
            phases["  dbt step: set-up until dbt's first line"] = dbt_log[0][0] - begin
            reused = not any(code == "I024" for _, code in dbt_log)  # "Unable to do partial parsing"
            phases[f"  dbt step: dbt start and parse ({'saved parse reused' if reused else 'full parse'})"] = (
                parsed - dbt_log[0][0]
            )
            phases["  dbt step: models, seeds and tests"] = done - parsed
            phases["  dbt step: after dbt (events, artifacts)"] = end - done
        else:
            phases[f"step {step}"] = end - begin
        previous = end
    phases["after the steps (run end)"] = (run_end or previous) - previous
    phases["after the Dagster run (process exit)"] = ended - (run_end or previous)
    return {name: seconds for name, seconds in phases.items() if not name.startswith("between") or seconds >= 0.05}


def measure(work: Path, rounds: int) -> dict[str, list[float]]:
    env = _env(work)
    landing = work / "landing"
    if not landing.exists():
        _say(f"generating a zone of {CUSTOMERS} people and {DAYS} drops in {landing}")
        _journey(["generate", "--out", str(landing), "--customers", str(CUSTOMERS), "--days", str(DAYS)], env)
    if not (work / "warehouse" / "warehouse.duckdb").exists():
        _say("first run (loads the zone; not measured)")
        _journey(["run"], env)
    table: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        table.setdefault(name, []).append(seconds)

    for round_ in range(1, rounds + 1):
        _say(f"round {round_} of {rounds}")
        add(
            "import orchestration.run (fresh process)",
            float(_python(_TIMED_IMPORT[0].format(module="orchestration.run"), env)),
        )
        add(
            "import great_expectations (fresh process)",
            float(_python(_TIMED_IMPORT[0].format(module="great_expectations"), env)),
        )
        add("definitions load (after imports)", float(_python(_DEFINITIONS, env)))
        load = os.getloadavg()[0]
        started = time.time()
        cpu = _journey(["run", "--always-build"], env)
        ended = time.time()
        run = json.loads(_python(_RUN_READER, env))
        for name, seconds in phases_of_run(run["events"], _dbt_log(run["run_id"]), started, ended).items():
            add(name, seconds)
        add("journey run --always-build, whole", ended - started)
        add("  its CPU time (user and system, dbt's process included)", cpu)
        add("load average at its start (2 idle cores: under 2)", load)
    return table


def render(table: dict[str, list[float]]) -> str:
    width = max(len(name) for name in table)
    lines = [f"{'phase':<{width}}  median s  (rounds)", "-" * (width + 20)]
    for name, values in table.items():
        rounds = ", ".join(f"{v:.1f}" for v in values)
        lines.append(f"{name:<{width}}  {statistics.median(values):8.1f}  ({rounds})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks fixed-cost", description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", type=Path, default=PROJECT_DIR / "data" / "benchmarks" / "fixed_cost")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the table as JSON")
    args = parser.parse_args(argv)
    work = args.work_dir.absolute()
    work.mkdir(parents=True, exist_ok=True)
    _say(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    table = measure(work, max(1, args.rounds))
    print(render(table))
    if args.json:
        args.json.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    return 0
