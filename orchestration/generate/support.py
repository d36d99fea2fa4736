"""Why and when people get in touch with the contact centre, repeat contacts and CSAT answers."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .clock import DAY_MS, HOUR_MS, MINUTE_MS
from .contact_book import ContactBook
from .contact_centre import Caller, ContactCentre
from .context import Context
from .geography import make_phone
from .people import Person
from .personas import pick_channel, reason_odds

CALL_BACK_ON_TIME = 0.6
"""Share of unhappy survey answers called back within two days; ``CALL_BACK_LATE`` more within a week."""
CALL_BACK_LATE = 0.25


@dataclass(frozen=True)
class ContactIntent:
    """Why and how a person gets in touch."""

    reason: str
    channel: str
    method: str = "INBOUND"
    attempt: int = 1
    not_before: int | None = None


class Support:
    """Schedules contacts; unresolved or abandoned ones often come back about the same reason."""

    def __init__(self, ctx: Context, centre: ContactCentre, book: ContactBook) -> None:
        self.ctx = ctx
        self.centre = centre
        self.book = book

    def request(self, day: int, p: Person, intent: ContactIntent) -> None:
        self.ctx.agenda.add(day, self._contact, p, intent)

    def request_some(self, day: int, p: Person, needs: tuple[tuple[str, float], ...], within: int) -> None:
        """For each (reason, probability): maybe a contact in the next ``within`` days, maybe more."""
        rng = self.ctx.rng
        for reason, base in needs:
            probability = min(0.9, base * reason_odds(p.persona, reason))
            while rng.random() < probability:
                intent = ContactIntent(reason, pick_channel(p.persona, rng))
                self.request(day + 1 + rng.randrange(within), p, intent)
                probability /= 2

    def call_back(self, p: Person, answered_at: int, reason: str) -> None:
        """Close the loop with an unhappy survey answer: an agent calls (or e-mails, without a phone
        in the CRM) on time, late, or never (and nobody can reach a person the CRM has no way to)."""
        rng = self.ctx.rng
        u = rng.random()
        if u < CALL_BACK_ON_TIME:
            delay = HOUR_MS + int(rng.random() * 40 * HOUR_MS)
        elif u < CALL_BACK_ON_TIME + CALL_BACK_LATE:
            delay = 2 * DAY_MS + 4 * HOUR_MS + int(rng.random() * 4 * DAY_MS)
        else:
            return
        channel = "VOICE" if p.crm_phone else "EMAIL" if p.crm_email else None
        if channel is None:
            return
        at = answered_at + delay
        self.request(self.ctx.clock.day_of(at), p, ContactIntent(reason, channel, "OUTBOUND", not_before=at))

    def _contact(self, day: int, p: Person, intent: ContactIntent) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        if p.deleted:
            return
        t = self.centre.start_time(day, intent.channel, p.offset_minutes, intent.not_before)
        if t is None:
            self.request(day + 1, p, replace(intent, not_before=None))
            return
        outbound = intent.method == "OUTBOUND"
        phone = p.phone_e164 if outbound or rng.random() < 0.94 else make_phone(p.country, rng)[0]
        caller = Caller(phone, p.email, p.offset_minutes)
        result = self.centre.contact(caller, intent.channel, intent.method, intent.reason, t)
        if intent.channel == "VOICE" and result.answered and phone == p.phone_e164:
            self._note_phone(p, result.ended)
        if result.answered and intent.method != "OUTBOUND" and rng.random() < 0.4:
            survey_day = ctx.clock.day_of(result.ended) + (0 if rng.random() < 0.7 else 1 + rng.randrange(2))
            answer = (result.contact_id, result.resolved, result.ended, intent.reason)
            ctx.agenda.add(survey_day, self._survey, p, answer)
        if intent.method == "OUTBOUND" or intent.attempt >= 3:
            return
        comes_back = 0.04 if result.resolved else 0.55 if result.answered else 0.65
        if rng.random() >= comes_back:
            return
        channel = intent.channel if rng.random() < 0.8 else pick_channel(p.persona, rng)
        follow_up = ContactIntent(intent.reason, channel, "INBOUND", intent.attempt + 1)
        if not result.answered and rng.random() < 0.5:
            retry = result.ended + 10 * MINUTE_MS + int(rng.random() * 110 * MINUTE_MS)
            self.request(ctx.clock.day_of(retry), p, replace(follow_up, not_before=retry))
        else:
            self.request(day + 1 + rng.randrange(4), p, follow_up)

    def _note_phone(self, p: Person, t: int) -> None:
        """The agent adds the number a known customer calls from to a CRM record without one (often)."""
        if p.in_crm and not p.crm_phone and not p.deleted and self.ctx.rng.random() < 0.6:
            p.crm_phone = p.phone_e164
            self.book.save(p, t + 60_000)

    def _survey(self, day: int, p: Person, answer: tuple[str, bool, int, str]) -> None:
        ctx = self.ctx
        contact_id, resolved, ended, reason = answer
        if p.deleted:
            return
        if ctx.clock.day_of(ended) >= day:
            t = max(ended, ctx.clock.day_start(day)) + 5 * MINUTE_MS + int(ctx.rng.random() * 3 * HOUR_MS)
        else:
            t = ctx.local_time(day, p, 7, 23)
        if 0 < self.centre.csat(contact_id, resolved, t) <= 2:
            self.call_back(p, t, reason)
