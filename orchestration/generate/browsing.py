"""One web session in progress: its clock, who is logged in, and the steps people take."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from . import catalog as cat
from .catalog import Page, js
from .people import Device, Person
from .tracking import PageTracker, Seen
from .web import page_object


@dataclass(frozen=True)
class Checkout:
    """A purchase attempted in a session."""

    order_id: str
    item: str
    amount: float
    mrr: float
    currency: str
    completes: bool


class Browsing:
    """A person on one device, moving through pages; each step returns when it happened."""

    def __init__(self, tracker: PageTracker, rng: random.Random, person: Person, device: Device, t: int) -> None:
        self.tracker = tracker
        self.emitter = tracker.emitter
        self.rng = rng
        self.person = person
        self.device = device
        self.t = t
        self.user_id = person.contact_id if device.logged_in else None
        self.seen = Seen()
        self._page_json = ""
        self._previous_url = '""'

    def land(self, page: Page, referrer: str, campaign: tuple[str, str, str] | None) -> None:
        """The first page, with the campaign's UTM parameters in its URL."""
        url = page.url
        if campaign:
            url += f"?utm_source={campaign[0]}&utm_medium={campaign[1]}&utm_campaign={campaign[2]}"
        self._show(page, page_object(page, js(url), js(referrer)))

    def visit(self, page: Page) -> None:
        self.t += 4000 + min(int(-40_000 * math.log(1.0 - self.rng.random())), 240_000)
        self._show(page, page_object(page, page.url_json, self._previous_url))

    def browse(self, pool: tuple[Page, ...], pages: int) -> None:
        rnd = self.rng.random
        for _ in range(pages):
            self.visit(pool[int(rnd() * len(pool))])

    def _show(self, page: Page, page_json: str) -> None:
        self._page_json = page_json
        self._previous_url = page.url_json
        self.tracker.view(self.t, page, page_json, self.user_id, self.person.country.currency, self.seen)

    def pause(self, least_ms: int, spread_ms: int) -> None:
        self.t += least_ms + int(self.rng.random() * spread_ms)

    def track(self, event: str, properties: str) -> int:
        self.tracker.track(self.t, event, properties, self._page_json, self.user_id)
        return self.t

    def identify(self, user_id: str | None) -> int:
        person = self.person
        email = person.email if self.rng.random() < 0.9 else person.email.capitalize()
        traits = (
            f'{{"email":{js(email)},"first_name":{js(person.first_name)},"last_name":{js(person.last_name)},'
            f'"country":"{person.country.code}"}}'
        )
        self.emitter.identify(self.t, traits, self._page_json, user_id)
        return self.t

    def log_in(self) -> None:
        """Log in with the person's CRM account; later messages carry the userId."""
        contact_id = self.person.contact_id
        if contact_id is None or self.user_id:
            return
        self.visit(cat.LOGIN)
        self.pause(1500, 4000)
        self.user_id = contact_id
        self.device.logged_in = True
        self.identify(contact_id)

    def subscribe_to_newsletter(self) -> int:
        self.visit(self.rng.choice(cat.BLOG))
        self.pause(20_000, 60_000)
        self.track("Newsletter Subscribed", '{"list":"cx_digest"}')
        self.pause(300, 0)
        return self.identify(self.user_id)

    def request_demo(self) -> int:
        self.visit(cat.PRICING_ENTERPRISE if self.rng.random() < 0.5 else cat.PRICING)
        self.visit(cat.DEMO)
        self.pause(40_000, 120_000)
        size = self.rng.choice(("11-50", "51-200", "201-1000", "1000+"))
        self.track("Demo Requested", f'{{"company_size":"{size}"}}')
        self.pause(300, 0)
        return self.identify(self.user_id)

    def sign_up(self, contact_id: str) -> int:
        """Create an account: from now on the device is logged in as ``contact_id``."""
        self.visit(cat.SIGNUP)
        self.pause(30_000, 90_000)
        method = "google" if self.rng.random() < 0.3 else "email"
        self.track("Signed Up", f'{{"method":"{method}"}}')
        self.user_id = contact_id
        self.device.logged_in = True
        self.pause(400, 0)
        signed_up = self.identify(contact_id)
        while self.rng.random() >= 0.5:
            self.visit(self.rng.choice(cat.ACCOUNT + cat.DOCS[:3]))
        return signed_up

    def check_out(self, checkout: Checkout) -> int | None:
        """Start a checkout; returns when the order completed, or None when abandoned."""
        self.log_in()
        if not self.seen.pricing:
            self.visit(cat.PRICING)
        self.visit(cat.CHECKOUT)
        self.pause(2000, 5000)
        money = f'"currency":"{checkout.currency}"'
        self.track("Checkout Started", f'{{"plan":"{checkout.item}","value":{checkout.amount:.2f},{money}}}')
        if not checkout.completes:
            return None
        self.pause(45_000, 180_000)
        ordered = self.track(
            "Order Completed", f'{{"order_id":"{checkout.order_id}","revenue":{checkout.amount:.2f},{money}}}'
        )
        self.visit(cat.CHECKOUT_DONE)
        return ordered

    def review(self, rating: int) -> None:
        self.visit(cat.REVIEW)
        self.pause(60_000, 240_000)
        platform = self.rng.choice(("g2", "capterra", "trustpilot"))
        self.track("Review Submitted", f'{{"rating":{rating},"platform":"{platform}"}}')

    def refer(self) -> None:
        self.visit(cat.REFERRALS)
        self.pause(20_000, 60_000)
        self.track("Referral Sent", '{"channel":"email"}')
