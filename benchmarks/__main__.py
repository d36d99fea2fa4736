"""``python -m benchmarks``: measure the pipeline at scales S, M and L and write the results.

    .venv/bin/python -m benchmarks                       # S, M and L (about 45 minutes on 2 cores)
    .venv/bin/python -m benchmarks --scales S            # one scale
    .venv/bin/python -m benchmarks report                # BENCHMARKS.md and the plot again from the JSON
    .venv/bin/python -m benchmarks fixed-cost            # where a run's fixed cost goes (fixed_cost.py)

After the scales, the same run measures the latency from a drop landing to its actions
published with ``journey dev`` running (``latency.py``, at the smallest scale measured;
``--no-latency`` leaves it out). Writes ``benchmarks/results.json`` (paths in it are relative to
the project), ``benchmarks/latency.json``, ``BENCHMARKS.md`` and ``benchmarks/time_vs_scale.svg``.
Landing zones and warehouses go to ``--work-dir`` (default ``data/benchmarks``; L needs
about 40 GB of disk).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from . import latency
from .environment import describe, load_average
from .harness import PROJECT_DIR, PhaseFailed, run_scale
from .report import render_markdown, render_svg
from .scales import SCALES, parse_scales

RESULTS = PROJECT_DIR / "benchmarks" / "results.json"
PLOT = PROJECT_DIR / "benchmarks" / "time_vs_scale.svg"
MARKDOWN = PROJECT_DIR / "BENCHMARKS.md"
ANALYSIS = PROJECT_DIR / "benchmarks" / "analysis.md"
COMMAND = "./scripts/benchmark.sh"


def write_report(results: dict, markdown: Path, plot: Path) -> None:
    plot.write_text(render_svg(results), encoding="utf-8")
    # the reading of the figures, kept by hand next to the generated tables
    gaps = ANALYSIS.read_text(encoding="utf-8").rstrip().splitlines() if ANALYSIS.exists() else []
    relative_plot = plot.relative_to(markdown.parent) if plot.is_relative_to(markdown.parent) else plot
    command = results.get("command", COMMAND)
    markdown.write_text(render_markdown(results, str(relative_plot), command, gaps), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["fixed-cost"]:
        from .fixed_cost import main as fixed_cost

        return fixed_cost(given[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("action", nargs="?", choices=("run", "report"), default="run")
    parser.add_argument("--scales", default="S,M,L", help=f"comma-separated, among {', '.join(SCALES)}")
    parser.add_argument("--work-dir", type=Path, default=PROJECT_DIR / "data" / "benchmarks")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--markdown", type=Path, default=MARKDOWN)
    parser.add_argument("--plot", type=Path, default=PLOT)
    parser.add_argument(
        "--reuse-landing",
        action="store_true",
        help="keep a landing zone generated earlier with the same parameters (and its generate figures)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the warehouses after measuring")
    parser.add_argument("--no-latency", action="store_true", help="leave out the drop-to-action latency")
    args = parser.parse_args(argv)

    if args.action == "report":
        results = json.loads(args.results.read_text(encoding="utf-8"))
        write_report(results, args.markdown, args.plot)
        print(f"wrote {args.markdown} and {args.plot}", file=sys.stderr)
        return 0

    try:
        scales = parse_scales(args.scales)
    except ValueError as exc:
        parser.error(str(exc))
    given = list(sys.argv[1:] if argv is None else argv)
    results: dict = {
        "command": " ".join([COMMAND, *given]),
        "environment": describe(PROJECT_DIR),
        "load_average_before": load_average(),
        "scales": [],
    }
    for scale in scales:
        try:
            run = run_scale(scale, args.work_dir.absolute(), args.reuse_landing, args.keep)
        except PhaseFailed as exc:
            print(f"benchmark: {exc}", file=sys.stderr)
            return 1
        results["scales"].append(run.to_json())
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        write_report(results, args.markdown, args.plot)
    if not args.no_latency:
        try:
            # the smallest scale's landing zone was written above: it is reused
            results["latency"] = latency.measure(scales[0].name, args.work_dir.absolute(), reuse_landing=True)
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"benchmark: latency: {exc}", file=sys.stderr)
            return 1
        latency.RESULT.write_text(json.dumps(results["latency"], indent=2) + "\n", encoding="utf-8")
        args.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        write_report(results, args.markdown, args.plot)
    print(f"benchmark: wrote {args.results}, {args.markdown} and {args.plot}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
