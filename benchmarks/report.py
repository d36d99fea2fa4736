"""Turn ``results.json`` into BENCHMARKS.md (tables, ratios, targets) and an SVG plot of
time against scale."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

GIB = 2**30
MIB = 2**20

ROWS = (
    ("generate", "generate the landing zone (`journey generate`)"),
    ("ingest", "ingest (Dagster assets, DuckDB readers)"),
    ("dbt", "dbt build (models and dbt tests)"),
    ("validate", "validation (Great Expectations)"),
    ("publish", "publication"),
    ("journey_run", "**whole `journey run`**, new warehouse"),
    ("no_new_data", "`journey run` with no new data (stops early)"),
    ("no_new_data_build", "`journey run --always-build` with no new data"),
    ("incremental_base", "`journey run` over all drops but the last"),
    ("incremental", "**incremental daily run** (the last drop)"),
    ("limit_scan", "limit: one DuckDB scan of the raw files"),
    ("limit_sql", "limit: compiled dbt SQL in bare DuckDB"),
    ("limit_seed", "(limit set-up: dbt seed)"),
    ("limit_compile", "(limit set-up: dbt compile)"),
)
PIPELINE_STEPS = (
    "no_new_data_build",
    "ingest",
    "dbt",
    "validate",
    "publish",
    "journey_run",
    "no_new_data",
    "incremental_base",
    "incremental",
)


@dataclass
class Target:
    name: str
    goal: str
    measured: str
    met: bool | None


def _m(scale: Mapping, name: str) -> Mapping | None:
    return scale["measurements"].get(name)


def _wall(scale: Mapping, name: str) -> float | None:
    m = _m(scale, name)
    return m["wall_s"] if m else None


def limit_seconds(scale: Mapping) -> float | None:
    scan, sql = _wall(scale, "limit_scan"), _wall(scale, "limit_sql")
    return scan + sql if scan is not None and sql is not None else None


def peak_rss(scale: Mapping) -> int | None:
    peaks = [_m(scale, s)["peak_tree_rss_bytes"] for s in PIPELINE_STEPS if _m(scale, s)]
    return max(peaks) if peaks else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def growth_exponent(small: Mapping, large: Mapping, step: str = "journey_run") -> float | None:
    """k in time ∝ events^k between two scales (1 is linear)."""
    t0, t1 = _wall(small, step), _wall(large, step)
    n0, n1 = small["landing"]["web_events"], large["landing"]["web_events"]
    if not (t0 and t1 and n0 and n1) or n0 == n1:
        return None
    return math.log(t1 / t0) / math.log(n1 / n0)


def _largest(results: Mapping) -> Mapping | None:
    return max(results["scales"], key=lambda s: s["landing"]["web_events"], default=None)


def targets(results: Mapping) -> list[Target]:
    """The targets, judged at L; a scale smaller than L shows its figure, not judged."""
    scales = {s["scale"]: s for s in results["scales"]}
    largest = _largest(results)
    judged = largest is not None and largest["scale"] == "L"
    out: list[Target] = []

    def at_largest(name: str, goal: str, value: float | None, pattern: str, met: bool | None) -> None:
        if value is None or largest is None:
            out.append(Target(name, goal, "not measured", None))
            return
        out.append(Target(name, goal, f"{pattern.format(value)} at {largest['scale']}", met if judged else None))

    ratio = _ratio(_wall(largest, "journey_run"), limit_seconds(largest)) if largest else None
    at_largest(
        "end to end vs the bare-DuckDB limit, at L",
        "≤ 1.5×",
        ratio,
        "{:.2f}×",
        None if ratio is None else ratio <= 1.5,
    )
    ingest = ingestion_ratio(largest) if largest else None
    at_largest(
        "ingestion vs one bare DuckDB scan of the same files, at L",
        "≤ 2.0×",
        ingest,
        "{:.2f}×",
        None if ingest is None else ingest <= 2.0,
    )
    share = _ratio(_wall(largest, "incremental"), _wall(largest, "journey_run")) if largest else None
    at_largest(
        "incremental daily run vs the full build, at L",
        "≤ 10 %",
        None if share is None else share * 100,
        "{:.1f} %",
        None if share is None else share <= 0.10,
    )
    rss = peak_rss(largest) if largest else None
    at_largest(
        "peak RSS (whole process tree), at L",
        "< 3 GiB",
        None if rss is None else rss / GIB,
        "{:.2f} GiB",
        None if rss is None else rss < 3 * GIB,
    )
    k = growth_exponent(scales["M"], scales["L"]) if "M" in scales and "L" in scales else None
    out.append(
        Target(
            "growth of `journey run` time from M to L (time ∝ events^k)",
            "k ≤ 1.0",
            "not measured" if k is None else f"k = {k:.2f}",
            None if k is None else k <= 1.0,
        )
    )
    overheads = [(name, _wall(s, "no_new_data")) for name, s in scales.items() if _wall(s, "no_new_data") is not None]
    worst = max(overheads, key=lambda item: item[1]) if overheads else None
    out.append(
        Target(
            "fixed overhead: `journey run` with no new data, worst scale",
            "< 20 s",
            "not measured" if worst is None else f"{worst[1]:.1f} s at {worst[0]}",
            None if worst is None else worst[1] < 20,
        )
    )
    # a building run also redoes work that grows with the data: its fixed part shows at the smallest scale
    smallest = min(results["scales"], key=lambda s: s["landing"]["web_events"], default=None)
    building = _wall(smallest, "no_new_data_build") if smallest else None
    out.append(
        Target(
            "fixed cost of a run that builds (`journey run --always-build`, no new data), at S",
            "≤ 10 s",
            "not measured" if building is None else f"{building:.1f} s at {smallest['scale']}",
            None if building is None or smallest["scale"] != "S" else building <= 10,
        )
    )
    latency = results.get("latency")
    if latency:
        seconds = latency["seconds_to_published_actions"]
        out.append(
            Target(
                f"drop to published actions with `journey dev` running, at {latency['scale']}",
                f"≤ {latency['target_seconds']} s",
                f"{seconds:.0f} s",
                seconds <= latency["target_seconds"],
            )
        )
    return out


def ingestion_ratio(scale: Mapping) -> float | None:
    """The ingest phase (through Dagster) against one bare DuckDB scan of the same files."""
    return _ratio(_wall(scale, "ingest"), _wall(scale, "limit_scan"))


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _rate(m: Mapping) -> str:
    return _num(m.get("rows_per_s"), 0) if m.get("rows") else "–"


def scale_table(scale: Mapping) -> list[str]:
    lines = [
        "| step | wall s | CPU s | other processes' CPU s | peak RSS MiB (tree) | peak RSS MiB (largest process) "
        "| records | records/s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, label in ROWS:
        m = _m(scale, name)
        if not m:
            continue
        lines.append(
            f"| {label} | {_num(m['wall_s'])} | {_num(m['cpu_s'])} | {_num(m.get('background_cpu_s'))} "
            f"| {_num(m['peak_tree_rss_bytes'] / MIB, 0)} "
            f"| {_num(m['peak_rss_bytes'] / MIB, 0)} | {_num(m['rows'], 0) if m.get('rows') else '–'} | {_rate(m)} |"
        )
    return lines


def summary_table(results: Mapping) -> list[str]:
    lines = [
        "| scale | web events | raw records | landing GB | `journey run` s | bare-DuckDB limit s | run / limit "
        "| ingest s | bare scan s | ingest / scan "
        "| incremental s | incremental / full | no new data s | no new data, building s | peak RSS GiB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for s in results["scales"]:
        full, limit, inc = _wall(s, "journey_run"), limit_seconds(s), _wall(s, "incremental")
        share = _ratio(inc, full)
        rss = peak_rss(s)
        lines.append(
            f"| {s['scale']} | {s['landing']['web_events']:,} | {s['landing']['records']:,} "
            f"| {s['landing']['bytes'] / 1e9:.2f} | {_num(full)} | {_num(limit)} | {_num(_ratio(full, limit), 2)}× "
            f"| {_num(_wall(s, 'ingest'))} | {_num(_wall(s, 'limit_scan'))} | {_num(ingestion_ratio(s), 2)}× "
            f"| {_num(inc)} | {_num(None if share is None else share * 100)} % | {_num(_wall(s, 'no_new_data'))} "
            f"| {_num(_wall(s, 'no_new_data_build'))} "
            f"| {_num(None if rss is None else rss / GIB, 2)} |"
        )
    return lines


def latency_section(results: Mapping) -> list[str]:
    """From a drop landing to its actions published, measured in the same run."""
    latency = results.get("latency")
    if not latency:
        return []
    lines = [
        "## From a drop to its actions",
        "",
        f"At {latency['scale']}, with `journey dev` running (its sensor and declarative automation, nothing "
        f"started by hand), the drop of {latency['drop']} landed and its action list was published "
        f"{latency['seconds_to_published_actions']:.0f} s later (target {latency['target_seconds']} s). "
        "The Dagster runs of the way:",
        "",
        "| job | status | started (UTC) | ended (UTC) |",
        "|---|---|---|---|",
    ]
    for run in latency.get("runs", []):
        lines.append(
            f"| {run['job']} | {run['status']} | {(run['started'] or '–')[11:19]} | {(run['ended'] or '–')[11:19]} |"
        )
    return lines


def engines_section(results: Mapping) -> list[str]:
    """The engines' comparison, rendered by ``benchmarks/engines.py`` when the results hold one."""
    if "engines" not in results:
        return []
    try:
        from .engines import render_section  # type: ignore[attr-defined]
    except ImportError:
        return []
    return list(render_section(results["engines"]))


