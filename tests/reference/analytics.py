"""Journey analytics: personas, support cases, survey responses with sentiment, outcomes per
stage and predicted CLV, computed from the contract's words."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from orchestration.sentiment import PatternLexiconScorer

from .common import STAGE_ORDER, STAGES, month_of, month_start, next_month, ratio, round_half_away
from .identity import REMOVED, Identity
from .metrics import avg_wait_seconds, csat_pct, nps_score, order_eur
from .raw import ContactRecord, Deduplicated
from .seeds import Seeds
from .stages import StageEntry, days_in_stage, stage_at
from .touchpoints import PLACED_STATUSES, Touchpoint, status_of

CASE_WINDOW = timedelta(hours=168)
FOLLOWERS = ("TRANSFER", "CALLBACK")
CASE_CHANNELS = {"VOICE": "phone", "CHAT": "chat", "EMAIL": "email"}
MAX_LIFETIME_MONTHS = Fraction(60)
Rows = list[dict[str, Any]]


def persona_of(key: str, identity: Identity) -> str:
    if not identity.is_known(key):
        return "anonymous"
    persona = (identity.contacts[key].persona or "").strip()
    return persona or "unassigned"


# ---------------------------------------------------------------- support cases


@dataclass
class Case:
    case_id: str
    customer_key: str
    reason: str
    members: list[tuple[str, ContactRecord]]


def _method(record: ContactRecord) -> str:
    return (record.initiation_method or "").strip().upper()


def support_cases(touchpoints: list[Touchpoint]) -> dict[str, Case]:
    """Cases by case_id, read straight from the contract's rule."""
    contacts = [(tp.customer_key, tp.contact_record) for tp in touchpoints if tp.contact_record is not None]
    contacts.sort(key=lambda kc: (kc[1].initiation_timestamp, kc[1].contact_id))
    by_id = {record.contact_id: (key, record) for key, record in contacts}
    cases: dict[str, Case] = {}
    inbound_case: dict[str, str] = {}
    last_of_run: dict[tuple[str, str], tuple[datetime, str]] = {}
    for key, record in contacts:
        if _method(record) != "INBOUND":
            continue
        reason = record.contact_reason
        previous = last_of_run.get((key, reason)) if reason is not None else None
        if previous is not None and record.initiation_timestamp - previous[0] <= CASE_WINDOW:
            case_id = previous[1]
        else:
            case_id = record.contact_id
            cases[case_id] = Case(case_id, key, reason or "unknown", [])
        if reason is not None:
            last_of_run[(key, reason)] = (record.initiation_timestamp, case_id)
        inbound_case[record.contact_id] = case_id
        cases[case_id].members.append((key, record))

    def initial_of(key: str, record: ContactRecord) -> ContactRecord | None:
        """The contact named by InitialContactId, when it is another contact of the same customer."""
        found = by_id.get(record.initial_contact_id or "")
        if found is None or found[0] != key or found[1].contact_id == record.contact_id:
            return None
        return found[1]

    def case_of_follower(key: str, record: ContactRecord) -> str:
        initial = initial_of(key, record)
        if initial is None:
            return record.contact_id
        if initial.contact_id in inbound_case:
            return inbound_case[initial.contact_id]
        if _method(initial) in FOLLOWERS:
            # the initial transfer's own case: the one it joined, or the one it opened
            inner = initial_of(key, initial)
            if inner is not None and inner.contact_id in inbound_case:
                return inbound_case[inner.contact_id]
            return initial.contact_id
        return record.contact_id

    followers = [(k, r) for k, r in contacts if _method(r) in FOLLOWERS]
    for key, record in followers:
        case_id = case_of_follower(key, record)
        if case_id not in cases:
            opener = by_id[case_id]
            cases[case_id] = Case(case_id, opener[0], opener[1].contact_reason or "unknown", [])
        cases[case_id].members.append((key, record))
    return cases


def fct_support_cases(
    cases: dict[str, Case],
    entries: dict[str, list[StageEntry]],
    csat_by_contact: dict[str, list[int]],
    as_of: datetime,
) -> Rows:
    rows = []
    for case in cases.values():
        records = sorted((r for _, r in case.members), key=lambda r: (r.initiation_timestamp, r.contact_id))
        opener = next(r for r in records if r.contact_id == case.case_id)
        last = records[-1]
        resolved_at = last.disconnect_timestamp if last.resolved else None
        scores = [s for r in records for s in csat_by_contact.get(r.contact_id, [])]
        hours = None
        if resolved_at is not None:
            micros = (resolved_at - opener.initiation_timestamp) // timedelta(microseconds=1)
            hours = round_half_away(Fraction(micros, 3_600_000_000), 2)
        if last.resolved:
            status = "resolved"
        elif as_of - last.initiation_timestamp <= CASE_WINDOW:
            status = "open"
        else:
            status = "unresolved"
        channels = sorted(
            {
                CASE_CHANNELS[(r.channel or "").strip().upper()]
                for r in records
                if (r.channel or "").strip().upper() in CASE_CHANNELS
            }
        )
        rows.append(
            {
                "case_id": case.case_id,
                "customer_key": case.customer_key,
                "contact_reason": case.reason,
                "opened_at": opener.initiation_timestamp,
                "last_contact_at": last.initiation_timestamp,
                "contacts": len(records),
                "channels": ",".join(channels),
                "first_channel": CASE_CHANNELS.get((opener.channel or "").strip().upper(), "other"),
                "is_resolved": last.resolved,
                "resolved_at": resolved_at,
                "hours_to_resolution": hours,
                "is_one_touch": len(records) == 1 and last.resolved,
                "total_wait_seconds": float(sum((r.queue_duration or Fraction(0) for r in records), Fraction(0))),
                "csat_avg": ratio(sum(scores), len(scores), 2),
                "stage_at_open": stage_at(entries.get(case.customer_key, []), opener.initiation_timestamp),
                "status": status,
            }
        )
    return rows


