"""Closing the loop: follow-ups of unhappy customers' feedback, by the contract's definitions."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from .common import round_half_away
from .identity import Identity
from .touchpoints import Touchpoint

ACTIONS_MARTS: tuple[str, ...] = ("fct_feedback_follow_ups",)

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


def actions_marts(touchpoints: list[Touchpoint], identity: Identity, as_of: datetime | None) -> dict[str, Rows]:
    return {"fct_feedback_follow_ups": feedback_follow_ups(touchpoints, identity, as_of)}
