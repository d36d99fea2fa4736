"""Closing the loop: follow-ups of unhappy customers' feedback, by the contract's definitions."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from .common import month_of, ratio, round_half_away
from .identity import REMOVED, Identity
from .raw import Deduplicated
from .touchpoints import Touchpoint

ACTIONS_MARTS: tuple[str, ...] = ("fct_feedback_follow_ups", "mart_customer_actions")

FOLLOW_UP_WINDOW = timedelta(hours=48)
FOLLOW_UP_METHODS = ("OUTBOUND", "CALLBACK")
DETRACTOR_MAX, DISSATISFIED_MAX = 6, 2

Rows = list[dict[str, Any]]


def _unhappy(tp: Touchpoint) -> tuple[str, str] | None:
    """(survey_type, response_id) of a detractor NPS or dissatisfied CSAT response."""
    if tp.nps is not None and tp.nps.score is not None and tp.nps.score <= DETRACTOR_MAX:
        return "nps", tp.nps.response_id
    if tp.csat is not None and tp.csat.score is not None and tp.csat.score <= DISSATISFIED_MAX:
        return "csat", tp.csat.survey_id
    return None


def _hours(delta: timedelta) -> Fraction:
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return Fraction(micros, 3_600_000_000)


def feedback_follow_ups(touchpoints: list[Touchpoint], identity: Identity, as_of: datetime | None) -> Rows:
    follow_ups: dict[str, list[datetime]] = defaultdict(list)
    for tp in touchpoints:
        if tp.contact_record is not None and tp.initiation_method in FOLLOW_UP_METHODS:
            follow_ups[tp.customer_key].append(tp.occurred_at)
    rows = []
    for tp in touchpoints:
        unhappy = _unhappy(tp)
        if unhappy is None or not identity.is_known(tp.customer_key):
            continue
        later = [at for at in follow_ups.get(tp.customer_key, []) if at > tp.occurred_at]
        followed_up_at = min(later) if later else None
        if followed_up_at is not None:
            status = "closed" if followed_up_at - tp.occurred_at <= FOLLOW_UP_WINDOW else "late"
        else:
            status = "open" if as_of is not None and as_of - tp.occurred_at <= FOLLOW_UP_WINDOW else "overdue"
        rows.append(
            {
                "response_id": unhappy[1],
                "survey_type": unhappy[0],
                "customer_key": tp.customer_key,
                "submitted_at": tp.occurred_at,
                "followed_up_at": followed_up_at,
                "hours_to_follow_up": round_half_away(_hours(followed_up_at - tp.occurred_at), 2)
                if followed_up_at is not None
                else None,
                "status": status,
            }
        )
    return rows


SUPPRESSING_REASONS = {"cancellation": "cancellation_contact", "complaint": "complaint_contact"}
SUPPRESSION_WINDOW = timedelta(days=7)
WIN_BACK_WINDOW = timedelta(days=30)
WIN_BACK_DUE = timedelta(days=7)


def customer_actions(
    customers: Rows,
    follow_ups: Rows,
    cases: Rows,
    touchpoints: list[Touchpoint],
    data: Deduplicated,
    identity: Identity,
    as_of: datetime | None,
) -> Rows:
    """mart_customer_actions: one row per known customer and action open at ``as_of``."""
    if as_of is None:
        return []
    triggers: dict[tuple[str, str], list[tuple[datetime, str, str, datetime]]] = defaultdict(list)
    for row in follow_ups:
        if row["status"] in ("open", "overdue"):
            reason = "detractor_nps" if row["survey_type"] == "nps" else "dissatisfied_csat"
            at = row["submitted_at"]
            triggers[(row["customer_key"], "follow_up_feedback")].append(
                (at, row["response_id"], reason, at + FOLLOW_UP_WINDOW)
            )
    for tp in touchpoints:
        record = tp.contact_record
        if record is None or tp.contact_reason not in SUPPRESSING_REASONS:
            continue
        if as_of - SUPPRESSION_WINDOW <= tp.occurred_at < as_of:
            triggers[(tp.customer_key, "suppress_marketing")].append(
                (tp.occurred_at, record.contact_id, SUPPRESSING_REASONS[tp.contact_reason], tp.occurred_at)
            )
    for case in cases:
        if case["status"] == "open":
            at = case["opened_at"]
            triggers[(case["customer_key"], "suppress_marketing")].append((at, case["case_id"], "open_case", at))
    subscriptions: dict[str, list[Any]] = defaultdict(list)
    for sub in data.subscriptions.values():
        owner = identity.for_contact_id(sub.contact_id)
        if owner is not REMOVED:
            subscriptions[owner].append(sub)  # type: ignore[index]
    for key, subs in subscriptions.items():
        if any(s.started_at < as_of and (s.cancelled_at is None or s.cancelled_at >= as_of) for s in subs):
            continue
        for sub in subs:
            if sub.cancelled_at is not None and as_of - WIN_BACK_WINDOW <= sub.cancelled_at < as_of:
                triggers[(key, "win_back")].append(
                    (sub.cancelled_at, sub.subscription_id, "subscription_cancelled", sub.cancelled_at + WIN_BACK_DUE)
                )
    known = {row["customer_key"]: row for row in customers if row["is_known"]}
    rows = []
    for (key, action), found in sorted(triggers.items()):
        if key not in known:
            continue
        latest = max((t[0], t[1]) for t in found)
        at, trigger_id, reason, due_at = min((t for t in found if (t[0], t[1]) == latest), key=lambda t: t[2])
        rows.append(
            {
                "customer_key": key,
                "action": action,
                "reason": reason,
                "trigger_id": trigger_id,
                "triggered_at": at,
                "due_at": due_at,
                "persona": known[key]["persona"],
                "current_stage": known[key]["current_stage"],
            }
        )
    return rows


def actions_marts(
    customers: Rows,
    cases: Rows,
    touchpoints: list[Touchpoint],
    data: Deduplicated,
    identity: Identity,
    as_of: datetime | None,
) -> dict[str, Rows]:
    """The follow-ups and the action list, from the reference's dim_customers and support cases."""
    follow_ups = feedback_follow_ups(touchpoints, identity, as_of)
    return {
        "fct_feedback_follow_ups": follow_ups,
        "mart_customer_actions": customer_actions(customers, follow_ups, cases, touchpoints, data, identity, as_of),
    }


def follow_up_kpis(months: list[date], follow_ups: Rows, responses: Rows) -> dict[date, dict[str, Any]]:
    """The columns mart_cx_kpis_monthly gains from the follow-ups and the survey responses, by month."""
    follow_up_rows: dict[date, list[bool]] = defaultdict(list)
    for row in follow_ups:
        follow_up_rows[month_of(row["submitted_at"])].append(row["status"] == "closed")
    response_rows: dict[date, list[bool]] = defaultdict(list)
    for row in responses:
        response_rows[month_of(row["submitted_at"])].append(bool(row["during_open_case"]))
    return {
        month: {
            "follow_up_48h_rate": ratio(sum(follow_up_rows[month]), len(follow_up_rows[month]), 4),
            "surveys_during_open_case_rate": ratio(sum(response_rows[month]), len(response_rows[month]), 4),
        }
        for month in months
    }