# ---------------------------------------------------------------- survey responses


def category(survey_type: str, score: int) -> str:
    if survey_type == "nps":
        return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    return "satisfied" if score >= 4 else "neutral" if score == 3 else "dissatisfied"


def sentiment_label(score: float | None) -> str | None:
    if score is None:
        return None
    return "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"


def fct_survey_responses(touchpoints: list[Touchpoint], stage_of: dict[str, str | None], case_rows: Rows) -> Rows:
    scorer = PatternLexiconScorer()
    cases_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in case_rows:
        cases_of[case["customer_key"]].append(case)
    rows = []
    for tp in touchpoints:
        if tp.touchpoint_type == "nps_response" and tp.nps is not None:
            survey_type, response_id = "nps", tp.nps.response_id
            sentiment = scorer.score(tp.nps.comment) if tp.nps.comment else None
        elif tp.touchpoint_type == "csat_response" and tp.csat is not None:
            survey_type, response_id, sentiment = "csat", tp.csat.survey_id, None
        else:
            continue
        at = tp.occurred_at
        rows.append(
            {
                "response_id": response_id,
                "survey_type": survey_type,
                "customer_key": tp.customer_key,
                "submitted_at": at,
                "score": tp.score,
                "category": category(survey_type, tp.score),  # type: ignore[arg-type]
                "stage": stage_of[tp.touchpoint_id],
                "sentiment_score": sentiment,
                "sentiment_label": sentiment_label(sentiment),
                "during_open_case": any(
                    c["opened_at"] < at and (c["resolved_at"] is None or c["resolved_at"] > at)
                    for c in cases_of.get(tp.customer_key, [])
                ),
            }
        )
    return rows


# ---------------------------------------------------------------- personas


def mart_persona_journey(
    entries: dict[str, list[StageEntry]],
    touchpoints: list[Touchpoint],
    stage_of: dict[str, str | None],
    identity: Identity,
    as_of: datetime,
) -> Rows:
    persona = {key: persona_of(key, identity) for key in entries}
    reached: dict[tuple[str, str], list[StageEntry]] = defaultdict(list)
    for key, stages in entries.items():
        for entry in stages:
            reached[(persona[key], entry.stage)].append(entry)
    touches: dict[tuple[str, str | None], list[Touchpoint]] = defaultdict(list)
    for tp in touchpoints:
        touches[(persona[tp.customer_key], stage_of[tp.touchpoint_id])].append(tp)
    rows = []
    for name in sorted(set(persona.values())):
        for stage in STAGES:
            stage_rows = reached.get((name, stage), [])
            tps = touches.get((name, stage), [])
            days = [Fraction(days_in_stage(e, as_of)) for e in stage_rows]
            progressed = sum(1 for e in stage_rows if e.exited_at is not None)
            rows.append(
                {
                    "persona": name,
                    "stage": stage,
                    "stage_order": STAGE_ORDER[stage],
                    "customers_entered": len(stage_rows),
                    "customers_progressed": progressed,
                    "progression_rate": ratio(progressed, len(stage_rows), 4),
                    "median_days_in_stage": round_half_away(Fraction(statistics.median(days)), 2) if days else None,
                    "touchpoints_per_customer": ratio(len(tps), len(stage_rows), 2),
                    "nps": nps_score([tp.score for tp in tps if tp.touchpoint_type == "nps_response"]),  # type: ignore[misc]
                    "csat_pct": csat_pct([tp.score for tp in tps if tp.touchpoint_type == "csat_response"]),  # type: ignore[misc]
                    "avg_wait_seconds": avg_wait_seconds(tp.contact_record for tp in tps if tp.contact_record),
                }
            )
    return rows


# ---------------------------------------------------------------- outcomes per stage and month


