"""The monthly CX metrics, the funnel and the per-stage experience view."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .common import STAGE_ORDER, STAGES, exact_days, month_of, month_start, next_month, ratio, round_half_away
from .identity import REMOVED, Identity
from .raw import ContactRecord, Deduplicated, Order
from .seeds import Seeds
from .stages import StageEntry
from .touchpoints import Touchpoint, status_of

FCR_WINDOW = timedelta(days=7)


# ---------------------------------------------------------------- building blocks


def nps_score(scores: list[int]) -> Decimal | None:
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return ratio(100 * (promoters - detractors), len(scores), 1)


def csat_pct(scores: list[int]) -> Decimal | None:
    return ratio(100 * sum(1 for s in scores if s >= 4), len(scores), 1)


def csat_avg(scores: list[int]) -> Decimal | None:
    return ratio(sum(scores), len(scores), 2)


def avg_wait_seconds(records: Iterable[ContactRecord]) -> Decimal | None:
    waits = [
        r.queue_duration for r in records if r.inbound and r.answered and r.queued and r.queue_duration is not None
    ]
    return ratio(sum(waits, Fraction(0)), len(waits), 1)


def order_eur(order: Order, seeds: Seeds) -> Fraction | None:
    rate = seeds.fx_rates.get(((order.currency or "").strip().upper(), month_of(order.ordered_at)))
    return Fraction(order.amount) * rate if rate is not None else None


def completed_orders(data: Deduplicated, identity: Identity) -> list[tuple[str, Order]]:
    """(customer_key, order) of every completed order not attributed to a deleted contact."""
    out = []
    for order in data.orders.values():
        owner = identity.for_contact_id(order.contact_id)
        if owner is not REMOVED and status_of(order.status) == "completed":
            out.append((owner, order))  # type: ignore[arg-type]
    return out


def revenue(orders: Iterable[Order], seeds: Seeds) -> Decimal:
    total = Fraction(0)
    for order in orders:
        eur = order_eur(order, seeds)
        if eur is not None:
            total += eur
    return round_half_away(total, 2)


class FirstContactResolution:
    """Whether an answered inbound contact was resolved with no repeat within 7 days."""

    def __init__(self, contact_touchpoints: list[Touchpoint]):
        self._inbound: dict[str, list[ContactRecord]] = defaultdict(list)
        for tp in contact_touchpoints:
            record = tp.contact_record
            if record is not None and record.inbound:
                self._inbound[tp.customer_key].append(record)

    def resolved_first_time(self, customer_key: str, record: ContactRecord) -> bool:
        if not record.resolved:
            return False
        if record.contact_reason is None:
            return True
        start = record.initiation_timestamp
        for other in self._inbound[customer_key]:
            if (
                other.contact_id != record.contact_id
                and other.contact_reason == record.contact_reason
                and start < other.initiation_timestamp <= start + FCR_WINDOW
            ):
                return False
        return True


# ---------------------------------------------------------------- marts


def kpi_months(touchpoints: list[Touchpoint], last_drop: date | None) -> list[date]:
    if not touchpoints or last_drop is None:
        return []
    first = min(month_of(tp.occurred_at) for tp in touchpoints)
    last = date(last_drop.year, last_drop.month, 1)
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = next_month(current)
    return months


def _by_month(touchpoints: Iterable[Touchpoint], kind: str) -> dict[date, list[Touchpoint]]:
    grouped: dict[date, list[Touchpoint]] = defaultdict(list)
    for tp in touchpoints:
        if tp.touchpoint_type == kind:
            grouped[month_of(tp.occurred_at)].append(tp)
    return grouped


def cx_kpis_monthly(
    months: list[date],
    touchpoints: list[Touchpoint],
    entries: dict[str, list[StageEntry]],
    data: Deduplicated,
    identity: Identity,
    seeds: Seeds,
) -> list[dict[str, Any]]:
    nps = _by_month(touchpoints, "nps_response")
    csat = _by_month(touchpoints, "csat_response")
    contacts = _by_month(touchpoints, "contact_centre_contact")
    fcr = FirstContactResolution([tp for tp in touchpoints if tp.touchpoint_type == "contact_centre_contact"])
    conversions: dict[date, int] = defaultdict(int)
    for stages in entries.values():
        for entry in stages:
            if entry.stage == "conversion":
                conversions[month_of(entry.entered_at)] += 1
    subscriptions = [s for s in data.subscriptions.values() if identity.for_contact_id(s.contact_id) is not REMOVED]
    orders_by_month: dict[date, list[Order]] = defaultdict(list)
    for _, order in completed_orders(data, identity):
        orders_by_month[month_of(order.ordered_at)].append(order)

    rows = []
    for month in months:
        nps_scores = [tp.score for tp in nps.get(month, []) if tp.score is not None]
        csat_scores = [tp.score for tp in csat.get(month, []) if tp.score is not None]
        records = [(tp.customer_key, tp.contact_record) for tp in contacts.get(month, []) if tp.contact_record]
        inbound = [(k, r) for k, r in records if r.inbound]
        answered = [(k, r) for k, r in inbound if r.answered]
        queued = [r for _, r in inbound if r.queued]
        start, end = month_start(month), month_start(next_month(month))
        active = [
            s for s in subscriptions if s.started_at < start and (s.cancelled_at is None or s.cancelled_at >= start)
        ]
        churned = [s for s in active if s.cancelled_at is not None and s.cancelled_at < end]
        rows.append(
            {
                "month": month,
                "nps": nps_score(nps_scores),
                "nps_responses": len(nps_scores),
                "csat_pct": csat_pct(csat_scores),
                "csat_avg": csat_avg(csat_scores),
                "csat_responses": len(csat_scores),
                "answered_contacts": len(answered),
                "abandonment_rate": ratio(sum(1 for r in queued if not r.answered), len(queued), 4),
                "avg_wait_seconds": avg_wait_seconds(r for _, r in records),
                "fcr_rate": ratio(sum(1 for k, r in answered if fcr.resolved_first_time(k, r)), len(answered), 4),
                "new_customers": conversions.get(month, 0),
                "churn_rate": ratio(len(churned), len(active), 4),
                "net_revenue_eur": revenue(orders_by_month.get(month, []), seeds),
            }
        )
    return rows


def journey_funnel(entries: dict[str, list[StageEntry]]) -> list[dict[str, Any]]:
    cohorts: dict[date, list[list[StageEntry]]] = defaultdict(list)
    for stages in entries.values():
        cohorts[month_of(stages[0].entered_at)].append(stages)
    rows = []
    for cohort in sorted(cohorts):
        for stage in STAGES:
            reached = [e for stages in cohorts[cohort] for e in stages if e.stage == stage]
            progressed = [e for e in reached if e.exited_at is not None]
            days = [exact_days(e.exited_at - e.entered_at) for e in progressed]  # type: ignore[operator]
            rows.append(
                {
                    "cohort_month": cohort,
                    "stage": stage,
                    "stage_order": STAGE_ORDER[stage],
                    "customers_entered": len(reached),
                    "customers_progressed": len(progressed),
                    "progression_rate": ratio(len(progressed), len(reached), 4),
                    "median_days_to_progress": round_half_away(Fraction(statistics.median(days)), 2) if days else None,
                }
            )
    return rows


def stage_experience_monthly(
    months: list[date], touchpoints: list[Touchpoint], stage_of: dict[str, str | None]
) -> list[dict[str, Any]]:
    grouped: dict[tuple[date, str | None], list[Touchpoint]] = defaultdict(list)
    for tp in touchpoints:
        grouped[(month_of(tp.occurred_at), stage_of[tp.touchpoint_id])].append(tp)
    rows = []
    for month in months:
        for stage in STAGES:
            tps = grouped.get((month, stage), [])
            records = [tp.contact_record for tp in tps if tp.contact_record is not None]
            rows.append(
                {
                    "month": month,
                    "stage": stage,
                    "touchpoints": len(tps),
                    "contacts": len(records),
                    "avg_wait_seconds": avg_wait_seconds(records),
                    "csat_pct": csat_pct([tp.score for tp in tps if tp.touchpoint_type == "csat_response"]),  # type: ignore[misc]
                    "nps": nps_score([tp.score for tp in tps if tp.touchpoint_type == "nps_response"]),  # type: ignore[misc]
                }
            )
    return rows


def latest(items: Iterable[tuple[datetime, str, Any]]) -> Any:
    best = max(items, default=None, key=lambda x: (x[0], x[1]))
    return best[2] if best else None
