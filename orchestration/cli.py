"""The ``journey`` command: generate sample exports, run the pipeline."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from orchestration.engines import DEFAULT_ENGINE, ENGINES, engine_from
from orchestration.generate.landing import DEFAULT_START
from orchestration.settings import DEFAULT_DUCKDB_PATH, DEFAULT_LANDING_DIR, Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="journey",
        description="Customer-journey warehouse: load CRM, web and contact-centre exports into DuckDB "
        "and build the journey marts.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = sub.add_parser(
        "generate",
        help="write a realistic sample landing zone",
        description="Write a sample landing zone in the raw-export contract, messy records included. "
        "The same arguments give the same bytes.",
    )
    gen.add_argument("--out", type=Path, required=True, help="landing-zone folder to write")
    gen.add_argument("--customers", type=int, default=1000, help="people starting a journey (default 1000)")
    gen.add_argument("--days", type=int, default=60, help="number of daily drops (default 60)")
    dates = gen.add_mutually_exclusive_group()
    dates.add_argument(
        "--start", type=date.fromisoformat, default=None, help=f"first drop date (default {DEFAULT_START})"
    )
    dates.add_argument(
        "--end",
        type=_drop_date,
        default=None,
        help="last drop date instead, YYYY-MM-DD or `yesterday` (UTC), e.g. for a demo that looks current",
    )
    gen.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    gen.add_argument("--gzip", action="store_true", help="write NDJSON files gzip-compressed")
    gen.add_argument(
        "--mess-scale",
        type=float,
        default=1.0,
        help="multiply every planted-mess rate (0 gives a clean landing zone; default 1)",
    )
    gen.set_defaults(func=_generate)

    run = sub.add_parser(
        "run",
        help="ingest the new or changed drops and build everything downstream",
        description="Materialise through Dagster the drops of the landing zone that are new or changed "
        "since they were loaded, then build the models incrementally, validate and publish. "
        "Exits non-zero when anything fails.",
    )
    _location_args(run)
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every incremental model from scratch (needed after a change of model code)",
    )
    run.add_argument("--reload", action="store_true", help="ingest every drop again, not only the new or changed ones")
    run.add_argument(
        "--always-build",
        action="store_true",
        help="build, validate and publish even when nothing changed since the last successful run",
    )
    run.set_defaults(func=_run)

    accept = sub.add_parser(
        "accept-drift",
        help="publish marts held back by the drift check, after review",
        description="When the drift check (moves of NPS, CSAT or row counts against the last publication) "
        "blocks the publication, review the moves (`journey status`), then accept them: the marts are "
        "validated again, with drift beyond the limits reported as an accepted warning, and published. "
        "Every other check still blocks.",
    )
    _location_args(accept)
    accept.set_defaults(func=_accept_drift)

    status = sub.add_parser(
        "status",
        help="what is loaded, built, validated and published; why a publication is blocked",
        description="Show the landing zone's drops against what the warehouse holds, the latest runs, the "
        "current publication and the latest validation; when the publication is blocked, since when, by "
        "which checks and values, and the command that releases it. Exits 1 when the publication is blocked.",
    )
    _location_args(status)
    status.set_defaults(func=_status)

    dev = sub.add_parser(
        "dev",
        help="start the Dagster UI and daemon (schedules, sensors, automation) on the same definitions",
        description="Run `dagster dev` on the project's code location with the same landing zone, warehouse "
        "and Dagster instance as `journey run`.",
    )
    _location_args(dev)
    dev.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    dev.add_argument("--port", type=int, default=3000, help="port of the web UI (default 3000)")
    dev.set_defaults(func=_dev)
    return parser


def _drop_date(text: str) -> date:
    if text == "yesterday":
        return datetime.now(UTC).date() - timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is neither YYYY-MM-DD nor yesterday") from None


def _location_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--landing", type=Path, help=f"landing zone (default $JOURNEY_LANDING_DIR or {DEFAULT_LANDING_DIR})"
    )
    parser.add_argument(
        "--warehouse", type=Path, help=f"DuckDB file (default $JOURNEY_DUCKDB_PATH or {DEFAULT_DUCKDB_PATH})"
    )
    parser.add_argument(
        "--engine",
        help=f"where dbt builds the models: {', '.join(ENGINES)} (default $JOURNEY_ENGINE or {DEFAULT_ENGINE}); "
        "ingestion reads the landing zone with DuckDB whatever the engine",
    )


def _generate(args: argparse.Namespace) -> int:
    from orchestration.generate import MessRates, generate_landing_zone

    for name in ("customers", "days"):
        if getattr(args, name) < 1:
            print(f"journey generate: --{name} must be at least 1", file=sys.stderr)
            return 2
    if args.mess_scale < 0:
        print("journey generate: --mess-scale must not be negative", file=sys.stderr)
        return 2
    rates = MessRates().scaled(args.mess_scale)
    start = args.end - timedelta(days=args.days - 1) if args.end else args.start or DEFAULT_START
    try:
        generate_landing_zone(
            args.out,
            customers=args.customers,
            days=args.days,
            start=start,
            seed=args.seed,
            rates=rates,
            gzip=args.gzip,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    except FileExistsError as exc:
        print(f"journey generate: {exc}", file=sys.stderr)
        return 2
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    if args.landing:
        os.environ["JOURNEY_LANDING_DIR"] = str(args.landing.absolute())
    if args.warehouse:
        os.environ["JOURNEY_DUCKDB_PATH"] = str(args.warehouse.absolute())
    if args.engine:
        os.environ["JOURNEY_ENGINE"] = engine_from(args.engine)
    settings = Settings.from_env()
    # child processes (dbt, the Dagster code server) resolve the same absolute paths and engine
    os.environ["JOURNEY_LANDING_DIR"] = str(settings.landing_dir)
    os.environ["JOURNEY_DUCKDB_PATH"] = str(settings.duckdb_path)
    os.environ["JOURNEY_ENGINE"] = settings.engine
    return settings


def _run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from orchestration.run import run_pipeline

    return run_pipeline(settings, full_refresh=args.full_refresh, reload=args.reload, always_build=args.always_build)


def _accept_drift(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from orchestration.run import run_pipeline

    return run_pipeline(settings, accept_drift=True)


def _status(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from orchestration.report import print_status

    return print_status(settings)


def _dev(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from orchestration.run import prepare_dagster_home

    home = prepare_dagster_home(settings)
    dagster = Path(sys.executable).parent / "dagster"
    command = [str(dagster) if dagster.exists() else "dagster", "dev", "-m", "orchestration.definitions"]
    command += ["-h", args.host, "-p", str(args.port)]
    if not sys.stderr.isatty():
        # the services' log lines are coloured in Dagster's default format, whatever the output;
        # JSON lines carry no colour codes into a file, a pipe or a service's journal
        command += ["--log-format", "json"]
    print(f"journey dev: DAGSTER_HOME={home}; UI at http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    os.execvp(command[0], command)
    return 0  # not reached


def _log_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An error Python can only ignore (one in a finaliser, such as a generator closed after
    its step failed) goes to the debug log, not to the console as a traceback."""
    logging.getLogger("journey").debug("ignored in %r: %r", unraisable.object, unraisable.exc_value)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sys.unraisablehook = _log_unraisable
    from orchestration.errors import OutOfSpace, UserError

    try:
        return args.func(args)
    except UserError as error:
        print(f"journey {args.command}: {error}", file=sys.stderr, flush=True)
        return 2
    except OutOfSpace as error:
        print(f"journey {args.command}: {error}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print(f"journey {args.command}: interrupted", file=sys.stderr, flush=True)
        return 130


if __name__ == "__main__":
    sys.exit(main())
