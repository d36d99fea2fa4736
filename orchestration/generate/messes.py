"""Planting realistic mess into records: what goes wrong, how often, and keeping count."""

from __future__ import annotations

import random
from collections.abc import Sequence
from enum import IntEnum

from .clock import DAY_MS, Clock
from .rates import MessRates


class Fate(IntEnum):
    """What happens to one record on delivery (at most one of these per record)."""

    CLEAN = 0
    DUPLICATE = 1
    MALFORMED = 2
    BAD_VALUE = 3


WEB_EXTRA_FIELDS: tuple[str, ...] = (
    '"version":2',
    '"integrations":{}',
    '"_metadata":{"bundled":["Segment.io"],"unbundled":[]}',
    '"channel":"client"',
)
CTR_EXTRA_FIELDS: tuple[str, ...] = (
    '"AWSAccountId":"123456789012"',
    '"Tags":{}',
    '"Recording":null',
    '"SystemEndpoint":{"Type":"TELEPHONE_NUMBER","Address":"+18005550199"}',
)
CSV_EXTRA_COLUMNS: tuple[str, ...] = ("hs_analytics_score", "hs_object_source", "x_import_batch")
BAD_NPS_SCORES: tuple[str, ...] = ("11", "9.0", "nine", "-1", "10.5", "12")
BAD_CSAT_SCORES: tuple[str, ...] = ("0", "6", "4.0", "five", "10")


class MessPlanter:
    """Draws planted mess at the configured rates and counts what was planted.

    It has its own random stream, so the decisions about mess do not consume the
    simulation's random numbers.
    """

    def __init__(self, rates: MessRates, rng: random.Random, clock: Clock) -> None:
        self.rates = rates
        self.rng = rng
        self.clock = clock
        self.counts: dict[str, int] = {}
        self._malformed = rates.malformed
        self._bad = rates.malformed + rates.bad_value
        self._duplicate = self._bad + rates.duplicate
        self._late = self._duplicate + rates.late
        self.message_mess = self._late + rates.extra_column
        """Draws below this value plant something in a message (see ``message``)."""

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def chance(self, probability: float) -> bool:
        return probability > 0 and self.rng.random() < probability

    def fate(self, duplicable: bool) -> Fate:
        """One draw: malformed, bad value, duplicate (when the record has an id) or clean."""
        u = self.rng.random()
        if u >= self._duplicate:
            return Fate.CLEAN
        if u < self._malformed:
            return Fate.MALFORMED
        if u < self._bad:
            return Fate.BAD_VALUE
        return Fate.DUPLICATE if duplicable else Fate.CLEAN

    def message(self, u: float, extra_fields: tuple[str, ...], can_be_late: bool) -> tuple[Fate, int, str | None]:
        """The mess of one NDJSON message from a uniform draw ``u``: (fate, days late, extra field).

        The draw falls in consecutive bands: malformed, bad value, duplicate, late,
        extra field, clean. A message gets at most one of them.
        """
        if u < self._malformed:
            return Fate.MALFORMED, 0, None
        if u < self._bad:
            return Fate.BAD_VALUE, 0, None
        if u < self._duplicate:
            return Fate.DUPLICATE, 0, None
        if u < self._late:
            if not can_be_late:
                return Fate.CLEAN, 0, None
            v = self.rng.random()
            return Fate.CLEAN, 1 if v < 0.6 else 2 if v < 0.9 else 3, None
        if u < self.message_mess:
            return Fate.CLEAN, 0, self.rng.choice(extra_fields)
        return Fate.CLEAN, 0, None

    def duplicate_delay(self) -> int:
        """Days between a record's drop and its duplicate's drop (0..2)."""
        u = self.rng.random()
        return 0 if u < 0.6 else 1 if u < 0.9 else 2

    def csv_extra_column(self) -> str | None:
        """The name of an extra unknown column for a new CSV file, or None."""
        if self.rates.extra_column <= 0 or self.rng.random() >= self.rates.extra_column:
            return None
        return self.rng.choice(CSV_EXTRA_COLUMNS)

    def extra_cell(self) -> str:
        return str(self.rng.randrange(101))

    def truncate(self, line: str) -> str:
        """A JSON line cut short, as an interrupted write leaves it (newline kept)."""
        body = line.rstrip("\n")
        cut = self.rng.randrange(max(2, len(body) // 4), len(body) - 1)
        return body[:cut] + "\n"

    def malformed_cells(self, cells: Sequence[str], text_index: int | None) -> list[str]:
        """A row with one field too few (cut short) or one too many (an unquoted comma in a text)."""
        row = list(cells)
        if text_index is not None and row[text_index] and self.rng.random() < 0.5:
            value = row[text_index]
            cut = max(1, len(value) // 2)
            row[text_index : text_index + 1] = [value[:cut], " " + value[cut:]]
            return row
        return row[:-1]

    def bad_timestamp(self, ms: int) -> str:
        """A timestamp no ISO-8601 reader accepts."""
        day = self.clock.drop_date(self.clock.day_of(ms))
        seconds = (ms % DAY_MS) // 1000
        hours, minutes = seconds // 3600, seconds % 3600 // 60
        choice = self.rng.randrange(4)
        if choice == 0:
            return f"{day.day:02d}/{day.month:02d}/{day.year} {hours:02d}:{minutes:02d}"
        if choice == 1:
            return f"{day.year}-{day.month:02d}-{day.day:02d}T{hours + 25:02d}:{minutes:02d}:00Z"
        if choice == 2:
            return f"{day.year}-02-30T{hours:02d}:{minutes:02d}:00Z"
        return "not available"

    def bad_amount(self, amount: float) -> str:
        choice = self.rng.randrange(3)
        if choice == 0:
            return f"{amount:.2f}".replace(".", ",")
        if choice == 1:
            return f"EUR {amount:.2f}"
        return "n/a"

    def bad_nps_score(self) -> str:
        return self.rng.choice(BAD_NPS_SCORES)

    def bad_csat_score(self) -> str:
        return self.rng.choice(BAD_CSAT_SCORES)

    def pick(self, options: int) -> int:
        return self.rng.randrange(options)

    def planted(self) -> dict[str, int]:
        """Counts by mess name (the part of the detail key before the first dot)."""
        totals: dict[str, int] = {}
        for key, value in self.counts.items():
            name = key.split(".", 1)[0]
            totals[name] = totals.get(name, 0) + value
        return totals