def slowest_models(scale: Mapping, count: int = 8) -> list[str]:
    models = sorted(scale.get("limit_models", []), key=lambda m: -m["seconds"])[:count]
    if not models:
        return []
    lines = ["| model | seconds (bare DuckDB) | rows |", "|---|--:|--:|"]
    lines += [f"| {m['model']} | {m['seconds']:.2f} | {m['rows']:,} |" for m in models]
    return lines


def render_markdown(results: Mapping, plot_name: str, command: str, gaps: Sequence[str] = ()) -> str:
    env = results["environment"]
    machine, versions = env["machine"], env["versions"]
    memory = machine.get("memory_bytes")
    out = [
        "# Benchmarks",
        "",
        f"Generated by `{command}` on {env['date']} (commit {env['project'].get('commit')}"
        f"{', with uncommitted changes' if env['project'].get('uncommitted_changes') else ''}). "
        "Every step runs in its own process; wall time, CPU time (the process and its children) and "
        "peak resident memory (the sum over the process tree, sampled every 0.1 s, and the largest "
        "single process) are measured around it. Records per second count the raw records of the "
        "landing zone (all three sources) the step handles; for the incremental run, those of the "
        "last drop.",
        "",
        f"Machine: {machine['cpu_model']}, {machine['cores']} cores, "
        f"{'' if memory is None else f'{memory / GIB:.0f} GiB RAM, '}{machine['os']}.  ",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items() if v) + ".",
        "",
        "## At a glance",
        "",
        *summary_table(results),
        "",
        "The bare-DuckDB limit is one DuckDB scan of every raw file plus the compiled SQL of the same dbt "
        "models run in dependency order through DuckDB alone (no Dagster, dbt or Great Expectations, no "
        "tests, no quarantine). The incremental run loads and builds the last of the 90 daily drops "
        "after a full build of the 89 before it.",
        "",
        f"![time against scale]({plot_name})",
        "",
        "## Targets",
        "",
        "| target | goal | measured | met |",
        "|---|---|---|---|",
    ]
    for t in targets(results):
        met = "–" if t.met is None else ("yes" if t.met else "**no**")
        out.append(f"| {t.name} | {t.goal} | {t.measured} | {met} |")
    if gaps:
        out += ["", *gaps]
    for section in (latency_section(results), engines_section(results)):
        if section:
            out += ["", *section]
    load = results.get("load_average_before")
    if load:
        out += [
            "",
            f"Load average of the machine when the run started: {', '.join(f'{x:.1f}' for x in load)} (1, 5 and "
            "15 minutes); each step's table shows the CPU time other processes used while it ran.",
        ]
    for s in results["scales"]:
        out += [
            "",
            f"## {s['scale']}: {s['customers']:,} people over {s['days']} daily drops",
            "",
            *scale_table(s),
        ]
        if s.get("landing_reused"):
            reused = (
                "The landing zone was reused (`--reuse-landing`): its generate figures are those of the run "
                "that wrote it."
            )
            out += ["", reused]
        models = slowest_models(s)
        if models:
            out += ["", "Slowest models in bare DuckDB:", "", *models]
    return "\n".join(out) + "\n"


