"""Web sessions: when people come, from where, what they set out to do; crawler visits."""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import catalog as cat
from .browsing import Browsing, Checkout
from .catalog import Page, js
from .clock import DAY_MS, HOUR_MS, Clock
from .ids import new_uuid
from .messes import MessPlanter
from .people import Device, Person
from .tracking import PageTracker
from .web import Visit, WebEmitter, page_object

__all__ = ["Checkout", "SessionOutcome", "SessionPlan", "SessionRunner"]

_WEEKDAY_HOURS = (1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 11, 12, 12, 11, 9, 8, 8, 9, 8, 5, 3)
_WEEKEND_HOURS = (2, 1, 1, 1, 1, 1, 2, 3, 5, 7, 9, 10, 10, 10, 9, 9, 9, 9, 9, 10, 10, 8, 6, 3)
_MORE_PAGES = {"browse": 0.81, "consider": 0.86, "customer": 0.8}
_POOLS = {"browse": cat.BROWSE_PAGES, "consider": cat.CONSIDER_PAGES, "customer": cat.CUSTOMER_PAGES}


@dataclass
class SessionPlan:
    """What the person sets out to do in this session; ``mode`` is browse, consider or customer."""

    mode: str
    signup_contact_id: str | None = None
    newsletter: bool = False
    demo: bool = False
    login: bool = False
    checkout: Checkout | None = None
    review_rating: int = 0
    referral: bool = False


@dataclass
class SessionOutcome:
    """When the steps of the session happened (None when not reached within the window)."""

    considered: bool = False
    pricing_viewed: bool = False
    signup_at: int | None = None
    newsletter_at: int | None = None
    demo_at: int | None = None
    order_at: int | None = None


class SessionRunner:
    """Simulates sessions of people (and crawlers) and emits their messages."""

    def __init__(self, clock: Clock, rng: random.Random, planter: MessPlanter, emitter: WebEmitter) -> None:
        self.clock = clock
        self.rng = rng
        self.planter = planter
        self.emitter = emitter
        self.tracker = PageTracker(emitter, planter, rng)
        self._hours = {
            weekend: [h for h, n in enumerate(_WEEKEND_HOURS if weekend else _WEEKDAY_HOURS) for _ in range(n)]
            for weekend in (False, True)
        }
        self._bot_agents = [(js(ua), prefix) for ua, prefix in cat.BOT_USER_AGENTS]

    def start_time(self, day: int, offset_minutes: int) -> int:
        """A UTC instant on ``day`` whose local hour follows the daily traffic curve."""
        rng = self.rng
        local_ms = rng.choice(self._hours[self.clock.weekday(day) >= 5]) * HOUR_MS + int(rng.random() * HOUR_MS)
        return self.clock.day_start(day) + (local_ms - offset_minutes * 60_000) % DAY_MS

    def _source(self, person: Person, first: bool) -> tuple[str, tuple[str, str, str] | None]:
        """(referrer, UTM campaign) of a session: the acquisition channel first, then returning visits."""
        rng = self.rng
        if first:
            channel = person.channel
            return rng.choice(channel.referrers), rng.choice(channel.campaigns) if channel.campaigns else None
        u = rng.random()
        if u < 0.5:
            return "", None
        if u < 0.7:
            return "https://www.google.com/", None
        if u < 0.85 and person.contact_id:
            return "", rng.choice(cat.NURTURE_CAMPAIGNS)
        if u < 0.93:
            return "https://www.google.com/", rng.choice(cat.RETARGETING_CAMPAIGNS)
        return "https://www.linkedin.com/", None

    def _landing(self, mode: str, campaign: tuple[str, str, str] | None, first: bool) -> Page:
        rng = self.rng
        if mode == "browse":
            if campaign or rng.random() < 0.45:
                return rng.choice((*cat.BLOG, *cat.SOLUTIONS, cat.HOME))
            return cat.HOME if not first or rng.random() < 0.4 else rng.choice(cat.BLOG)
        if mode == "consider":
            if campaign and rng.random() < 0.5:
                return rng.choice((cat.PRICING, *cat.PRODUCT))
            return rng.choice((cat.HOME, cat.HOME, cat.PRICING, *cat.PRODUCT, *cat.BLOG[:4]))
        return rng.choice((cat.HOME, cat.LOGIN, *cat.DOCS[:3]))

    def _device(self, person: Person) -> Device:
        devices = person.devices
        if len(devices) == 1 or self.rng.random() < 0.65:
            return devices[0]
        return self.rng.choice(devices[1:])

    def run(self, person: Person, day: int, plan: SessionPlan, first: bool) -> SessionOutcome:
        """One session of ``person`` on ``day``: land, maybe log in, browse, then the planned steps."""
        device = self._device(person)
        referrer, campaign = self._source(person, first)
        visit = Visit(
            device.anonymous_id,
            person.offset_minutes,
            person.suffix,
            device.user_agent_json,
            device.ip,
            person.country.locale,
            campaign,
        )
        self.emitter.start(visit)
        session = Browsing(self.tracker, self.rng, person, device, self.start_time(day, person.offset_minutes))
        session.land(self._landing(plan.mode, campaign, first), referrer, campaign)
        if plan.login:
            session.log_in()
        session.browse(_POOLS[plan.mode], 1 + _count(self.rng, _MORE_PAGES[plan.mode]))
        outcome = SessionOutcome()
        if plan.newsletter:
            outcome.newsletter_at = self._within(session.subscribe_to_newsletter())
        if plan.demo:
            outcome.demo_at = self._within(session.request_demo())
        if plan.signup_contact_id:
            outcome.signup_at = self._within(session.sign_up(plan.signup_contact_id))
        if plan.checkout:
            ordered = session.check_out(plan.checkout)
            outcome.order_at = self._within(ordered) if ordered is not None else None
        if plan.review_rating:
            session.review(plan.review_rating)
        if plan.referral:
            session.refer()
        self.emitter.finish()
        outcome.considered = session.seen.considered
        outcome.pricing_viewed = session.seen.pricing
        return outcome

    def _within(self, t: int) -> int | None:
        return t if t < self.clock.end_ms else None

    def run_bot(self, day: int) -> None:
        """A crawler visit: many pages fast, anonymous, no cookies kept."""
        rng = self.rng
        user_agent, prefix = rng.choice(self._bot_agents)
        emitter = self.emitter
        emitter.start(Visit(new_uuid(rng), 0, "Z", user_agent, f"{prefix}.{rng.randrange(1, 255)}", "en-US", None))
        t = self.clock.day_start(day) + int(rng.random() * DAY_MS)
        previous = '""'
        emitted = False
        for _ in range(5 + _count(rng, 0.93)):
            page = rng.choice(cat.CRAWL_PAGES)
            emitted |= emitter.page(t, page_object(page, page.url_json, previous), page, None)
            previous = page.url_json
            t += 700 + int(rng.random() * 7000)
        emitter.finish()
        if emitted:
            self.planter.count("bot.sessions")


def _count(rng: random.Random, p_more: float) -> int:
    """How many more: each further one with probability ``p_more``."""
    n = 0
    while rng.random() < p_more:
        n += 1
    return n
