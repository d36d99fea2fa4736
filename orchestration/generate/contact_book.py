"""CRM contacts over time: creation, lifecycle progression, deletion on request."""

from __future__ import annotations

from . import catalog as cat
from .context import Context
from .people import Person

RANK = {stage: rank for rank, stage in enumerate(cat.LIFECYCLE_STAGES)}


class ContactBook:
    """Keeps each person's CRM contact and writes a new version whenever it changes."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.created = 0

    def create(self, p: Person, stage: str, t: int) -> bool:
        """Create the contact (``p.contact_id`` must be set); False when it falls after the window."""
        ctx = self.ctx
        p.created_at = ctx.clock.utc(t)
        p.lifecycle = RANK[stage]
        p.updated_ms = t
        if not ctx.crm.contact(p, t):
            return False
        self.created += 1
        planter = ctx.planter
        if planter.chance(planter.rates.deleted_contact):
            created = ctx.clock.day_of(t)
            ctx.agenda.add(min(created + 1 + planter.rng.randrange(14), ctx.clock.days - 1), self._delete, p)
        return True

    def save(self, p: Person, t: int) -> None:
        """A new version of the contact, strictly after the previous one."""
        t = max(t, p.updated_ms + 1000)
        p.updated_ms = t
        self.ctx.crm.contact(p, t)

    def advance(self, p: Person, stage: str, t: int, *, save_anyway: bool = False) -> None:
        """Move the lifecycle stage forward (never back)."""
        if not p.in_crm or p.deleted:
            return
        rank = RANK[stage]
        if rank > p.lifecycle:
            p.lifecycle = rank
        elif not save_anyway:
            return
        self.save(p, t)

    def score_lead(self, day: int, p: Person) -> None:
        """A lead who looks at pricing becomes marketing-qualified in the nightly scoring run."""
        if p.in_crm and p.lifecycle < RANK["marketingqualifiedlead"] and not p.mql_pending:
            p.mql_pending = True
            self.ctx.agenda.add(day + 1, self._qualify, p)

    def _qualify(self, day: int, p: Person, _: object) -> None:
        p.mql_pending = False
        self.advance(p, "marketingqualifiedlead", self.ctx.local_time(day, p, 2, 6))

    def _delete(self, day: int, p: Person, _: object) -> None:
        ctx = self.ctx
        if p.deleted or ctx.clock.day_of(p.updated_ms) > day:
            return
        p.deleted = True
        t = max(ctx.work_time(day, p), p.updated_ms + 1000)
        p.updated_ms = t
        if ctx.crm.contact(p, t, deleted=True):
            ctx.planter.count("deleted_contact.crm")
