"""Buying and paying: deals, orders, subscriptions, upgrades, refunds and churn."""

from __future__ import annotations

from collections.abc import Callable

from . import catalog as cat
from .browsing import Checkout
from .contact_book import ContactBook
from .context import Context
from .crm import Deal, Order, Subscription
from .people import NEVER, Person
from .personas import pick_channel, reason_odds
from .support import ContactIntent, Support
from .surveys import Surveys

FX = {"EUR": 1.0, "USD": 1.1, "GBP": 0.85, "CHF": 0.95}
_SUPPORT_NEEDS = (("billing", 0.4), ("technical", 0.6), ("complaint", 0.1), ("other", 0.15))


class Sales:
    """Self-serve checkouts and sales-led deals, and what follows a purchase."""

    def __init__(
        self,
        ctx: Context,
        book: ContactBook,
        support: Support,
        surveys: Surveys,
        keep_visiting: Callable[[int, Person], None],
    ) -> None:
        self.ctx = ctx
        self.book = book
        self.support = support
        self.surveys = surveys
        self.keep_visiting = keep_visiting
        self.orders = 0
        self.subscriptions = 0

    def checkout(self, p: Person, order_id: str, completes: bool) -> Checkout:
        """A self-serve plan purchase: monthly, or ten months' price for a year."""
        rng = self.ctx.rng
        plan = rng.choices(cat.PLANS, cat.PLAN_WEIGHTS)[0]
        price = float(cat.PLAN_PRICES[p.country.currency][plan])
        seats = max(1, round(p.persona.order_size * (0.5 + rng.random())))
        amount = price * seats * (10 if rng.random() < 0.25 else 1)
        return Checkout(order_id, plan, amount, price * seats, p.country.currency, completes)

    def add_on(self, p: Person) -> Checkout:
        item, price = self.ctx.rng.choice(cat.ADD_ONS)
        amount = float(round(price * FX[p.country.currency] * p.persona.order_size))
        return Checkout(self.ctx.ids.order(), item, amount, 0.0, p.country.currency, True)

    def open_deal(self, day: int, p: Person) -> None:
        """A demo request becomes a deal a few days later."""
        if not p.has_deal:
            p.has_deal = True
            self.ctx.agenda.add(day + 1 + self.ctx.rng.randrange(3), self._create_deal, p)

    def _create_deal(self, day: int, p: Person, _: object) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        if p.deleted or not p.in_crm or p.contact_id is None:
            return
        t = ctx.work_time(day, p)
        amount = round(rng.uniform(9_000, 60_000) * FX[p.country.currency] / 500) * 500
        deal = Deal(ctx.ids.deal(), p.contact_id, cat.DEAL_STAGES[0], amount, p.country.currency, ctx.clock.utc(t))
        ctx.crm.deal(deal, t)
        self.book.advance(p, "opportunity", t + 60_000)
        ctx.agenda.add(day + 2 + rng.randrange(7), self._advance_deal, p, deal)
        if rng.random() < 0.5:
            self.support.request(day + rng.randrange(3), p, ContactIntent("sales_question", "VOICE", "OUTBOUND"))

    def _advance_deal(self, day: int, p: Person, deal: Deal) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        if p.deleted:
            return
        t = ctx.work_time(day, p)
        stage = cat.DEAL_STAGES.index(deal.stage)
        if rng.random() < 0.15:
            deal.stage = "closedlost"
        elif stage == len(cat.DEAL_STAGES) - 1:
            deal.stage = "closedwon" if rng.random() < 0.62 else "closedlost"
        else:
            deal.stage = cat.DEAL_STAGES[stage + 1]
        if deal.stage.startswith("closed"):
            deal.closed_at = ctx.clock.utc(t)
        if deal.stage == "closedwon":
            deal.amount = round(deal.amount * rng.uniform(0.85, 1.05) / 100) * 100
        ctx.crm.deal(deal, t)
        if deal.stage == "closedwon":
            self.purchase(
                day,
                p,
                Checkout(ctx.ids.order(), "enterprise", deal.amount, round(deal.amount / 12, 2), deal.currency, True),
                t,
            )
        elif deal.stage != "closedlost":
            ctx.agenda.add(day + 2 + rng.randrange(7), self._advance_deal, p, deal)

    def purchase(self, day: int, p: Person, bought: Checkout, t: int) -> None:
        """An order placed at ``t``; a plan also starts a subscription; a first purchase makes a customer."""
        ctx, rng = self.ctx, self.ctx.rng
        assert p.contact_id is not None
        first = not p.customer
        p.customer = True
        ordered_at = ctx.clock.local(t, p.offset_minutes, p.suffix)
        order = Order(bought.order_id, p.contact_id, ordered_at, "completed", bought.amount, bought.currency)
        booked = t + 3000 + int(rng.random() * 20_000)
        if ctx.crm.order(order, booked):
            self.orders += 1
        u = rng.random()
        if u < 0.05:
            ctx.agenda.add(day + 1, self._change_order, p, (order, "cancelled"))
            if rng.random() < 0.7:
                self.support.request(day + 1, p, ContactIntent("cancellation", pick_channel(p.persona, rng)))
        elif u < 0.12:
            ctx.agenda.add(day + 2 + rng.randrange(13), self._change_order, p, (order, "refunded"))
        if bought.mrr > 0:
            self._subscribe(day, p, bought, t, booked + 500)
        if first:
            self._welcome(day, p, bought, booked)

    def _welcome(self, day: int, p: Person, bought: Checkout, booked: int) -> None:
        """What follows a first purchase: lifecycle, surveys, support, add-ons, reviews, visits."""
        ctx, rng = self.ctx, self.ctx.rng
        self.book.advance(p, "customer", booked + 1000)
        self.surveys.invite(day + 14 + rng.randrange(14), p, "onboarding")
        self.support.request_some(day, p, _SUPPORT_NEEDS, within=45)
        if rng.random() < 0.28:
            add_on_day = day + 7 + rng.randrange(38)
            if rng.random() < 0.55:
                p.addon_day = add_on_day
            else:
                ctx.agenda.add(add_on_day, self._sold_add_on, p)
        if rng.random() < 0.08:
            p.wants_review = rng.choices((1, 2, 3, 4, 5), (2, 3, 10, 35, 50))[0]
        if bought.mrr <= 0:
            p.sessions_after_churn = 2 + rng.randrange(3)
        if not p.session_scheduled:
            self.keep_visiting(day, p)

    def _subscribe(self, day: int, p: Person, bought: Checkout, t: int, booked: int) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        assert p.contact_id is not None
        sub = Subscription(
            ctx.ids.subscription(), p.contact_id, bought.item, bought.mrr, bought.currency, ctx.clock.utc(t), t
        )
        if ctx.crm.subscription(sub, booked):
            self.subscriptions += 1
        p.active_subscriptions += 1
        u = rng.random()
        cancel_day = None
        if u < 0.2:
            cancel_day = day + 3 + rng.randrange(27)
        elif u < 0.5:
            cancel_day = day + 31 + int(rng.expovariate(1 / 35))
        if cancel_day is not None:
            p.churn_planned |= cancel_day < day + 30
            ctx.agenda.add(cancel_day, self._cancel, p, sub)
            if rng.random() < 0.6:
                # calls to cancel; the cancellation is booked a day or two later
                warning_day = max(day + 1, cancel_day - 1 - rng.randrange(2))
                self.support.request(warning_day, p, ContactIntent("cancellation", pick_channel(p.persona, rng)))
        elif rng.random() < min(0.9, 0.4 * reason_odds(p.persona, "cancellation")):
            # calls to cancel, and the retention team keeps the customer
            self.support.request(
                day + 7 + rng.randrange(60), p, ContactIntent("cancellation", pick_channel(p.persona, rng))
            )
        if bought.item in ("starter", "pro") and rng.random() < 0.1:
            upgrade_day = day + 10 + rng.randrange(40)
            if cancel_day is None or upgrade_day < cancel_day:
                ctx.agenda.add(upgrade_day, self._upgrade, p, sub)

    def _cancel(self, day: int, p: Person, sub: Subscription) -> None:
        ctx = self.ctx
        if p.deleted:
            return
        t = ctx.local_time(day, p, 7, 23)
        sub.cancelled_at = ctx.clock.utc(t)
        sub.cancel_reason = ctx.rng.choice(cat.CANCEL_REASONS)
        ctx.crm.subscription(sub, t)
        p.active_subscriptions -= 1
        if p.active_subscriptions == 0:
            p.sessions_after_churn = ctx.rng.randrange(3)

    def _upgrade(self, day: int, p: Person, sub: Subscription) -> None:
        if p.deleted or sub.cancelled_at:
            return
        sub.plan = "pro" if sub.plan == "starter" else "business"
        sub.mrr = float(cat.PLAN_PRICES[sub.currency][sub.plan])
        self.ctx.crm.subscription(sub, self.ctx.local_time(day, p, 8, 22))

    def _change_order(self, day: int, p: Person, change: tuple[Order, str]) -> None:
        if p.deleted:
            return
        order, status = change
        order.status = status
        self.ctx.crm.order(order, self.ctx.work_time(day, p))

    def _sold_add_on(self, day: int, p: Person, _: object) -> None:
        """An add-on sold by phone: an order without a web checkout."""
        if not p.deleted:
            self.purchase(day, p, self.add_on(p), self.ctx.work_time(day, p))

    @staticmethod
    def wants_add_on(p: Person, day: int) -> bool:
        return p.addon_day != NEVER and day >= p.addon_day
