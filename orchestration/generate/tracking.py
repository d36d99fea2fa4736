"""Page views and track events as the website's tracking snippet sends them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import catalog as cat
from .catalog import Page, js
from .messes import MessPlanter
from .web import WebEmitter


@dataclass
class Seen:
    """What a session has shown so far."""

    considered: bool = False
    pricing: bool = False
    enterprise: bool = False


class PageTracker:
    """Sends page messages with the track events the site fires on them, plus planted unknown events."""

    def __init__(self, emitter: WebEmitter, planter: MessPlanter, rng: random.Random) -> None:
        self.emitter = emitter
        self.planter = planter
        self.rng = rng
        self._product_viewed = {
            page.path: f'{{"product_id":"{page.path.rsplit("/", 1)[1]}","name":{js(page.title)}}}'
            for page in cat.PRODUCT
        }

    def view(self, t: int, page: Page, page_json: str, user_id: str | None, currency: str, seen: Seen) -> None:
        """A page view; product and pricing pages also fire their track event."""
        self.emitter.page(t, page_json, page, user_id)
        path = page.path
        if path.startswith("/product/"):
            seen.considered = True
            properties = self._product_viewed[path]
            self.track(t + 600 + int(self.rng.random() * 2000), "Product Viewed", properties, page_json, user_id)
        elif path.startswith("/pricing"):
            seen.considered = seen.pricing = True
            seen.enterprise |= path == "/pricing/enterprise"
            properties = f'{{"currency":"{currency}"}}'
            self.track(t + 600 + int(self.rng.random() * 2000), "Pricing Viewed", properties, page_json, user_id)

    def track(self, t: int, event: str, properties: str, page_json: str, user_id: str | None) -> None:
        """A track event, sometimes followed by one whose name is outside the contract."""
        emitter, planter = self.emitter, self.planter
        emitter.track(t, event, properties, page_json, user_id)
        if planter.chance(planter.rates.unknown_event):
            name = planter.rng.choice(cat.UNKNOWN_EVENTS)
            if emitter.track(t + 1500, name, "{}", page_json, user_id, messy=False):
                planter.count("unknown_event.web")
