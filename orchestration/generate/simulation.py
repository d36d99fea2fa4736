"""The simulated world: people arrive, browse, sign up, buy, call, answer surveys, churn.

The simulation runs day by day. Each person's future is a handful of tasks in the
agenda; a person nobody has anything left to do with is released, so memory holds
only the people active in the window.
"""

from __future__ import annotations

import random

from .agenda import Agenda
from .clock import Clock
from .contact_book import RANK, ContactBook
from .contact_centre import ContactCentre
from .context import Context
from .crm import CrmExport
from .delivery import RowDelivery
from .ids import IdSequence
from .messes import MessPlanter
from .people import NEVER, Person, PersonFactory
from .personas import pick_channel
from .sales import Sales
from .sessions import SessionOutcome, SessionPlan, SessionRunner
from .support import ContactIntent, Support
from .surveys import Surveys
from .web import WebEmitter
from .writers import LandingWriter

_TRIAL_NEEDS = (("technical", 0.1), ("billing", 0.03), ("other", 0.04))


def arrival_counts(customers: int, clock: Clock) -> list[int]:
    """People starting their journey each day: fewer at weekends, slowly growing."""
    weights = [(0.62 if clock.weekday(d) >= 5 else 1.0) * (1 + 0.003 * d) for d in range(clock.days)]
    total = sum(weights)
    raw = [customers * w / total for w in weights]
    counts = [int(x) for x in raw]
    by_remainder = sorted(range(clock.days), key=lambda d: (counts[d] - raw[d], d))
    for d in by_remainder[: customers - sum(counts)]:
        counts[d] += 1
    return counts


