"""The benchmark scales: how many people and days of sample exports each one generates.

The generator's web-event count grows with the number of people (``--customers``) for a
given number of daily drops (``--days``): about 48 web events per person over 90 days.
Every scale keeps 90 daily drops, so the scales differ by data volume only, not by the
number of partitions, and the last drop (the incremental run's new data) is about 1/90 of
the whole.
"""

from __future__ import annotations

from dataclasses import dataclass

DAYS = 90
WEB_EVENTS_PER_CUSTOMER = 48.2
# Landing-zone bytes per web event, CRM and contact-centre exports included (uncompressed
# NDJSON and CSV); about 9 times less with --gzip.
LANDING_BYTES_PER_EVENT = 830
GZIP_RATIO = 8.0


@dataclass(frozen=True)
class Scale:
    name: str
    target_web_events: int
    customers: int
    days: int = DAYS


SCALES: dict[str, Scale] = {
    "S": Scale("S", 100_000, 2_000),
    "M": Scale("M", 1_000_000, 20_750),
    "L": Scale("L", 10_000_000, 207_500),
}


def parse_scales(text: str) -> list[Scale]:
    """``"S,M,L"`` → the scales, in order of size; unknown names raise ValueError."""
    names = [n.strip().upper() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCALES]
    if unknown or not names:
        raise ValueError(f"unknown scale(s) {', '.join(unknown) or text!r}; choose among {', '.join(SCALES)}")
    return sorted({SCALES[n] for n in names}, key=lambda s: s.target_web_events)
