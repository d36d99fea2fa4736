"""Daily partitions keyed by drop date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import dagster as dg

from orchestration.ingestion.landing import all_drop_dates
from orchestration.settings import Settings

DEFAULT_FIRST_DROP = date(2026, 1, 1)


def drop_partitions(settings: Settings) -> dg.DailyPartitionsDefinition:
    """One partition per drop date.

    The first partition is ``JOURNEY_FIRST_DROP_DATE``, else the earliest drop in the landing
    zone. The last is the last complete day (UTC): the drop of yesterday, due by 09:00 UTC today
    (see ``orchestration/defs/freshness.py``); today's drop has no partition until today ends. When
    the landing zone already holds later drops (sample data generated for future dates), the
    partitions run to the latest of them.
    """
    today = datetime.now(UTC).date()  # the partitions' end moves with the clock (end_offset)
    drops = all_drop_dates(settings.landing_dir)
    if settings.first_drop_date:
        first = date.fromisoformat(settings.first_drop_date)
    else:
        first = drops[0] if drops else min(DEFAULT_FIRST_DROP, today)
    # drops dated today or later (sample data for future dates) extend the partitions to the latest
    ahead = (drops[-1] - today).days + 1 if drops and drops[-1] >= today else 0
    return dg.DailyPartitionsDefinition(start_date=first.isoformat(), end_offset=ahead)


def drops_in_window(window: dg.TimeWindow) -> list[date]:
    """The drop dates of a partition time window (end exclusive)."""
    first = window.start.date()
    days = (window.end.date() - first).days
    return [first + timedelta(days=i) for i in range(days)]
