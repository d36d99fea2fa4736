"""Every mart the warehouse publishes, computed from the landing zone."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .actions import ACTIONS_MARTS, actions_marts, follow_up_kpis
from .analytics import (
    case_kpis,
    fct_support_cases,
    fct_survey_responses,
    mart_persona_journey,
    persona_of,
    predicted_clv,
    stage_outcomes,
    support_cases,
)
from .common import STAGE_DESCRIPTIONS, STAGE_ORDER, STAGES, normalise_email
from .identity import REMOVED, Identity, build_identity
from .metrics import (
    completed_orders,
    cx_kpis_monthly,
    journey_funnel,
    kpi_months,
    latest,
    revenue,
    stage_experience_monthly,
)
from .paths import PATHS_MARTS, paths_marts
from .raw import Deduplicated, load
from .seeds import SEEDS_DIR, load_seeds
from .sessions import build_sessions
from .stages import StageEntry, days_in_stage, stage_at, stage_entries
from .touchpoints import Touchpoint, build_touchpoints

MARTS: tuple[str, ...] = (
    "fct_customer_journey",
    "fct_touchpoints",
    "fct_web_sessions",
    "dim_customers",
    "dim_journey_stages",
    "mart_cx_kpis_monthly",
    "mart_journey_funnel",
    "mart_stage_experience_monthly",
    "mart_persona_journey",
    "fct_support_cases",
    "fct_survey_responses",
    *PATHS_MARTS,
    *ACTIONS_MARTS,
)

Rows = list[dict[str, Any]]


def as_of(landing_dir: Path) -> datetime:
    """Midnight UTC after the latest drop date loaded in any source."""
    value = load(Path(landing_dir)).as_of
    if value is None:
        raise ValueError(f"no drop of any source could be loaded from {landing_dir}")
    return value


def dim_journey_stages() -> Rows:
    return [{"stage": s, "stage_order": STAGE_ORDER[s], "description": STAGE_DESCRIPTIONS[s]} for s in STAGES]


def fct_touchpoints(touchpoints: list[Touchpoint], stage_of: dict[str, str | None]) -> Rows:
    rows = [
        {
            "touchpoint_id": tp.touchpoint_id,
            "customer_key": tp.customer_key,
            "occurred_at": tp.occurred_at,
            "source_system": tp.source_system,
            "channel": tp.channel,
            "touchpoint_type": tp.touchpoint_type,
            "stage": stage_of[tp.touchpoint_id],
        }
        for tp in touchpoints
    ]
    rows.sort(key=lambda r: (r["customer_key"], r["occurred_at"], r["touchpoint_id"]))
    return rows


def fct_customer_journey(
    entries: dict[str, list[StageEntry]],
    touchpoints: list[Touchpoint],
    stage_of: dict[str, str | None],
    as_of_ts: datetime,
) -> Rows:
    in_stage: dict[tuple[str, str | None], list[Touchpoint]] = defaultdict(list)
    for tp in touchpoints:
        in_stage[(tp.customer_key, stage_of[tp.touchpoint_id])].append(tp)
    rows = []
    for key in sorted(entries):
        for entry in entries[key]:
            tps = in_stage.get((key, entry.stage), [])
            rows.append(
                {
                    "customer_key": key,
                    "stage": entry.stage,
                    "stage_order": entry.stage_order,
                    "entered_at": entry.entered_at,
                    "exited_at": entry.exited_at,
                    "next_stage": entry.next_stage,
                    "days_in_stage": days_in_stage(entry, as_of_ts),
                    "touchpoints_in_stage": len(tps),
                    "channels_in_stage": ",".join(sorted({tp.channel for tp in tps if tp.channel is not None})),
                    "entry_channel": entry.entry_channel,
                    "is_current_stage": entry.is_current_stage,
                }
            )
    return rows


def dim_customers(
    entries: dict[str, list[StageEntry]],
    touchpoints: list[Touchpoint],
    data: Deduplicated,
    identity: Identity,
    seeds: Any,
    clv: dict[str, Decimal],
) -> Rows:
    first_seen: dict[str, datetime] = {}
    nps: dict[str, list[tuple[datetime, str, int]]] = defaultdict(list)
    for tp in touchpoints:
        if tp.customer_key not in first_seen or tp.occurred_at < first_seen[tp.customer_key]:
            first_seen[tp.customer_key] = tp.occurred_at
        if tp.touchpoint_type == "nps_response" and tp.nps is not None:
            nps[tp.customer_key].append((tp.occurred_at, tp.nps.response_id, tp.nps.score))
    subscriptions: dict[str, list[datetime | None]] = defaultdict(list)
    for sub in data.subscriptions.values():
        owner = identity.for_contact_id(sub.contact_id)
        if owner is not REMOVED:
            subscriptions[owner].append(sub.cancelled_at)  # type: ignore[index]
    orders = defaultdict(list)
    for owner, order in completed_orders(data, identity):
        orders[owner].append(order)

    rows = []
    for key in sorted(entries):
        stages = entries[key]
        known = identity.is_known(key)
        contact = identity.contacts[key] if known else None
        email = normalise_email(contact.email) if contact else None
        cancellations = subscriptions.get(key, [])
        churned_at = (
            max(cancellations)  # type: ignore[type-var]
            if cancellations and all(c is not None for c in cancellations)
            else None
        )
        conversion = next((e for e in stages if e.stage == "conversion"), None)
        rows.append(
            {
                "customer_key": key,
                "is_known": known,
                "email_sha256": hashlib.sha256(email.encode()).hexdigest() if email else None,
                "country": contact.country if contact else None,
                "original_source": contact.original_source if contact else None,
                "lifecycle_stage": contact.lifecycle_stage if contact else None,
                "persona": persona_of(key, identity),
                "current_stage": stages[-1].stage,
                "first_seen_at": first_seen[key],
                "converted_at": conversion.entered_at if conversion else None,
                "churned_at": churned_at,
                "lifetime_revenue_eur": revenue(orders.get(key, []), seeds) if key in orders else Decimal("0.00"),
                "latest_nps_score": latest(nps.get(key, [])),
                "predicted_clv_eur": clv.get(key, Decimal("0.00")),
            }
        )
    return rows


def compute_reference(landing_dir: Path, seeds_dir: Path = SEEDS_DIR) -> dict[str, Rows]:
    """Every mart, computed straight from the landing zone by the contract's definitions."""
    seeds = load_seeds(Path(seeds_dir))
    data = load(Path(landing_dir))
    identity = build_identity(data, seeds)
    touchpoints = build_touchpoints(data, identity, seeds)
    entries = stage_entries(touchpoints, data, identity)
    stage_of = {tp.touchpoint_id: stage_at(entries[tp.customer_key], tp.occurred_at) for tp in touchpoints}
    months = kpi_months(touchpoints, data.last_drop)
    as_of_ts = data.as_of
    sessions = build_sessions(data, identity, seeds)
    if as_of_ts is None or data.last_drop is None:
        return {
            **{mart: [] for mart in MARTS},
            "fct_touchpoints": fct_touchpoints(touchpoints, stage_of),
            "fct_web_sessions": sessions,
            "dim_customers": dim_customers(entries, touchpoints, data, identity, seeds, {}),
            "dim_journey_stages": dim_journey_stages(),
            "mart_cx_kpis_monthly": cx_kpis_monthly(months, touchpoints, entries, data, identity, seeds),
            "mart_journey_funnel": journey_funnel(entries),
            "mart_stage_experience_monthly": stage_experience_monthly(months, touchpoints, stage_of),
        }
    cases = fct_support_cases(support_cases(touchpoints), entries, _csat_by_contact(touchpoints), as_of_ts)
    responses = fct_survey_responses(touchpoints, stage_of, cases)
    experience = stage_experience_monthly(months, touchpoints, stage_of)
    outcomes = stage_outcomes(months, touchpoints, stage_of, responses, data, identity, entries, seeds)
    for row in experience:
        row.update(outcomes[(row["month"], row["stage"])])
    kpis = cx_kpis_monthly(months, touchpoints, entries, data, identity, seeds)
    case_columns = case_kpis(months, cases)
    for row in kpis:
        row.update(case_columns[row["month"]])
    clv = predicted_clv(months, data, identity, seeds, as_of_ts, data.last_drop)
    customers = dim_customers(entries, touchpoints, data, identity, seeds, clv)
    actions = actions_marts(customers, cases, touchpoints, data, identity, as_of_ts)
    loop_columns = follow_up_kpis(months, actions["fct_feedback_follow_ups"], responses)
    for row in kpis:
        row.update(loop_columns[row["month"]])
    return {
        "fct_customer_journey": fct_customer_journey(entries, touchpoints, stage_of, as_of_ts),
        "fct_touchpoints": fct_touchpoints(touchpoints, stage_of),
        "fct_web_sessions": sessions,
        "dim_customers": customers,
        "dim_journey_stages": dim_journey_stages(),
        "mart_cx_kpis_monthly": kpis,
        "mart_journey_funnel": journey_funnel(entries),
        "mart_stage_experience_monthly": experience,
        "mart_persona_journey": mart_persona_journey(entries, touchpoints, stage_of, identity, as_of_ts),
        "fct_support_cases": cases,
        "fct_survey_responses": responses,
        **paths_marts(entries, touchpoints, data, identity, seeds, sessions),
        **actions,
    }


def _csat_by_contact(touchpoints: list[Touchpoint]) -> dict[str, list[int]]:
    scores: dict[str, list[int]] = defaultdict(list)
    for tp in touchpoints:
        if tp.touchpoint_type == "csat_response" and tp.csat is not None and tp.score is not None:
            scores[tp.csat.contact_record_id].append(tp.score)
    return scores
