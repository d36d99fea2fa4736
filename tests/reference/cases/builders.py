"""Helpers to write hand-made landing-zone files, and the constants the cases share."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

HUMAN_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

CONTACTS_HEADER = (
    "contact_id,email,phone,first_name,last_name,country,lifecycle_stage,original_source,"
    "created_at,updated_at,is_deleted"
)
DEALS_HEADER = "deal_id,contact_id,deal_stage,amount,currency,created_at,closed_at,updated_at"
ORDERS_HEADER = "order_id,contact_id,ordered_at,status,amount,currency,updated_at"
SUBSCRIPTIONS_HEADER = "subscription_id,contact_id,plan,mrr,currency,started_at,cancelled_at,cancel_reason,updated_at"
NPS_HEADER = "response_id,contact_id,email,score,comment,submitted_at"
CSAT_HEADER = "survey_id,contact_record_id,score,submitted_at"

KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "fct_customer_journey": ("customer_key", "stage"),
    "dim_customers": ("customer_key",),
    "dim_journey_stages": ("stage",),
    "mart_cx_kpis_monthly": ("month",),
    "mart_journey_funnel": ("cohort_month", "stage"),
    "mart_stage_experience_monthly": ("month", "stage"),
    "fct_web_sessions": ("anonymous_id", "started_at"),
    "fct_support_cases": ("case_id",),
    "fct_survey_responses": ("survey_type", "response_id"),
    "mart_persona_journey": ("persona", "stage"),
    "mart_channel_flows": ("step", "from_node", "to_node"),
    "mart_conversion_paths": ("path",),
    "fct_attribution_credits": ("customer_key", "model", "touchpoint_id"),
    "mart_channel_attribution_monthly": ("month", "model", "channel"),
    "fct_feedback_follow_ups": ("survey_type", "response_id"),
    "mart_customer_actions": ("customer_key", "action"),
}

D = Decimal


def ts(text: str) -> datetime:
    """A UTC instant written as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def days(numerator: int, denominator: int = 1) -> float:
    return numerator / denominator


# ---------------------------------------------------------------- writing files


def write_text(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data)
    return path


def csv_line(*values: object) -> str:
    out = []
    for v in values:
        text = "" if v is None else str(v)
        if any(c in text for c in ',"\n\r'):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out)


def write_csv(root: Path, relative: str, header: str, lines: list[str]) -> Path:
    return write_text(root, relative, "\n".join([header, *lines]) + "\n")


def write_ndjson(root: Path, relative: str, lines: list[dict[str, Any] | str]) -> Path:
    return write_text(root, relative, "".join((json.dumps(x) if isinstance(x, dict) else x) + "\n" for x in lines))


def contact(
    contact_id: str,
    created: str,
    email: str = "",
    phone: str = "",
    country: str = "FR",
    lifecycle: str = "lead",
    source: str = "direct",
    updated: str | None = None,
    deleted: bool = False,
) -> str:
    return csv_line(
        contact_id,
        email,
        phone,
        "First",
        "Last",
        country,
        lifecycle,
        source,
        created,
        updated or created,
        "true" if deleted else "false",
    )


def order(
    order_id: str,
    contact_id: str,
    at: str,
    amount: str,
    currency: str = "EUR",
    status: str = "completed",
    updated: str | None = None,
) -> str:
    return csv_line(order_id, contact_id, at, status, amount, currency, updated or at)


def subscription(sub_id: str, contact_id: str, started: str, cancelled: str = "", updated: str | None = None) -> str:
    return csv_line(sub_id, contact_id, "pro", "49.00", "EUR", started, cancelled, "", updated or cancelled or started)


def deal(deal_id: str, contact_id: str, created: str, stage: str = "appointmentscheduled", closed: str = "") -> str:
    return csv_line(deal_id, contact_id, stage, "1000", "EUR", created, closed, closed or created)


def nps(response_id: str, score: object, at: str, contact_id: str = "", email: str = "", comment: str = "") -> str:
    return csv_line(response_id, contact_id, email, score, comment, at)


def csat(survey_id: str, record_id: str, score: object, at: str) -> str:
    return csv_line(survey_id, record_id, score, at)


def web(
    message_id: str,
    kind: str,
    anonymous_id: str,
    at: str,
    user_id: str | None = None,
    path: str | None = None,
    event: str | None = None,
    properties: dict[str, Any] | None = None,
    campaign: dict[str, str] | None = None,
    user_agent: str = HUMAN_UA,
    email: str | None = None,
    page_context_path: str | None = None,
) -> dict[str, Any]:
    props = dict(properties or {})
    if path is not None:
        props["path"] = path
    context: dict[str, Any] = {"userAgent": user_agent, "ip": "203.0.113.7", "locale": "fr-FR"}
    if campaign is not None:
        context["campaign"] = campaign
    if page_context_path is not None:
        context["page"] = {"path": page_context_path}
    msg: dict[str, Any] = {
        "messageId": message_id,
        "type": kind,
        "anonymousId": anonymous_id,
        "userId": user_id,
        "timestamp": at,
        "receivedAt": at,
        "properties": props,
        "context": context,
    }
    if event is not None:
        msg["event"] = event
    if email is not None:
        msg["traits"] = {"email": email}
    return msg


def ctr(
    contact_id: str,
    at: str,
    channel: str = "VOICE",
    method: str = "INBOUND",
    phone: str | None = None,
    email: str | None = None,
    wait: int | None = None,
    answered: bool = True,
    reason: str | None = None,
    resolved: bool | None = None,
    initial: str | None = None,
    ended: str | None = None,
) -> dict[str, Any]:
    endpoint = None
    if phone is not None:
        endpoint = {"Type": "TELEPHONE_NUMBER", "Address": phone}
    elif email is not None:
        endpoint = {"Type": "EMAIL_ADDRESS", "Address": email}
    attributes: dict[str, str] = {}
    if reason is not None:
        attributes["contact_reason"] = reason
    if resolved is not None:
        attributes["resolved"] = "true" if resolved else "false"
    return {
        "ContactId": contact_id,
        "InitialContactId": initial,
        "PreviousContactId": initial,
        "Channel": channel,
        "InitiationMethod": method,
        "InitiationTimestamp": at,
        "DisconnectTimestamp": ended or at,
        "CustomerEndpoint": endpoint,
        "Queue": None
        if wait is None
        else {"Name": "support", "EnqueueTimestamp": at, "DequeueTimestamp": at, "Duration": wait},
        "Agent": {
            "Username": "agent.one",
            "ConnectedToAgentTimestamp": at,
            "AgentInteractionDuration": 120,
            "AfterContactWorkDuration": 30,
        }
        if answered
        else None,
        "DisconnectReason": "CUSTOMER_DISCONNECT",
        "Attributes": attributes,
    }


def empty_kpis(month: date) -> dict[str, Any]:
    """A KPI month without any data: counts and sums 0, rates and averages null."""
    return {
        "month": month,
        "nps": None,
        "nps_responses": 0,
        "csat_pct": None,
        "csat_avg": None,
        "csat_responses": 0,
        "answered_contacts": 0,
        "abandonment_rate": None,
        "avg_wait_seconds": None,
        "fcr_rate": None,
        "new_customers": 0,
        "churn_rate": None,
        "net_revenue_eur": D("0.00"),
    }
