"""What every part of the simulation shares: time, randomness, the agenda, ids and the CRM export."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .agenda import Agenda
from .clock import DAY_MS, HOUR_MS, MINUTE_MS, Clock
from .crm import CrmExport
from .ids import IdSequence
from .messes import MessPlanter
from .people import Person


@dataclass(frozen=True)
class Context:
    clock: Clock
    rng: random.Random
    planter: MessPlanter
    agenda: Agenda
    ids: IdSequence
    crm: CrmExport

    def local_time(self, day: int, p: Person, first_hour: float, last_hour: float) -> int:
        """A UTC instant on ``day`` between two local hours of the person."""
        local = int((first_hour + (last_hour - first_hour) * self.rng.random()) * HOUR_MS)
        return self.clock.day_start(day) + (local - p.offset_minutes * MINUTE_MS) % DAY_MS

    def work_time(self, day: int, p: Person) -> int:
        """Office hours, when sales and back-office staff update records."""
        return self.local_time(day, p, 9, 18)
