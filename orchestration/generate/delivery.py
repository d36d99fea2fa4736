"""Delivering CSV rows: plant record-level mess, route to the right drop, keep count."""

from __future__ import annotations

from collections.abc import Sequence

from .clock import Clock
from .messes import Fate, MessPlanter
from .writers import LandingWriter

BadValue = tuple[str, int]
"""A way to spoil a row: (kind, column index); kind is id, timestamp, amount, nps or csat."""


class RowDelivery:
    """Writes CSV rows through the landing writer with the planted mess of their entity."""

    def __init__(self, clock: Clock, planter: MessPlanter, writer: LandingWriter) -> None:
        self.clock = clock
        self.planter = planter
        self.writer = writer

    def day_of(self, t: int) -> int:
        return max(self.clock.day_of(t), self.writer.day)

    def row(
        self,
        key: str,
        cells: list[str],
        t: int,
        *,
        duplicable: bool,
        bad_values: Sequence[BadValue],
        text_index: int | None = None,
        messy: bool = True,
    ) -> bool:
        """Deliver one row dated ``t``; False when it falls after the last drop."""
        day = self.day_of(t)
        if day > self.writer.last_day:
            return False
        planter = self.planter
        label = key.replace("/", ".")
        fate = planter.fate(duplicable) if messy else Fate.CLEAN
        if fate is Fate.BAD_VALUE:
            kind, index = bad_values[planter.pick(len(bad_values))]
            cells[index] = self._spoil(kind, cells[index], t)
            planter.count(f"bad_value.{label}")
        elif fate is Fate.MALFORMED:
            cells = planter.malformed_cells(cells, text_index)
            planter.count(f"malformed.{label}")
        self.writer.csv_row(key, cells, day)
        if fate is Fate.DUPLICATE:
            later = min(day + planter.duplicate_delay(), self.writer.last_day)
            self.writer.csv_row(key, cells, later, defer=True)
            planter.count(f"duplicate.{label}")
        return True

    def _spoil(self, kind: str, value: str, t: int) -> str:
        planter = self.planter
        if kind == "id":
            return ""
        if kind == "timestamp":
            return planter.bad_timestamp(t)
        if kind == "amount":
            return planter.bad_amount(float(value))
        if kind == "nps":
            return planter.bad_nps_score()
        if kind == "csat":
            return planter.bad_csat_score()
        raise ValueError(f"unknown bad value kind {kind!r}")
