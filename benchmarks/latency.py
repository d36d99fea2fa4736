"""From a drop landing to its actions published, with ``journey dev`` running.

    .venv/bin/python -m benchmarks.latency [--scale S] [--work-dir data/benchmarks] [--reuse-landing]

1. The scale's landing zone (generated, or reused with ``--reuse-landing``) without its last
   drop is built by ``journey run`` (not measured).
2. ``journey dev`` starts on that warehouse: the webserver and the daemon run the new-drop
   sensor and the declarative automation, nothing else is started by hand.
3. The last drop lands: its folders appear in the landing zone, each by one rename (as a
   transfer tool that writes to a temporary name and renames does).
4. The clock stops when the publication's ``as_of`` reaches the end of that drop and its action
   list (``exports/customer_actions.csv``) is in the same release.

The result goes to ``benchmarks/latency.json``: the drop, the seconds from landing to the
published actions, and when each Dagster run of the way started and ended.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from .harness import PROJECT_DIR, clean_env
from .scales import SCALES

RESULT = PROJECT_DIR / "benchmarks" / "latency.json"
TARGET_SECONDS = 120
TIMEOUT_SECONDS = 1800


def _say(message: str) -> None:
    print(f"latency: {message}", file=sys.stderr, flush=True)


def _journey(*args: str) -> list[str]:
    return [sys.executable, "-m", "orchestration.cli", *args]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _drops(landing: Path) -> list[str]:
    return sorted({d.name for s in landing.iterdir() if s.is_dir() for d in s.iterdir() if d.is_dir()})


def _copy_drops(landing: Path, target: Path, drops: set[str], renamed: bool = False) -> None:
    """Copy the given drop folders of every source; with ``renamed``, each appears at once."""
    for source_dir in sorted(p for p in landing.iterdir() if p.is_dir()):
        for drop_dir in sorted(p for p in source_dir.iterdir() if p.is_dir() and p.name in drops):
            final = target / source_dir.name / drop_dir.name
            final.parent.mkdir(parents=True, exist_ok=True)
            if renamed:
                partial = final.with_name(f".{drop_dir.name}.partial")
                shutil.copytree(drop_dir, partial)
                os.rename(partial, final)
            else:
                shutil.copytree(drop_dir, final)


def _published(publish_dir: Path) -> tuple[str | None, bool]:
    """The as_of of the current publication and whether its release holds the action list."""
    try:
        release = (publish_dir / "current").resolve(strict=True)
        meta = json.loads((release / "publication.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, False
    return meta.get("as_of"), (release / "exports" / "customer_actions.csv").exists()


def _runs(dagster_home: Path) -> list[dict]:
    """Start and end of every run the instance recorded, oldest first."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(dagster_home)
    with dg.DagsterInstance.get() as instance:
        records = instance.get_run_records()
        return [
            {
                "job": r.dagster_run.job_name,
                "status": r.dagster_run.status.value,
                "started": datetime.fromtimestamp(r.start_time, UTC).isoformat() if r.start_time else None,
                "ended": datetime.fromtimestamp(r.end_time, UTC).isoformat() if r.end_time else None,
            }
            for r in sorted(records, key=lambda r: r.create_timestamp)
        ]


def measure(scale_name: str, work_dir: Path, reuse_landing: bool) -> dict:
    scale = SCALES[scale_name]
    folder = work_dir / scale.name
    source = folder / "landing"
    if not (reuse_landing and source.is_dir()):
        shutil.rmtree(source, ignore_errors=True)
        _say(f"generating the {scale.name} landing zone")
        subprocess.run(
            _journey("generate", "--out", str(source), "--customers", str(scale.customers), "--days", str(scale.days)),
            check=True,
            env=clean_env(),
            cwd=PROJECT_DIR,
        )
    drops = _drops(source)
    last = drops[-1]
    root = folder / "latency"
    shutil.rmtree(root, ignore_errors=True)
    landing, warehouse, dagster_home = root / "landing", root / "warehouse.duckdb", root / "dagster"
    _copy_drops(source, landing, set(drops[:-1]))
    env = {**clean_env(), "DAGSTER_HOME": str(dagster_home)}
    _say(f"building the warehouse on {len(drops) - 1} drops")
    subprocess.run(
        _journey("run", "--landing", str(landing), "--warehouse", str(warehouse)),
        check=True,
        env=env,
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
    )
    publish_dir = warehouse.parent / "published"
    expected_as_of = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
    log = root / "journey-dev.log"
    port = _free_port()
    with log.open("w", encoding="utf-8") as out:
        dev = subprocess.Popen(
            _journey("dev", "--landing", str(landing), "--warehouse", str(warehouse), "--port", str(port)),
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        time.sleep(30)  # the webserver and the daemon start; their first ticks find nothing new
        _say(f"drop {last} lands")
        landed = time.monotonic()
        landed_at = datetime.now(UTC)
        _copy_drops(source, landing, {last}, renamed=True)
        while True:
            as_of, has_actions = _published(publish_dir)
            if as_of is not None and as_of.startswith(expected_as_of) and has_actions:
                break
            if dev.poll() is not None:
                raise RuntimeError(f"journey dev exited with {dev.returncode}; see {log}")
            if time.monotonic() - landed > TIMEOUT_SECONDS:
                raise RuntimeError(f"no publication of drop {last} within {TIMEOUT_SECONDS} s; see {log}")
            time.sleep(1)
        seconds = time.monotonic() - landed
    finally:
        os.killpg(dev.pid, signal.SIGTERM)
        try:
            dev.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(dev.pid, signal.SIGKILL)
            dev.wait()
    _say(f"actions of drop {last} published {seconds:.0f} s after it landed (target {TARGET_SECONDS} s)")
    runs = [r for r in _runs(dagster_home) if r["started"] and r["started"] >= landed_at.isoformat()]
    return {
        "scale": scale.name,
        "customers": scale.customers,
        "drop": last,
        "landed_at": landed_at.isoformat(timespec="seconds"),
        "seconds_to_published_actions": round(seconds, 1),
        "target_seconds": TARGET_SECONDS,
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.latency", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", choices=sorted(SCALES))
    parser.add_argument("--work-dir", type=Path, default=PROJECT_DIR / "data" / "benchmarks")
    parser.add_argument("--reuse-landing", action="store_true", help="keep a landing zone generated earlier")
    parser.add_argument("--result", type=Path, default=RESULT)
    args = parser.parse_args(argv)
    try:
        result = measure(args.scale, args.work_dir.absolute(), args.reuse_landing)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"latency: {error}", file=sys.stderr)
        return 1
    args.result.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    _say(f"wrote {args.result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