def stage_outcomes(
    months: list[date],
    touchpoints: list[Touchpoint],
    stage_of: dict[str, str | None],
    survey_rows: Rows,
    data: Deduplicated,
    identity: Identity,
    entries: dict[str, list[StageEntry]],
    seeds: Seeds,
) -> dict[tuple[date, str], dict[str, Any]]:
    """The columns mart_stage_experience_monthly gains, by (month, stage)."""
    orders: dict[tuple[date, str | None], list[Fraction | None]] = defaultdict(list)
    for order in data.orders.values():
        owner = identity.for_contact_id(order.contact_id)
        if owner is REMOVED or status_of(order.status) not in PLACED_STATUSES:
            continue
        stage = stage_at(entries.get(owner, []), order.ordered_at)  # type: ignore[arg-type]
        completed = status_of(order.status) == "completed"
        orders[(month_of(order.ordered_at), stage)].append(order_eur(order, seeds) if completed else None)
    sentiments: dict[tuple[date, str | None], list[float]] = defaultdict(list)
    for row in survey_rows:
        if row["sentiment_score"] is not None:
            sentiments[(month_of(row["submitted_at"]), row["stage"])].append(row["sentiment_score"])
    contacts: dict[tuple[date, str | None], list[str]] = defaultdict(list)
    for tp in touchpoints:
        if tp.contact_record is not None:
            contacts[(month_of(tp.occurred_at), stage_of[tp.touchpoint_id])].append(tp.customer_key)
    out = {}
    for month in months:
        for stage in STAGES:
            placed = orders.get((month, stage), [])
            completed_flags = [o for o in placed if o is not None]
            scores = sentiments.get((month, stage), [])
            who = contacts.get((month, stage), [])
            out[(month, stage)] = {
                "orders": len(placed),
                "avg_order_value_eur": ratio(sum(completed_flags, Fraction(0)), len(completed_flags), 2),
                "avg_sentiment": round_half_away(Fraction(sum(scores)) / len(scores), 3) if scores else None,
                "contacts_per_customer": ratio(len(who), len(set(who)), 2),
            }
    return out


def case_kpis(months: list[date], case_rows: Rows) -> dict[date, dict[str, Any]]:
    """The columns mart_cx_kpis_monthly gains from the support cases, by month."""
    by_month: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for case in case_rows:
        by_month[month_of(case["opened_at"])].append(case)
    return {
        month: {
            "cases_opened": len(by_month.get(month, [])),
            "contacts_per_case": ratio(
                sum(c["contacts"] for c in by_month.get(month, [])), len(by_month.get(month, [])), 2
            ),
            "case_resolution_rate": ratio(
                sum(1 for c in by_month.get(month, []) if c["is_resolved"]), len(by_month.get(month, [])), 4
            ),
        }
        for month in months
    }


# ---------------------------------------------------------------- predicted CLV


def expected_lifetime_months(months: list[date], data: Deduplicated, identity: Identity) -> Fraction:
    subscriptions = [s for s in data.subscriptions.values() if identity.for_contact_id(s.contact_id) is not REMOVED]
    rates = []
    for month in months[-12:]:
        start, end = month_start(month), month_start(next_month(month))
        active = [
            s for s in subscriptions if s.started_at < start and (s.cancelled_at is None or s.cancelled_at >= start)
        ]
        if active:
            churned = sum(1 for s in active if s.cancelled_at is not None and s.cancelled_at < end)
            rates.append(Fraction(churned, len(active)))
    mean = sum(rates, Fraction(0)) / len(rates) if rates else Fraction(0)
    return MAX_LIFETIME_MONTHS if mean == 0 else min(MAX_LIFETIME_MONTHS, 1 / mean)


def predicted_clv(
    months: list[date], data: Deduplicated, identity: Identity, seeds: Seeds, as_of: datetime, last_drop: date
) -> dict[str, Decimal]:
    """predicted_clv_eur of every customer with an order or a subscription."""
    lifetime = expected_lifetime_months(months, data, identity)
    last_month = date(last_drop.year, last_drop.month, 1)
    rate_of: dict[str, Fraction] = {}
    for (currency, month), rate in sorted(seeds.fx_rates.items()):
        if month <= last_month:
            rate_of[currency] = rate
    revenue: dict[str, Fraction] = defaultdict(Fraction)
    for order in data.orders.values():
        owner = identity.for_contact_id(order.contact_id)
        if owner is not REMOVED and status_of(order.status) == "completed":
            eur = order_eur(order, seeds)
            revenue[owner] += eur if eur is not None else Fraction(0)  # type: ignore[index]
    mrr: dict[str, Fraction] = defaultdict(Fraction)
    for sub in data.subscriptions.values():
        owner = identity.for_contact_id(sub.contact_id)
        if owner is REMOVED:
            continue
        revenue[owner] += 0  # type: ignore[index]
        active = sub.started_at < as_of and (sub.cancelled_at is None or sub.cancelled_at >= as_of)
        rate = rate_of.get((sub.currency or "").strip().upper())
        if active and rate is not None:
            mrr[owner] += Fraction(sub.mrr) * rate  # type: ignore[index]
    return {
        key: round_half_away(total + (mrr.get(key, Fraction(0)) * lifetime if identity.is_known(key) else 0), 2)
        for key, total in revenue.items()
    }
