"""Simulated time: epoch milliseconds, day indices and fast ISO-8601 formatting."""

from __future__ import annotations

from datetime import date, timedelta

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MINUTE_MS = 60_000
_EPOCH = date(1970, 1, 1)


def offset_suffix(offset_minutes: int, zulu: bool = True) -> str:
    """ISO-8601 offset text: ``Z`` (or ``+00:00``), ``+01:00``, ``-05:00``."""
    if offset_minutes == 0 and zulu:
        return "Z"
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


class Clock:
    """Maps day indices of the generation window to epoch milliseconds and formats instants.

    Day 0 is the first drop date; every day is a UTC calendar day.
    """

    def __init__(self, start: date, days: int) -> None:
        self.start = start
        self.days = days
        self.start_ms = (start - _EPOCH).days * DAY_MS
        self.end_ms = self.start_ms + days * DAY_MS
        self._date_prefix: dict[int, str] = {}
        self._hms = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]
        self._millis = [f".{m:03d}" for m in range(1000)]

    def day_start(self, day: int) -> int:
        return self.start_ms + day * DAY_MS

    def day_of(self, ms: int) -> int:
        """Index of the UTC day holding ``ms`` (may be outside the window)."""
        return (ms - self.start_ms) // DAY_MS

    def drop_date(self, day: int) -> date:
        return self.start + timedelta(days=day)

    def weekday(self, day: int) -> int:
        """Monday is 0."""
        return (self.start.weekday() + day) % 7

    def _prefix(self, epoch_day: int) -> str:
        prefix = self._date_prefix.get(epoch_day)
        if prefix is None:
            prefix = (_EPOCH + timedelta(days=epoch_day)).isoformat() + "T"
            self._date_prefix[epoch_day] = prefix
        return prefix

    def local(self, ms: int, offset_minutes: int, suffix: str) -> str:
        """``ms`` in local time with milliseconds, e.g. ``2026-01-05T09:12:03.120+01:00``."""
        local = ms + offset_minutes * MINUTE_MS
        epoch_day = local // DAY_MS
        rest = local - epoch_day * DAY_MS
        second = rest // 1000
        prefix = self._date_prefix.get(epoch_day) or self._prefix(epoch_day)
        return prefix + self._hms[second] + self._millis[rest - second * 1000] + suffix

    def utc(self, ms: int) -> str:
        """``ms`` in UTC with milliseconds and ``Z``."""
        return self.local(ms, 0, "Z")

    def utc_seconds(self, ms: int) -> str:
        """``ms`` in UTC to the second with ``Z`` (contact trace records)."""
        epoch_day, rest = divmod(ms, DAY_MS)
        return self._prefix(epoch_day) + self._hms[rest // 1000] + "Z"
