"""Paths and flows across channels, and multi-touch attribution, by the contract's definitions.

Credits are exact fractions (``Fraction``) for the first-touch, last-touch, linear and
position-based models; time decay, 2^(−d/7), is irrational and computed in floating point.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from statistics import median
from typing import Any

from .common import exact_days, month_of, ratio, round_half_away
from .identity import Identity
from .metrics import completed_orders, order_eur
from .raw import Deduplicated
from .records import Order
from .seeds import Seeds
from .stages import StageEntry
from .touchpoints import Touchpoint

PATHS_MARTS: tuple[str, ...] = (
    "mart_channel_flows",
    "mart_conversion_paths",
    "fct_attribution_credits",
    "mart_channel_attribution_monthly",
)

MAX_SHOWN_STEPS = 6
START, CONVERSION, NO_CONVERSION, NONE = "(start)", "(conversion)", "(no conversion)", "(none)"
ELLIPSIS = "…"
LOOKBACK = timedelta(days=30)
REVENUE_WINDOW = timedelta(days=30)
HALF_LIFE_DAYS = 7
MODELS = ("first_touch", "last_touch", "linear", "position_based", "time_decay")

Rows = list[dict[str, Any]]

# fct_touchpoints' stable ids are <source_system>:<kind>:<record id> (web:<messageId>); ties in
# time are broken by them, so the reference orders by the same ids.
_PROJECT_PREFIX = {
    "contact_created": "crm:contact_created",
    "deal_created": "crm:deal_created",
    "deal_won": "crm:deal_closed",
    "deal_lost": "crm:deal_closed",
    "order_placed": "crm:order_placed",
    "subscription_started": "crm:subscription_started",
    "subscription_cancelled": "crm:subscription_cancelled",
    "nps_response": "crm:nps_response",
    "web": "web",
    "contact_centre_contact": "contact_centre:contact",
    "csat_response": "contact_centre:csat",
}


def project_touchpoint_id(tp: Touchpoint) -> str:
    kind, record_id = tp.touchpoint_id.split(":", 1)
    return f"{_PROJECT_PREFIX[kind]}:{record_id}"


def _in_order(touchpoints: Iterable[Touchpoint]) -> list[Touchpoint]:
    return sorted(touchpoints, key=lambda tp: (tp.occurred_at, project_touchpoint_id(tp)))


def _conversion_at(entries: list[StageEntry]) -> datetime | None:
    return next((e.entered_at for e in entries if e.stage == "conversion"), None)


def channel_steps(touchpoints: Iterable[Touchpoint]) -> list[str]:
    """Channels of the touchpoints in order, consecutive touchpoints of one channel counted once."""
    steps: list[str] = []
    for tp in _in_order(touchpoints):
        channel = tp.channel or "other"
        if not steps or steps[-1] != channel:
            steps.append(channel)
    return steps


def customer_paths(
    entries: dict[str, list[StageEntry]], touchpoints: list[Touchpoint]
) -> dict[str, tuple[list[str], datetime | None, datetime]]:
    """customer -> (channel steps of its path, conversion time or None, first touchpoint time)."""
    by_customer: dict[str, list[Touchpoint]] = defaultdict(list)
    for tp in touchpoints:
        by_customer[tp.customer_key].append(tp)
    out = {}
    for key, stages in entries.items():
        converted_at = _conversion_at(stages)
        touches = by_customer[key]
        kept = [tp for tp in touches if converted_at is None or tp.occurred_at < converted_at]
        out[key] = (channel_steps(kept), converted_at, min(tp.occurred_at for tp in touches))
    return out


def channel_flows(paths: dict[str, tuple[list[str], datetime | None, datetime]]) -> Rows:
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    for steps, converted_at, _ in paths.values():
        shown = steps[:MAX_SHOWN_STEPS]
        nodes = [START, *shown, CONVERSION if converted_at is not None else NO_CONVERSION]
        for step in range(1, len(nodes)):
            counts[(step, nodes[step - 1], nodes[step])] += 1
    return [{"step": step, "from_node": a, "to_node": b, "customers": n} for (step, a, b), n in sorted(counts.items())]


def path_label(steps: list[str]) -> str:
    label = " > ".join(steps[:MAX_SHOWN_STEPS])
    return label + f" > {ELLIPSIS}" if len(steps) > MAX_SHOWN_STEPS else label


def conversion_paths(paths: dict[str, tuple[list[str], datetime | None, datetime]]) -> Rows:
    groups: dict[str, list[tuple[list[str], datetime | None, datetime]]] = defaultdict(list)
    for value in paths.values():
        groups[path_label(value[0])].append(value)
    rows = []
    for label, members in sorted(groups.items()):
        days = [exact_days(converted - first) for _, converted, first in members if converted is not None]
        rows.append(
            {
                "path": label,
                "path_length": min(len(members[0][0]), MAX_SHOWN_STEPS),
                "customers": len(members),
                "converted_customers": len(days),
                "conversion_rate": ratio(len(days), len(members), 4),
                "median_days_to_convert": round_half_away(median(days), 2) if days else None,
            }
        )
    return rows


def credits_of(model: str, touches: list[Touchpoint], converted_at: datetime) -> list[Fraction | float]:
    """Credit of each lookback touchpoint (oldest first) under ``model``."""
    n = len(touches)
    if model == "first_touch":
        return [Fraction(1 if i == 0 else 0) for i in range(n)]
    if model == "last_touch":
        return [Fraction(1 if i == n - 1 else 0) for i in range(n)]
    if model == "linear":
        return [Fraction(1, n)] * n
    if model == "position_based":
        if n <= 2:
            return [Fraction(1, n)] * n
        return [Fraction(2, 5) if i in (0, n - 1) else Fraction(1, 5 * (n - 2)) for i in range(n)]
    weights = [math.pow(2.0, -float(exact_days(converted_at - tp.occurred_at)) / HALF_LIFE_DAYS) for tp in touches]
    total = math.fsum(weights)
    return [w / total for w in weights]


def _utm_of_web_message(data: Deduplicated, sessions: Rows) -> dict[str, str | None]:
    """touchpoint message id -> utm_source of the session that contains it."""
    by_device: dict[str, Rows] = defaultdict(list)
    for session in sessions:
        by_device[session["anonymous_id"]].append(session)
    out: dict[str, str | None] = {}
    for message_id, message in data.web_events.items():
        for session in by_device.get(message.anonymous_id, []):
            if session["started_at"] <= message.timestamp <= session["ended_at"]:
                out[message_id] = session["utm_source"]
                break
    return out


def attribution_credits(
    entries: dict[str, list[StageEntry]],
    touchpoints: list[Touchpoint],
    data: Deduplicated,
    identity: Identity,
    seeds: Seeds,
    sessions: Rows,
) -> list[dict[str, Any]]:
    """fct_attribution_credits, with exact ``credit`` and ``revenue_eur`` where the model allows."""
    by_customer: dict[str, list[Touchpoint]] = defaultdict(list)
    for tp in touchpoints:
        if tp.channel != "survey":
            by_customer[tp.customer_key].append(tp)
    orders = defaultdict(list)
    for owner, order in completed_orders(data, identity):
        orders[owner].append(order)
    utm = _utm_of_web_message(data, sessions)
    rows = []
    for key in sorted(entries):
        converted_at = _conversion_at(entries[key])
        if converted_at is None:
            continue
        revenue = Fraction(0)
        for order in orders.get(key, []):
            eur = _order_eur(order, seeds)
            if eur is not None and converted_at <= order.ordered_at <= converted_at + REVENUE_WINDOW:
                revenue += eur
        touches = _in_order(tp for tp in by_customer[key] if converted_at - LOOKBACK <= tp.occurred_at < converted_at)
        for model in MODELS:
            if not touches:
                rows.append(_credit_row(key, converted_at, model, None, Fraction(1), revenue))
                continue
            for tp, credit in zip(touches, credits_of(model, touches, converted_at), strict=True):
                if credit > 0:
                    rows.append(_credit_row(key, converted_at, model, tp, credit, revenue, utm))
    return rows


def _order_eur(order: Order, seeds: Seeds) -> Fraction | None:
    """The order's EUR amount, its amount read as the warehouse types amounts (2 decimals,
    half away from zero): the attributed revenue is kept unrounded, so the reading shows."""
    return order_eur(replace(order, amount=round_half_away(Fraction(order.amount), 2)), seeds)


def _credit_row(
    key: str,
    converted_at: datetime,
    model: str,
    tp: Touchpoint | None,
    credit: Fraction | float,
    revenue: Fraction,
    utm: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    web_message = tp.touchpoint_id.split(":", 1)[1] if tp is not None and tp.source_system == "web" else None
    return {
        "customer_key": key,
        "converted_at": converted_at,
        "model": model,
        "touchpoint_id": project_touchpoint_id(tp) if tp is not None else None,
        "channel": (tp.channel or "other") if tp is not None else NONE,
        "utm_source": (utm or {}).get(web_message) if web_message is not None else None,
        "credit": credit,
        "revenue_eur": credit * revenue if isinstance(credit, Fraction) else credit * float(revenue),
    }


def channel_attribution_monthly(credits: list[dict[str, Any]]) -> Rows:
    sums: dict[tuple[Any, str, str], list[Fraction | float]] = defaultdict(lambda: [Fraction(0), Fraction(0)])
    for row in credits:
        total = sums[(month_of(row["converted_at"]), row["model"], row["channel"])]
        total[0] += row["credit"]
        total[1] += row["revenue_eur"]
    return [
        {
            "month": month,
            "model": model,
            "channel": channel,
            "conversions": _rounded(conversions, 4),
            "revenue_eur": _rounded(revenue, 2),
        }
        for (month, model, channel), (conversions, revenue) in sorted(sums.items())
    ]


def _rounded(value: Fraction | float, decimals: int) -> Decimal:
    return round_half_away(Fraction(value) if isinstance(value, Fraction) else Fraction(repr(value)), decimals)


def as_floats(credits: list[dict[str, Any]]) -> Rows:
    """The credit rows as the mart stores them (double precision)."""
    return [{**row, "credit": float(row["credit"]), "revenue_eur": float(row["revenue_eur"])} for row in credits]


def paths_marts(
    entries: dict[str, list[StageEntry]],
    touchpoints: list[Touchpoint],
    data: Deduplicated,
    identity: Identity,
    seeds: Seeds,
    sessions: Rows,
) -> dict[str, Rows]:
    paths = customer_paths(entries, touchpoints)
    credits = attribution_credits(entries, touchpoints, data, identity, seeds, sessions)
    return {
        "mart_channel_flows": channel_flows(paths),
        "mart_conversion_paths": conversion_paths(paths),
        "fct_attribution_credits": as_floats(credits),
        "mart_channel_attribution_monthly": channel_attribution_monthly(credits),
    }
