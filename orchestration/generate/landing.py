"""Entry point: write a sample landing zone in the raw-export contract."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .clock import Clock
from .messes import MessPlanter
from .rates import MessRates
from .simulation import World
from .stats import MESS_NAMES, GenerationStats
from .writers import LandingWriter

_MESS_SEED_SALT = 0x5EED_3E55


def pick_redelivered_drops(count: int, days: int, rng: random.Random) -> list[int]:
    """Days whose drop is delivered again with the next one: never the last, never two in a row."""
    candidates = list(range(days - 1))
    rng.shuffle(candidates)
    chosen: list[int] = []
    for day in candidates:
        if len(chosen) >= count:
            break
        if day - 1 not in chosen and day + 1 not in chosen:
            chosen.append(day)
    return sorted(chosen)


# First drop date of a generated landing zone unless told otherwise (fixed: same arguments, same bytes).
DEFAULT_START = date(2026, 1, 1)


def generate_landing_zone(
    out: Path,
    *,
    customers: int = 1000,
    days: int = 60,
    start: date = DEFAULT_START,
    seed: int = 42,
    rates: MessRates | None = None,
    gzip: bool = False,
    progress: Callable[[str], None] | None = None,
) -> GenerationStats:
    """Simulate ``customers`` people over ``days`` daily drops from ``start`` and write their exports to ``out``.

    Layout: ``crm/<date>/*.csv``, ``web/<date>/events-NNNN.ndjson[.gz]``,
    ``contact_centre/<date>/contacts-NNNN.ndjson[.gz]`` and ``csat_surveys.csv``.
    The same arguments give the same bytes. ``rates`` defaults to ``MessRates()``;
    ``MessRates.none()`` gives a clean landing zone. ``out`` must not already hold
    exports (FileExistsError), so that no stale file mixes with the new ones.
    """
    if customers < 1 or days < 1:
        raise ValueError("customers and days must be at least 1")
    rates = MessRates() if rates is None else rates
    began = time.perf_counter()
    out = Path(out)
    for source in ("crm", "web", "contact_centre"):
        if (out / source).is_dir() and any((out / source).iterdir()):
            raise FileExistsError(f"{out / source} already holds exports; generate into an empty folder")
    out.mkdir(parents=True, exist_ok=True)
    clock = Clock(start, days)
    mess_rng = random.Random(seed * 1_000_003 + _MESS_SEED_SALT)
    planter = MessPlanter(rates, mess_rng, clock)
    redelivered = pick_redelivered_drops(rates.redelivered_drops, days, mess_rng)
    writer = LandingWriter(
        out,
        clock,
        compress=gzip,
        redelivered=redelivered,
        csv_extra_column=planter.csv_extra_column,
        extra_cell=planter.extra_cell,
    )
    world = World(clock, random.Random(seed), planter, writer, customers)
    report_every = max(1, days // 10)
    for day in range(days):
        writer.open_day(day)
        world.run_day(day)
        writer.close_day()
        if progress and ((day + 1) % report_every == 0 and day + 1 < days):
            elapsed = time.perf_counter() - began
            progress(
                f"day {day + 1}/{days} ({clock.drop_date(day).isoformat()}): {writer.web_lines:,} web events, "
                f"{writer.bytes / 1e6:,.1f} MB, {writer.web_lines / max(elapsed, 1e-9):,.0f} web events/s"
            )
    stats = _stats(world, writer, planter, time.perf_counter() - began)
    if progress:
        progress(stats.summary())
    return stats


def _stats(world: World, writer: LandingWriter, planter: MessPlanter, seconds: float) -> GenerationStats:
    for key, count in writer.extra_column_files.items():
        planter.count(f"extra_column.{key.replace('/', '.')}", count)
    if writer.redelivered_drops:
        planter.count("redelivered_drops", writer.redelivered_drops)
    crm_rows = {key.split("/", 1)[1]: n for key, n in writer.csv_rows.items() if key.startswith("crm/")}
    planted = dict.fromkeys(MESS_NAMES, 0)
    planted.update(planter.planted())
    return GenerationStats(
        files=writer.files,
        bytes=writer.bytes,
        web_events=writer.web_lines,
        web_messages=world.web.messages,
        crm_rows=crm_rows,
        contact_records=writer.contact_lines,
        csat_surveys=writer.csv_rows["contact_centre/csat_surveys"],
        planted=planted,
        planted_detail=dict(sorted(planter.counts.items())),
        people=world.people,
        contacts_created=world.contacts,
        orders=world.orders,
        subscriptions=world.subscriptions,
        drops=writer.drops,
        seconds=seconds,
    )
