"""Small shared helpers: exact rounding, anonymous keys, months, normalisation."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

STAGES: tuple[str, ...] = ("awareness", "consideration", "conversion", "retention", "advocacy")
STAGE_ORDER: dict[str, int] = {s: i + 1 for i, s in enumerate(STAGES)}
STAGE_DESCRIPTIONS: dict[str, str] = {
    "awareness": "The customer has had any interaction with the company.",
    "consideration": "The customer evaluates the offer: pricing or product pages, demo, sign-up, deal, sales call.",
    "conversion": "The customer buys: order placed, deal won, subscription started.",
    "retention": "The customer stays: a second order or a subscription still running 30 days after it started.",
    "advocacy": "The customer recommends: NPS 9-10, a review rated 4-5, a referral.",
}

MICROS_PER_DAY = 86_400 * 1_000_000


def round_half_away(value: Fraction, decimals: int) -> Decimal:
    """``value`` rounded half away from zero to ``decimals`` places, exactly."""
    scale = 10**decimals
    scaled = abs(value) * scale
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    if value < 0:
        whole = -whole
    return Decimal(whole).scaleb(-decimals)


def ratio(numerator: Fraction | int, denominator: Fraction | int, decimals: int) -> Decimal | None:
    if denominator == 0:
        return None
    return round_half_away(Fraction(numerator) / Fraction(denominator), decimals)


def anon_key(kind: str, identifier: str) -> str:
    return "anon-" + hashlib.sha256(f"{kind}:{identifier}".encode()).hexdigest()[:20]


def month_of(ts: datetime) -> date:
    return date(ts.year, ts.month, 1)


def next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def month_start(month: date) -> datetime:
    return datetime(month.year, month.month, month.day, tzinfo=UTC)


def months_between(first: date, last: date) -> list[date]:
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = next_month(current)
    return months


def exact_days(delta: timedelta) -> Fraction:
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return Fraction(micros, MICROS_PER_DAY)


def normalise_email(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = value.strip().lower()
    return cleaned or None


def present(value: str | None) -> bool:
    return value is not None and value.strip() != ""
