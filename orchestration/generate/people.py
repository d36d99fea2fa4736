"""Simulated people: who they are, their devices, and how far their journey will go."""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

from .catalog import CHANNELS, USER_AGENTS, Channel, js
from .clock import offset_suffix
from .geography import COUNTRIES, Country, make_email, make_phone, typed_email
from .ids import new_uuid
from .personas import PERSONAS, Persona, persona_label, pick_persona, scaled

NEVER = -1

_CONSIDER_BY_SOURCE: dict[str, float] = {
    "organic_search": 0.36,
    "paid_search": 0.52,
    "paid_social": 0.38,
    "social": 0.32,
    "referral": 0.58,
    "email": 0.42,
    "direct": 0.46,
    "offline": 0.60,
}


@dataclass(slots=True, eq=False)
class Device:
    """A browser or phone: one ``anonymousId``."""

    anonymous_id: str
    user_agent_json: str
    ip: str
    logged_in: bool = False


@dataclass(slots=True, eq=False)
class Person:
    """A person's identity, journey plan (session indices of milestones) and current state."""

    index: int
    country: Country
    offset_minutes: int
    suffix: str
    first_name: str
    last_name: str
    email: str
    crm_email: str
    phone_e164: str
    phone_typed: str
    crm_phone: str
    channel: Channel
    persona: Persona
    crm_persona: str
    devices: list[Device]
    consider_at: int
    signup_at: int
    newsletter_at: int
    demo_at: int
    abandon_at: int
    purchase_at: int
    sessions_planned: int
    sessions_done: int = 0
    contact_id: str | None = None
    lifecycle: int = NEVER
    created_at: str = ""
    updated_ms: int = 0
    deleted: bool = False
    considered: bool = False
    mql_pending: bool = False
    customer: bool = False
    has_deal: bool = False
    session_scheduled: bool = False
    active_subscriptions: int = 0
    addon_day: int = NEVER
    wants_review: int = 0
    wants_referral: bool = False
    churn_planned: bool = False
    sessions_after_churn: int = 0

    @property
    def source(self) -> str:
        return self.channel.source

    @property
    def in_crm(self) -> bool:
        """The CRM contact has been created."""
        return bool(self.created_at)


def _cumulative(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _geometric(rng: random.Random, p_stop: float) -> int:
    n = 0
    while rng.random() >= p_stop:
        n += 1
    return n


class PersonFactory:
    """Creates people with a country, identity, devices and a planned journey."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._countries = _cumulative([c.weight for c in COUNTRIES])
        self._channels = {
            p.value: _cumulative([c.weight * p.channel_weights.get(c.source, 1.0) for c in CHANNELS]) for p in PERSONAS
        }
        self._user_agents = [js(ua) for ua in USER_AGENTS]
        self._suffixes = {offset: offset_suffix(offset) for c in COUNTRIES for offset in c.offsets}

    def _pick_country(self) -> Country:
        i = bisect.bisect(self._countries, self.rng.random() * self._countries[-1])
        return COUNTRIES[min(i, len(COUNTRIES) - 1)]

    def _pick_channel(self, persona: Persona) -> Channel:
        weights = self._channels[persona.value]
        i = bisect.bisect(weights, self.rng.random() * weights[-1])
        return CHANNELS[min(i, len(CHANNELS) - 1)]

    def device(self) -> Device:
        rng = self.rng
        ip = (
            f"{rng.choice((31, 46, 62, 78, 81, 86, 92, 109, 176, 185, 212, 217))}.{rng.randrange(256)}."
            f"{rng.randrange(256)}.{rng.randrange(1, 255)}"
        )
        return Device(new_uuid(rng), rng.choice(self._user_agents), ip)

    def create(self, index: int) -> Person:
        rng = self.rng
        country = self._pick_country()
        offset = rng.choice(country.offsets)
        first, last = rng.choice(country.first_names), rng.choice(country.last_names)
        email = make_email(first, last, index, country, rng)
        phone_e164, phone_typed = make_phone(country, rng)
        persona = pick_persona(rng)
        crm_persona = persona_label(persona, rng)
        channel = self._pick_channel(persona)
        devices = [self.device()]
        u = rng.random()
        if u < 0.35:
            devices.append(self.device())
        if u < 0.10:
            devices.append(self.device())
        person = Person(
            index=index,
            country=country,
            offset_minutes=offset,
            suffix=self._suffixes[offset],
            first_name=first,
            last_name=last,
            email=email,
            crm_email=typed_email(email, rng) if rng.random() < 0.96 else "",
            phone_e164=phone_e164,
            phone_typed=phone_typed,
            crm_phone=phone_typed if rng.random() < 0.55 else "",
            channel=channel,
            persona=persona,
            crm_persona=crm_persona,
            devices=devices,
            consider_at=NEVER,
            signup_at=NEVER,
            newsletter_at=NEVER,
            demo_at=NEVER,
            abandon_at=NEVER,
            purchase_at=NEVER,
            sessions_planned=0,
        )
        self._plan(person)
        return person

    def _plan(self, p: Person) -> None:
        """Decide how far the journey goes, as indices of the sessions where each step happens."""
        rng = self.rng
        last = 0
        if rng.random() < _CONSIDER_BY_SOURCE[p.channel.source]:
            p.consider_at = _geometric(rng, 0.55)
            last = p.consider_at
            if rng.random() < 0.48:
                p.signup_at = p.consider_at + scaled(_geometric(rng, 0.5), p.persona.consideration_sessions)
                last = p.signup_at
                if rng.random() < 0.45:
                    p.purchase_at = p.signup_at + scaled(_geometric(rng, 0.45), p.persona.consideration_sessions)
                    last = p.purchase_at
                    if p.purchase_at > p.signup_at and rng.random() < 0.4:
                        p.abandon_at = p.purchase_at - 1
                elif rng.random() < 0.2:
                    p.abandon_at = p.signup_at + 1
                    last = p.abandon_at
            if rng.random() < p.persona.demo_share:
                p.demo_at = p.consider_at + _geometric(rng, 0.5)
                last = max(last, p.demo_at)
            p.sessions_planned = last + 1 + _geometric(rng, 0.2)
        else:
            if rng.random() < 0.09:
                p.newsletter_at = _geometric(rng, 0.5)
                last = p.newsletter_at
            p.sessions_planned = last + 1 + _geometric(rng, 0.23)
