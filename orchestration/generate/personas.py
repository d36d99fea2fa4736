"""Personas: who a person is to the business, and how that shapes the journey.

The CRM's persona property (``persona_1`` ...). Each persona leans on other
acquisition channels, considers for longer or shorter, orders more or less,
calls the contact centre for other reasons, through other channels and at
another point of its journey, so that the marts per persona (funnel, paths,
channel flows, support) show differences worth looking at.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    """A persona and how its people behave (multipliers are relative to an average person)."""

    value: str
    weight: float
    channel_weights: dict[str, float]
    """Multiplier of each acquisition channel's weight (``original_source``); 1 when absent."""
    consideration_sessions: float
    """Multiplier of the sessions between considering and buying (time in consideration)."""
    demo_share: float
    """Chance that a considering person requests a demo (a sales-led purchase)."""
    order_size: float
    """Multiplier of order amounts."""
    support_calls: float
    """Multiplier of the chance to call the contact centre."""
    contact_reasons: dict[str, float]
    """Relative weights of contact reasons of its calls."""
    contact_channels: dict[str, float]
    """Relative weights of the contact-centre channels (VOICE, CHAT, EMAIL) it gets in touch through."""
    presale_questions: float
    """Chance of a question to sales before buying."""
    asks_when: str
    """When that question comes: ``first_visit``, ``considering`` or ``before_checkout`` (the visit before buying)."""


PERSONAS: tuple[Persona, ...] = (
    Persona(
        value="persona_1",
        weight=0.40,
        channel_weights={"paid_search": 1.8, "organic_search": 1.5, "paid_social": 1.4, "offline": 0.3},
        consideration_sessions=0.6,
        demo_share=0.05,
        order_size=0.7,
        support_calls=0.7,
        contact_reasons={"sales_question": 2, "billing": 3, "technical": 3, "cancellation": 1, "complaint": 1},
        contact_channels={"CHAT": 7, "EMAIL": 2, "VOICE": 1},
        presale_questions=0.6,
        asks_when="before_checkout",
    ),
    Persona(
        value="persona_2",
        weight=0.30,
        channel_weights={"referral": 2.0, "offline": 2.5, "email": 1.5, "paid_social": 0.5},
        consideration_sessions=2.0,
        demo_share=0.45,
        order_size=2.2,
        support_calls=1.0,
        contact_reasons={"sales_question": 6, "billing": 2, "technical": 1, "cancellation": 1, "complaint": 0.5},
        contact_channels={"VOICE": 7, "EMAIL": 2, "CHAT": 1},
        presale_questions=0.6,
        asks_when="first_visit",
    ),
    Persona(
        value="persona_3",
        weight=0.30,
        channel_weights={"direct": 1.6, "social": 1.5, "referral": 0.8},
        consideration_sessions=1.0,
        demo_share=0.10,
        order_size=0.9,
        support_calls=2.2,
        contact_reasons={"sales_question": 1, "billing": 4, "technical": 5, "cancellation": 2, "complaint": 2},
        contact_channels={"EMAIL": 6, "CHAT": 3, "VOICE": 1},
        presale_questions=0.5,
        asks_when="considering",
    ),
)
NO_PERSONA_SHARE = 0.15
"""Share of contacts whose CRM record leaves the persona empty."""


def pick_persona(rng: random.Random) -> Persona:
    """A persona by weight."""
    return rng.choices(PERSONAS, weights=[p.weight for p in PERSONAS])[0]


def persona_label(persona: Persona, rng: random.Random) -> str:
    """The persona as the CRM record shows it: empty for some, padded with spaces for a few."""
    u = rng.random()
    if u < NO_PERSONA_SHARE:
        return ""
    if u < NO_PERSONA_SHARE + 0.02:
        return f" {persona.value} "
    return persona.value


def pick_channel(persona: Persona, rng: random.Random) -> str:
    """The contact-centre channel of a contact the person starts, by the persona's preference."""
    channels = persona.contact_channels
    return rng.choices(tuple(channels), weights=tuple(channels.values()))[0]


def scaled(sessions: int, factor: float) -> int:
    """A number of sessions scaled by a persona's factor, rounded half up."""
    return int(sessions * factor + 0.5)


def reason_odds(persona: Persona, reason: str) -> float:
    """How much likelier than average the persona is to get in touch about ``reason``."""
    weights = persona.contact_reasons
    mean = sum(weights.values()) / len(weights)
    return persona.support_calls * weights.get(reason, mean) / mean