SERIES = (
    ("journey_run", "journey run (full)", "#1f77b4"),
    ("limit", "bare-DuckDB limit", "#2ca02c"),
    ("dbt", "dbt build phase", "#9467bd"),
    ("incremental", "incremental daily run", "#ff7f0e"),
    ("no_new_data", "no new data", "#7f7f7f"),
)


def _series_value(scale: Mapping, key: str) -> float | None:
    return limit_seconds(scale) if key == "limit" else _wall(scale, key)


def render_svg(results: Mapping, width: int = 720, height: int = 440) -> str:
    """Wall time against web events, both axes logarithmic."""
    scales = [s for s in results["scales"] if s["landing"]["web_events"]]
    points = {
        key: [(s["landing"]["web_events"], v) for s in scales if (v := _series_value(s, key))] for key, _, _ in SERIES
    }
    xs = [x for pts in points.values() for x, _ in pts] or [1, 10]
    ys = [y for pts in points.values() for _, y in pts] or [1, 10]
    x0, x1 = 10 ** math.floor(math.log10(min(xs))), 10 ** math.ceil(math.log10(max(xs)))
    y0, y1 = 10 ** math.floor(math.log10(min(ys))), 10 ** math.ceil(math.log10(max(ys)))
    if x0 == x1:
        x1 *= 10
    if y0 == y1:
        y1 *= 10
    left, right, top, bottom = 70, 190, 30, 50
    pw, ph = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + pw * (math.log10(x) - math.log10(x0)) / (math.log10(x1) - math.log10(x0))

    def py(y: float) -> float:
        return top + ph * (1 - (math.log10(y) - math.log10(y0)) / (math.log10(y1) - math.log10(y0)))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="18" font-size="14">Wall time against scale (log–log)</text>',
    ]
    decade = x0
    while decade <= x1:
        x = px(decade)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + ph + 16}" text-anchor="middle">{decade:,.0f}</text>')
        decade *= 10
    decade = y0
    while decade <= y1:
        y = py(decade)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{decade:g} s</text>')
        decade *= 10
    parts.append(
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>'
        f'<text x="{left + pw / 2}" y="{height - 12}" text-anchor="middle">web events in the landing zone</text>'
    )
    for i, (key, label, colour) in enumerate(SERIES):
        pts = sorted(points[key])
        if pts:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{colour}"/>' for x, y in pts]
        ly = top + 10 + 20 * i
        parts.append(
            f'<line x1="{left + pw + 15}" y1="{ly}" x2="{left + pw + 35}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2"/><text x="{left + pw + 40}" y="{ly + 4}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