class World:
    """Everything that happens, one day at a time."""

    def __init__(
        self, clock: Clock, rng: random.Random, planter: MessPlanter, writer: LandingWriter, customers: int
    ) -> None:
        delivery = RowDelivery(clock, planter, writer)
        self.ctx = Context(clock, rng, planter, Agenda(clock.days), IdSequence(), CrmExport(clock, delivery))
        self.web = WebEmitter(clock, rng, planter, writer)
        self.sessions = SessionRunner(clock, rng, planter, self.web)
        self.book = ContactBook(self.ctx)
        self.support = Support(self.ctx, ContactCentre(clock, rng, planter, writer, delivery), self.book)
        self.surveys = Surveys(self.ctx, self.book, self.support)
        self.sales = Sales(self.ctx, self.book, self.support, self.surveys, self._keep_visiting)
        self.factory = PersonFactory(rng)
        self.arrivals = arrival_counts(customers, clock)
        self.people = 0
        bot = planter.rates.bot
        self._bot_odds = bot / (1 - bot) if bot < 1 else 1.0

    def run_day(self, day: int) -> None:
        agenda = self.ctx.agenda
        agenda.today = day
        for _ in range(self.arrivals[day]):
            self._arrive(day)
        agenda.run(day)

    def _arrive(self, day: int) -> None:
        ctx = self.ctx
        p = self.factory.create(self.people)
        self.people += 1
        if p.source != "offline":
            self._schedule_session(day, p)
            return
        if p.crm_phone == "" and ctx.rng.random() < 0.5:
            p.crm_phone = p.phone_typed
        self._new_contact(day, p, None, "lead", ctx.work_time(day, p))
        self._schedule_session(day + 1 + ctx.rng.randrange(10), p)

    def _new_contact(self, day: int, p: Person, contact_id: str | None, stage: str, t: int) -> None:
        p.contact_id = contact_id or self.ctx.ids.contact()
        if self.book.create(p, stage, t):
            self.surveys.invite(self.ctx.clock.day_of(t) + 14 + self.ctx.rng.randrange(17), p, "lead")

    def _schedule_session(self, day: int, p: Person) -> None:
        if self.ctx.agenda.add(day, self._session, p):
            p.session_scheduled = True

    def _keep_visiting(self, day: int, p: Person) -> None:
        self._schedule_session(self._next_day(day, 4.0), p)

    def _next_day(self, day: int, mean_gap: float) -> int:
        """The day of the next visit: ``mean_gap`` days later on average, often not at the weekend."""
        rng = self.ctx.rng
        gap = 1
        while rng.random() >= 1 / mean_gap:
            gap += 1
        next_day = day + gap
        weekday = self.ctx.clock.weekday(next_day)
        if weekday >= 5 and rng.random() < 0.45:
            next_day += 7 - weekday + rng.randrange(3)
        return next_day

    def _session(self, day: int, p: Person, _: object) -> None:
        p.session_scheduled = False
        if p.deleted:
            return
        plan = self._plan(day, p)
        outcome = self.sessions.run(p, day, plan, first=p.sessions_done == 0)
        p.sessions_done += 1
        self._follow_up(day, p, plan, outcome)
        if self.ctx.planter.chance(self._bot_odds):
            self.sessions.run_bot(day)
        self._schedule_next_session(day, p)

    def _plan(self, day: int, p: Person) -> SessionPlan:
        """What the person does this time, from their journey plan and state."""
        ctx, rng = self.ctx, self.ctx.rng
        i = p.sessions_done
        if p.customer:
            mode = "customer"
        elif p.consider_at != NEVER and i >= p.consider_at:
            mode = "consider"
        else:
            mode = "browse"
        plan = SessionPlan(mode, newsletter=i == p.newsletter_at, demo=i == p.demo_at)
        if i == p.signup_at or (i == p.purchase_at and not p.in_crm):
            plan.signup_contact_id = p.contact_id or ctx.ids.contact()
        if i == p.abandon_at:
            plan.checkout = self.sales.checkout(p, "", completes=False)
        if i == p.purchase_at:
            plan.checkout = self.sales.checkout(p, ctx.ids.order(), completes=True)
        if p.customer:
            if self.sales.wants_add_on(p, day):
                plan.checkout = self.sales.add_on(p)
                p.addon_day = NEVER
            if p.wants_review:
                plan.review_rating, p.wants_review = p.wants_review, 0
            elif rng.random() < 0.015:
                plan.review_rating = rng.choices((1, 2, 3, 4, 5), (3, 4, 12, 36, 45))[0]
            plan.referral = p.wants_referral or rng.random() < 0.02
            p.wants_referral = False
        if p.in_crm and plan.signup_contact_id is None:
            plan.login = rng.random() < (0.7 if p.customer else 0.35)
        return plan

    def _follow_up(self, day: int, p: Person, plan: SessionPlan, o: SessionOutcome) -> None:
        """What the CRM, sales and support make of what happened in the session."""
        rng = self.ctx.rng
        if o.newsletter_at is not None and not p.in_crm:
            stage = "other" if rng.random() < 0.03 else "subscriber"
            self._new_contact(day, p, plan.signup_contact_id, stage, o.newsletter_at + 4000)
        if o.demo_at is not None:
            if not p.crm_phone and rng.random() < 0.7:
                p.crm_phone = p.phone_typed
            if p.in_crm:
                self.book.advance(p, "salesqualifiedlead", o.demo_at + 5000, save_anyway=True)
            else:
                self._new_contact(day, p, plan.signup_contact_id, "salesqualifiedlead", o.demo_at + 5000)
            self.sales.open_deal(day, p)
        if o.signup_at is not None:
            if p.in_crm:
                self.book.advance(p, "lead", o.signup_at + 3000)
            else:
                self._new_contact(day, p, plan.signup_contact_id, "lead", o.signup_at + 3000)
                self.support.request_some(day, p, _TRIAL_NEEDS, within=10)
        if p.sessions_done == 1 and rng.random() < 0.015:
            self.support.request(day + rng.randrange(3), p, ContactIntent("other", "EMAIL"))
        first_considered = o.considered and not p.considered
        p.considered |= o.considered
        self._ask_sales(day, p, first_considered)
        if o.pricing_viewed and p.lifecycle < RANK["marketingqualifiedlead"]:
            self.book.score_lead(day, p)
        if o.order_at is not None and plan.checkout is not None:
            self.sales.purchase(day, p, plan.checkout, o.order_at)

    def _ask_sales(self, day: int, p: Person, first_considered: bool) -> None:
        """A question to sales before buying, at the point of the journey where the persona asks."""
        persona, rng = p.persona, self.ctx.rng
        if p.customer or p.consider_at == NEVER:
            return
        asks = {
            "first_visit": p.sessions_done == 1,
            "considering": first_considered,
            "before_checkout": p.sessions_done == p.purchase_at,
        }[persona.asks_when]
        if asks and rng.random() < persona.presale_questions:
            intent = ContactIntent("sales_question", pick_channel(persona, rng))
            later = persona.asks_when != "before_checkout" and rng.random() < 0.4
            self.support.request(day + later, p, intent)

    def _schedule_next_session(self, day: int, p: Person) -> None:
        if p.customer:
            if p.active_subscriptions > 0 or p.addon_day != NEVER:
                mean = 4.0
            elif p.sessions_after_churn > 0:
                p.sessions_after_churn -= 1
                mean = 8.0
            else:
                return
        elif p.sessions_done < p.sessions_planned:
            mean = 2.5 if p.considered else 4.5
        else:
            return
        self._schedule_session(self._next_day(day, mean), p)

    @property
    def contacts(self) -> int:
        return self.book.created

    @property
    def orders(self) -> int:
        return self.sales.orders

    @property
    def subscriptions(self) -> int:
        return self.sales.subscriptions
