"""Hand-written landing zones and the figures computed by hand from the contract.

Each case is a ``write_<case>(root)`` function that lays out a landing zone under ``root``
and a ``<CASE>_EXPECTED`` dict:

- ``as_of``: midnight UTC after the latest loaded drop;
- ``row_counts``: exact row counts of some marts;
- ``rows``: mart -> key (see ``KEY_COLUMNS``) -> {column: expected value} (a subset of columns);
- ``touchpoint_counts``: (customer_key, touchpoint_type) -> count, complete for the case;
- ``absent_values``: substrings that no text value of any mart may contain.

``check_case(marts, expected)`` returns the list of differences (empty when all match); it
accepts rows as dicts keyed by column names, so it works on the dbt marts too.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .common import anon_key

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


def nps(response_id: str, score: object, at: str, contact_id: str = "", email: str = "") -> str:
    return csv_line(response_id, contact_id, email, score, "", at)


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
        "InitialContactId": None,
        "PreviousContactId": None,
        "Channel": channel,
        "InitiationMethod": method,
        "InitiationTimestamp": at,
        "DisconnectTimestamp": at,
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


# ================================================================ identity stitching

U999 = anon_key("user", "U-999")
X42 = anon_key("user", "X-42")
DEV_D = anon_key("device", "dev-d")
DEV_G = anon_key("device", "dev-g")
DEV_H = anon_key("device", "dev-h")
PHONE_UNKNOWN = anon_key("phone", "+15550001111")
RECORD_K5 = anon_key("contact_record", "K5")
RECORD_K404 = anon_key("contact_record", "K-404")
EMAIL_NOBODY = anon_key("email", "nobody@example.com")


def write_identity(root: Path) -> None:
    write_csv(
        root,
        "crm/2026-01-31/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("C1", "2026-01-05T09:00:00Z", email=" Alice@Example.COM ", source="organic_search"),
            contact(
                "C2",
                "2026-01-06T10:00:00Z",
                email="bob@example.com",
                phone="06 12 34 56 78",
                lifecycle="customer",
                source="paid_search",
            ),
            contact("C3", "2026-01-07T10:00:00Z", email="carol@example.com", phone="+44 20 7946 0000", country="GB"),
            contact("C4", "2026-01-08T10:00:00Z", email="dave@example.com", phone="(415) 555-0100", country="US"),
            contact("C5", "2026-01-09T10:00:00Z", email="DAVE@example.com "),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-01/contacts.csv",
        CONTACTS_HEADER,
        [
            contact(
                "C3",
                "2026-01-07T10:00:00Z",
                email="carol@example.com",
                phone="+44 20 7946 0000",
                country="GB",
                updated="2026-02-01T08:00:00Z",
                deleted=True,
            ),
            contact(
                "C1",
                "2026-01-05T09:00:00Z",
                email=" Alice@Example.COM ",
                source="organic_search",
                lifecycle="customer",
                updated="2026-02-01T08:00:00Z",
            ),
        ],
    )
    write_csv(root, "crm/2026-02-01/deals.csv", DEALS_HEADER, [deal("D1", "C3", "2026-01-10T00:00:00Z")])
    write_csv(
        root,
        "crm/2026-02-01/orders.csv",
        ORDERS_HEADER,
        [
            order("O1", "C3", "2026-01-11T00:00:00Z", "100.00"),
            order("O2", "U-999", "2026-01-13T11:00:00Z", "10.00"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-01/nps_responses.csv",
        NPS_HEADER,
        [
            nps("R1", 10, "2026-01-21T10:00:00Z", email="dave@example.com"),
            nps("R2", 9, "2026-01-21T11:00:00Z", contact_id="C1"),
            nps("R3", 3, "2026-01-21T12:00:00Z", email="Carol@example.com"),
            nps("R4", 7, "2026-01-21T13:00:00Z", contact_id="X-42"),
            nps("R5", 8, "2026-01-21T14:00:00Z", email="Nobody@Example.com"),
        ],
    )
    write_ndjson(
        root,
        "web/2026-02-01/events-1.ndjson",
        [
            web("w3", "page", "dev-a", "2026-01-11T09:00:00Z", user_id="C1", path="/account"),
            web("w1", "page", "dev-a", "2026-01-10T08:00:00Z", path="/"),
            web("w2", "track", "dev-a", "2026-01-10T08:05:00Z", event="Pricing Viewed"),
            web("w4", "page", "dev-b", "2026-01-12T10:00:00Z", path="/pricing"),
            web("w5", "identify", "dev-b", "2026-01-12T10:10:00Z", email=" BOB@example.com"),
            web("w6", "page", "dev-c", "2026-01-13T10:00:00Z", user_id="U-999", path="/"),
            web("w7", "page", "dev-c", "2026-01-13T10:05:00Z", path="/blog"),
            web("w8", "page", "dev-d", "2026-01-14T10:00:00Z", path="/"),
            web("w9", "page", "dev-e", "2026-01-15T10:00:00Z", path="/"),
            web("w10", "identify", "dev-e", "2026-01-15T10:01:00Z", email="carol@example.com"),
            web("w11", "page", "dev-f", "2026-01-16T10:00:00Z", user_id="C3", path="/"),
            web("w12", "identify", "dev-g", "2026-01-17T10:00:00Z", email="nobody-web@example.com"),
            web("w13", "page", "dev-g", "2026-01-17T10:01:00Z", path="/"),
            web("w14", "page", "dev-h", "2026-01-18T10:00:00Z", user_id="C1", path="/", user_agent=BOT_UA),
            web("w15", "page", "dev-h", "2026-01-18T10:05:00Z", path="/"),
        ],
    )
    write_ndjson(
        root,
        "contact_centre/2026-02-01/contacts-1.ndjson",
        [
            ctr("K1", "2026-01-20T10:00:00Z", phone="+33612345678", wait=30, reason="billing", resolved=True),
            ctr(
                "K2",
                "2026-01-20T11:00:00Z",
                channel="EMAIL",
                email=" Alice@example.com",
                reason="other",
                resolved=False,
            ),
            ctr("K3", "2026-01-20T12:00:00Z", phone="+442079460000", wait=99, answered=False),
            ctr("K4", "2026-01-20T13:00:00Z", phone="+15550001111", wait=45, answered=False),
            ctr("K5", "2026-01-20T14:00:00Z", channel="CHAT", answered=False),
            ctr("K6", "2026-01-20T15:00:00Z", method="OUTBOUND", phone="+14155550100"),
        ],
    )
    write_csv(
        root,
        "contact_centre/2026-02-01/csat_surveys.csv",
        CSAT_HEADER,
        [
            csat("S1", "K1", 5, "2026-01-20T10:30:00Z"),
            csat("S2", "K3", 1, "2026-01-20T12:30:00Z"),
            csat("S3", "K-404", 4, "2026-01-20T16:00:00Z"),
        ],
    )


IDENTITY_EXPECTED: dict[str, Any] = {
    # latest drop 2026-02-01 (every source) -> midnight after it
    "as_of": ts("2026-02-02T00:00:00Z"),
    "row_counts": {
        # C1, C2, C4, C5 known (C3 deleted); anonymous: U-999, X-42, dev-d, dev-g, dev-h,
        # +15550001111, K5, K-404, nobody@example.com -> 4 + 9
        "dim_customers": 13,
        # Jan and Feb 2026 (first touchpoint C1 created 2026-01-05, latest drop 2026-02-01)
        "mart_cx_kpis_monthly": 2,
    },
    "touchpoint_counts": {
        # dev-a: w1, w3 pages and w2 track; w3's userId links the device, retroactively
        ("C1", "contact_created"): 1,
        ("C1", "web_page"): 2,
        ("C1", "web_event"): 1,
        # K2: EMAIL endpoint ' Alice@example.com' -> alice@example.com = C1's normalised email
        ("C1", "contact_centre_contact"): 1,
        ("C1", "nps_response"): 1,  # R2 by contact_id
        # dev-b page w4 joins C2 through the identify email ' BOB@example.com'
        ("C2", "contact_created"): 1,
        ("C2", "web_page"): 1,
        # K1 +33612345678 = '06 12 34 56 78' in FR: drop trunk 0, prefix +33
        ("C2", "contact_centre_contact"): 1,
        ("C2", "csat_response"): 1,
        # R1 by email dave@example.com: C4 and C5 share it, C4 created first wins;
        # K6 +14155550100 = '(415) 555-0100' in US (10 digits, +1)
        ("C4", "contact_created"): 1,
        ("C4", "nps_response"): 1,
        ("C4", "contact_centre_contact"): 1,
        ("C5", "contact_created"): 1,
        # unknown userId U-999: its page w6, the device's anonymous page w7, and order O2 of contact_id U-999
        (U999, "web_page"): 2,
        (U999, "order_placed"): 1,
        (DEV_D, "web_page"): 1,
        # dev-g's identify email matches no contact: no link
        (DEV_G, "web_page"): 1,
        # dev-h: the only userId is on a bot message, which never links (and is no touchpoint)
        (DEV_H, "web_page"): 1,
        (PHONE_UNKNOWN, "contact_centre_contact"): 1,
        (RECORD_K5, "contact_centre_contact"): 1,
        (RECORD_K404, "csat_response"): 1,
        (X42, "nps_response"): 1,
        (EMAIL_NOBODY, "nps_response"): 1,
        # C3 (deleted): D1, O1, R3 (by email), K3 (by phone), S2 (on K3), w9 (dev-e identified as
        # carol@example.com), w11 (userId C3) are all removed
    },
    "rows": {
        "dim_customers": {
            ("C1",): {
                "is_known": True,
                # sha256 of 'alice@example.com' (trimmed, lower case)
                "email_sha256": "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976",
                "country": "FR",
                "original_source": "organic_search",
                "lifecycle_stage": "customer",  # the version updated 2026-02-01 is current
                "current_stage": "advocacy",  # R2 score 9
                "first_seen_at": ts("2026-01-05T09:00:00Z"),  # contact created
                "converted_at": None,
                "churned_at": None,
                "lifetime_revenue_eur": D("0.00"),
                "latest_nps_score": 9,
            },
            ("C2",): {"current_stage": "consideration", "lifecycle_stage": "customer", "latest_nps_score": None},
            ("C4",): {"current_stage": "advocacy", "latest_nps_score": 10},
            ("C5",): {"current_stage": "awareness", "latest_nps_score": None},
            (U999,): {
                "is_known": False,
                "email_sha256": None,
                "country": None,
                "original_source": None,
                "lifecycle_stage": None,
                "current_stage": "conversion",
                "first_seen_at": ts("2026-01-13T10:00:00Z"),  # w6
                "converted_at": ts("2026-01-13T11:00:00Z"),  # O2 ordered
                "lifetime_revenue_eur": D("10.00"),  # O2 10.00 EUR x 1.0
            },
            (PHONE_UNKNOWN,): {"is_known": False, "first_seen_at": ts("2026-01-20T13:00:00Z")},
        },
        "fct_customer_journey": {
            ("C1", "awareness"): {
                "entered_at": ts("2026-01-05T09:00:00Z"),
                "exited_at": ts("2026-01-10T08:05:00Z"),  # w2 Pricing Viewed
                "next_stage": "consideration",
                # 4 days 23h05 = (4*1440 + 1385) / 1440 days
                "days_in_stage": days(7145, 1440),
                "touchpoints_in_stage": 2,  # contact created, w1
                "channels_in_stage": "sales,web",
                "entry_channel": "sales",
                "is_current_stage": False,
            },
            ("C1", "consideration"): {
                "entered_at": ts("2026-01-10T08:05:00Z"),
                "exited_at": ts("2026-01-21T11:00:00Z"),  # R2
                "next_stage": "advocacy",
                "touchpoints_in_stage": 3,  # w2, w3, K2
                "channels_in_stage": "email,web",
                "entry_channel": "web",
            },
            ("C1", "advocacy"): {
                "entered_at": ts("2026-01-21T11:00:00Z"),
                "exited_at": None,
                "next_stage": None,
                # 2026-01-21T11:00 -> as_of 2026-02-02T00:00 = 11 days 13h = 11 + 13/24
                "days_in_stage": days(11 * 24 + 13, 24),
                "touchpoints_in_stage": 1,
                "channels_in_stage": "survey",
                "entry_channel": "survey",
                "is_current_stage": True,
            },
            ("C2", "consideration"): {
                "entered_at": ts("2026-01-12T10:00:00Z"),  # w4 /pricing, anonymous at the time
                "touchpoints_in_stage": 3,  # w4, K1, S1
                "channels_in_stage": "phone,survey,web",
                "entry_channel": "web",
                "is_current_stage": True,
            },
            (U999, "awareness"): {
                "entered_at": ts("2026-01-13T10:00:00Z"),
                "exited_at": ts("2026-01-13T11:00:00Z"),
                "touchpoints_in_stage": 2,  # w6, w7
                "channels_in_stage": "web",
            },
            (U999, "conversion"): {"entry_channel": "sales", "touchpoints_in_stage": 1, "is_current_stage": True},
        },
        "mart_cx_kpis_monthly": {
            (date(2026, 1, 1),): {
                # R1 10, R2 9, R4 7, R5 8 (R3 removed): 100 * (2 - 0) / 4
                "nps": D("50.0"),
                "nps_responses": 4,
                # S1 5, S3 4 (S2 removed): 100 * 2 / 2 ; (5 + 4) / 2
                "csat_pct": D("100.0"),
                "csat_avg": D("4.50"),
                "csat_responses": 2,
                # inbound with an agent: K1, K2 (K6 is outbound, K3 removed)
                "answered_contacts": 2,
                # queued inbound: K1, K4 ; never answered: K4 -> 1/2
                "abandonment_rate": D("0.5000"),
                "avg_wait_seconds": D("30.0"),  # K1 only
                # K1 resolved, no repeat; K2 not resolved -> 1/2
                "fcr_rate": D("0.5000"),
                "new_customers": 1,  # U-999 (O2)
                "churn_rate": None,
                "net_revenue_eur": D("10.00"),  # O2; O1 belongs to deleted C3
            },
            (date(2026, 2, 1),): empty_kpis(date(2026, 2, 1)),
        },
    },
    "absent_values": ["C3", "@", "+3361", "+4420", "+1555", "carol", "dave@"],
}


# ================================================================ stages


def write_stages(root: Path) -> None:
    jan1 = "2026-01-01T00:00:00Z"
    write_csv(
        root,
        "crm/2026-02-01/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("A1", jan1),
            contact("A2", "2026-01-02T00:00:00Z"),
            contact("A3", jan1),
            contact("A4", jan1),
            contact("A5", jan1),
            contact("A6", jan1),
            contact("A7", jan1),
            contact("A8", jan1),
            contact("A9", jan1),
            contact("A10", jan1, phone="01 23 45 67 89"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-01/orders.csv",
        ORDERS_HEADER,
        [
            order("A1-O1", "A1", "2026-01-05T12:00:00Z", "50.00"),
            order("A1-O2", "A1", "2026-01-20T00:00:00Z", "30.00", status="refunded"),
            order("A8-O1", "A8", "2026-01-06T10:00:00Z", "20.00"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-01/deals.csv",
        DEALS_HEADER,
        [
            deal("A1-D1", "A1", "2026-01-10T00:00:00Z"),
            deal("A9-D1", "A9", "2026-01-04T00:00:00Z"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-01/subscriptions.csv",
        SUBSCRIPTIONS_HEADER,
        [
            subscription("A3-S1", "A3", "2026-01-03T00:00:00Z"),
            subscription("A4-S1", "A4", "2026-01-01T12:00:00Z", "2026-01-31T12:00:00Z"),
            subscription("A5-S1", "A5", "2026-01-05T00:00:00Z"),
            subscription("A6-S1", "A6", "2026-01-02T00:00:00Z", "2026-02-01T00:00:01Z"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-01/nps_responses.csv",
        NPS_HEADER,
        [
            nps("A2-R1", 9, "2026-01-03T00:00:00Z", contact_id="A2"),
        ],
    )
    write_ndjson(
        root,
        "web/2026-02-01/events-1.ndjson",
        [
            web("a1-w1", "page", "dev-a1", "2026-01-02T00:00:00Z", user_id="A1", path="/blog"),
            web(
                "a7-w1",
                "track",
                "dev-a7",
                "2026-01-06T00:00:00Z",
                user_id="A7",
                event="Order Completed",
                properties={"order_id": "W-1", "revenue": 99.0, "currency": "EUR"},
            ),
            web(
                "a7-w2",
                "track",
                "dev-a7",
                "2026-01-07T00:00:00Z",
                user_id="A7",
                event="Review Submitted",
                properties={"rating": 3},
            ),
            web(
                "a7-w3",
                "track",
                "dev-a7",
                "2026-01-08T00:00:00Z",
                user_id="A7",
                event="Review Submitted",
                properties={"rating": 4},
            ),
            web(
                "a8-w1",
                "track",
                "dev-a8",
                "2026-01-06T09:59:00Z",
                user_id="A8",
                event="Order Completed",
                properties={"order_id": "A8-O1", "revenue": 20.0, "currency": "EUR"},
            ),
            web("a9-w1", "page", "dev-a9", "2026-01-03T00:00:00Z", user_id="A9", path="/Pricing"),
            web("a9-w2", "page", "dev-a9", "2026-01-04T00:00:00Z", user_id="A9", path="/pricing/plans"),
        ],
    )
    write_ndjson(
        root,
        "contact_centre/2026-02-01/contacts-1.ndjson",
        [
            ctr("KA", "2026-01-04T00:00:00Z", method="OUTBOUND", phone="+33123456789", reason="sales_question"),
            ctr("KB", "2026-01-05T00:00:00Z", phone="+33123456789", wait=12, reason="sales_question", resolved=True),
        ],
    )


STAGES_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-02-02T00:00:00Z"),
    "row_counts": {
        "dim_customers": 10,
        # A1 4, A2 2, A3 3, A4 2, A5 2, A6 3, A7 3, A8 2, A9 2, A10 2
        "fct_customer_journey": 25,
        # 29 in January + A6's cancellation on 2026-02-01 (see the experience rows)
        "fct_touchpoints": 30,
        "mart_journey_funnel": 5,  # one cohort (2026-01) x 5 stages
        "mart_stage_experience_monthly": 10,  # Jan, Feb x 5 stages
    },
    "touchpoint_counts": {
        ("A1", "contact_created"): 1,
        ("A1", "web_page"): 1,
        ("A1", "order_placed"): 2,
        ("A1", "deal_created"): 1,
        ("A2", "contact_created"): 1,
        ("A2", "nps_response"): 1,
        ("A3", "contact_created"): 1,
        ("A3", "subscription_started"): 1,
        ("A4", "contact_created"): 1,
        ("A4", "subscription_started"): 1,
        ("A4", "subscription_cancelled"): 1,
        ("A5", "contact_created"): 1,
        ("A5", "subscription_started"): 1,
        ("A6", "contact_created"): 1,
        ("A6", "subscription_started"): 1,
        ("A6", "subscription_cancelled"): 1,
        ("A7", "contact_created"): 1,
        ("A7", "web_event"): 3,
        # the web Order Completed of CRM order A8-O1 is not a touchpoint of its own
        ("A8", "contact_created"): 1,
        ("A8", "order_placed"): 1,
        ("A9", "contact_created"): 1,
        ("A9", "web_page"): 2,
        ("A9", "deal_created"): 1,
        ("A10", "contact_created"): 1,
        ("A10", "contact_centre_contact"): 2,
    },
    "rows": {
        "fct_customer_journey": {
            # A1: awareness 01-01 (created), consideration qualifies 01-10 (deal), conversion qualifies
            # 01-05 12:00 (order) but enters at max(01-05 12:00, 01-10) = 01-10, retention 01-20 (2nd order,
            # refunded still counts as placed)
            ("A1", "awareness"): {
                "stage_order": 1,
                "entered_at": ts("2026-01-01T00:00:00Z"),
                "exited_at": ts("2026-01-10T00:00:00Z"),
                "next_stage": "consideration",
                "days_in_stage": 9.0,
                "touchpoints_in_stage": 3,  # created, /blog page, A1-O1 (01-05 is before conversion's entry)
                "channels_in_stage": "sales,web",
                "entry_channel": "sales",
                "is_current_stage": False,
            },
            ("A1", "consideration"): {
                # zero-length: entered and exited at 01-10
                "stage_order": 2,
                "entered_at": ts("2026-01-10T00:00:00Z"),
                "exited_at": ts("2026-01-10T00:00:00Z"),
                "next_stage": "conversion",
                "days_in_stage": 0.0,
                "touchpoints_in_stage": 0,
                "channels_in_stage": "",
                "entry_channel": "sales",
                "is_current_stage": False,
            },
            ("A1", "conversion"): {
                "entered_at": ts("2026-01-10T00:00:00Z"),
                "exited_at": ts("2026-01-20T00:00:00Z"),
                "next_stage": "retention",
                "days_in_stage": 10.0,
                "touchpoints_in_stage": 1,  # the deal created at 01-10 falls in [01-10, 01-20)
                "channels_in_stage": "sales",
                "entry_channel": "sales",
            },
            ("A1", "retention"): {
                "entered_at": ts("2026-01-20T00:00:00Z"),
                "exited_at": None,
                "next_stage": None,
                "days_in_stage": 13.0,  # to as_of 02-02
                "touchpoints_in_stage": 1,
                "entry_channel": "sales",
                "is_current_stage": True,
            },
            # A2 skips consideration, conversion and retention
            ("A2", "awareness"): {
                "entered_at": ts("2026-01-02T00:00:00Z"),
                "exited_at": ts("2026-01-03T00:00:00Z"),
                "next_stage": "advocacy",
                "days_in_stage": 1.0,
                "touchpoints_in_stage": 1,
            },
            ("A2", "advocacy"): {
                "stage_order": 5,
                "entered_at": ts("2026-01-03T00:00:00Z"),
                "days_in_stage": 30.0,
                "touchpoints_in_stage": 1,
                "channels_in_stage": "survey",
                "entry_channel": "survey",
                "is_current_stage": True,
            },
            # A3: started 01-03, +30 days = 02-02 00:00 = as_of, not after it: retention
            ("A3", "conversion"): {
                "entered_at": ts("2026-01-03T00:00:00Z"),
                "exited_at": ts("2026-02-02T00:00:00Z"),
                "next_stage": "retention",
                "days_in_stage": 30.0,
                "touchpoints_in_stage": 1,
            },
            ("A3", "retention"): {
                "entered_at": ts("2026-02-02T00:00:00Z"),
                "days_in_stage": 0.0,
                "touchpoints_in_stage": 0,
                "channels_in_stage": "",
                "entry_channel": "sales",
                "is_current_stage": True,
            },
            # A4: cancelled exactly at +30 days: no retention; current stage conversion
            ("A4", "conversion"): {
                "entered_at": ts("2026-01-01T12:00:00Z"),
                "exited_at": None,
                "days_in_stage": 31.5,  # 01-01 12:00 -> 02-02 00:00
                "touchpoints_in_stage": 2,
                "is_current_stage": True,
            },
            # A5: +30 days = 02-04, after as_of: no retention
            ("A5", "conversion"): {"entered_at": ts("2026-01-05T00:00:00Z"), "is_current_stage": True},
            # A6: cancelled 1 s after +30 days: retention at 02-01 00:00; its cancellation falls in retention
            ("A6", "retention"): {
                "entered_at": ts("2026-02-01T00:00:00Z"),
                "days_in_stage": 1.0,
                "touchpoints_in_stage": 1,
                "entry_channel": "sales",
                "is_current_stage": True,
            },
            # A7: web Order Completed without CRM order converts; review rating 3 does not, rating 4 does
            ("A7", "conversion"): {
                "entered_at": ts("2026-01-06T00:00:00Z"),
                "exited_at": ts("2026-01-08T00:00:00Z"),
                "next_stage": "advocacy",
                "touchpoints_in_stage": 2,
                "entry_channel": "web",
            },
            ("A7", "advocacy"): {"entered_at": ts("2026-01-08T00:00:00Z"), "entry_channel": "web"},
            # A8: converted by the CRM order at 10:00, not by the web Order Completed at 09:59
            ("A8", "conversion"): {
                "entered_at": ts("2026-01-06T10:00:00Z"),
                "entry_channel": "sales",
                "touchpoints_in_stage": 1,
                "channels_in_stage": "sales",
            },
            # A9: '/Pricing' does not qualify (case-sensitive); '/pricing/plans' and the deal tie at 01-04:
            # entry channel is the alphabetically first, sales
            ("A9", "awareness"): {
                "exited_at": ts("2026-01-04T00:00:00Z"),
                "touchpoints_in_stage": 2,
                "channels_in_stage": "sales,web",
            },
            ("A9", "consideration"): {
                "entered_at": ts("2026-01-04T00:00:00Z"),
                "entry_channel": "sales",
                "touchpoints_in_stage": 2,
                "channels_in_stage": "sales,web",
            },
            # A10: the outbound sales_question call does not qualify, the inbound one does
            ("A10", "awareness"): {"touchpoints_in_stage": 2, "channels_in_stage": "phone,sales"},
            ("A10", "consideration"): {"entered_at": ts("2026-01-05T00:00:00Z"), "entry_channel": "phone"},
        },
        "dim_customers": {
            ("A1",): {
                "current_stage": "retention",
                "converted_at": ts("2026-01-10T00:00:00Z"),
                "lifetime_revenue_eur": D("50.00"),
                "churned_at": None,
            },  # refunded A1-O2 brings nothing
            ("A2",): {"current_stage": "advocacy", "converted_at": None, "latest_nps_score": 9},
            ("A3",): {"current_stage": "retention", "churned_at": None},
            ("A4",): {"current_stage": "conversion", "churned_at": ts("2026-01-31T12:00:00Z")},
            ("A5",): {"current_stage": "conversion", "churned_at": None},
            ("A6",): {"current_stage": "retention", "churned_at": ts("2026-02-01T00:00:01Z")},
            ("A7",): {"current_stage": "advocacy", "lifetime_revenue_eur": D("0.00")},
            ("A8",): {"current_stage": "conversion", "lifetime_revenue_eur": D("20.00")},
        },
        "mart_journey_funnel": {
            # every customer's awareness is in January and every one reached a later stage;
            # days to the next stage: A1 9, A2 1, A3 2, A4 0.5, A5 4, A6 1, A7 5, A8 5 10/24, A9 3, A10 4
            # sorted 0.5 1 1 2 3 | 4 4 5 5.42 9 -> median (3 + 4) / 2
            (date(2026, 1, 1), "awareness"): {
                "stage_order": 1,
                "customers_entered": 10,
                "customers_progressed": 10,
                "progression_rate": D("1.0000"),
                "median_days_to_progress": D("3.50"),
            },
            # A1, A9, A10 entered; only A1 moved on (zero-length: 0 days)
            (date(2026, 1, 1), "consideration"): {
                "customers_entered": 3,
                "customers_progressed": 1,
                "progression_rate": D("0.3333"),
                "median_days_to_progress": D("0.00"),
            },
            # A1 A3 A4 A5 A6 A7 A8 entered; A1 (10 d), A3 (30 d), A6 (30 d), A7 (2 d) moved on: 4/7 = 0.571428..
            # median of 2 10 30 30 = 20
            (date(2026, 1, 1), "conversion"): {
                "customers_entered": 7,
                "customers_progressed": 4,
                "progression_rate": D("0.5714"),
                "median_days_to_progress": D("20.00"),
            },
            (date(2026, 1, 1), "retention"): {
                "customers_entered": 3,
                "customers_progressed": 0,
                "progression_rate": D("0.0000"),
                "median_days_to_progress": None,
            },
            (date(2026, 1, 1), "advocacy"): {
                "stage_order": 5,
                "customers_entered": 2,
                "customers_progressed": 0,
                "progression_rate": D("0.0000"),
                "median_days_to_progress": None,
            },
        },
        "mart_cx_kpis_monthly": {
            (date(2026, 1, 1),): {
                # conversion entered in January: A1 A3 A4 A5 A6 A7 A8
                "new_customers": 7,
                # no subscription started before January
                "churn_rate": None,
                # A1-O1 50 + A8-O1 20 (A1-O2 refunded)
                "net_revenue_eur": D("70.00"),
                # A2's 9: 100 * 1 / 1
                "nps": D("100.0"),
                "answered_contacts": 1,  # KB (KA is outbound)
                "avg_wait_seconds": D("12.0"),
            },
            (date(2026, 2, 1),): {
                "new_customers": 0,
                # active on 02-01: A3-S1, A5-S1, A6-S1 (cancelled 02-01 00:00:01); A4-S1 cancelled 01-31
                # cancelled in February: A6-S1 -> 1/3
                "churn_rate": D("0.3333"),
                "net_revenue_eur": D("0.00"),
                "nps": None,
            },
        },
        "mart_stage_experience_monthly": {
            # January awareness: A1 3, A2..A8 1 each (7), A9 2, A10 2 (created, KA) = 14
            (date(2026, 1, 1), "awareness"): {
                "touchpoints": 14,
                "contacts": 1,
                "avg_wait_seconds": None,
                "nps": None,
                "csat_pct": None,
            },
            # A9 /pricing/plans + deal, A10 KB
            (date(2026, 1, 1), "consideration"): {"touchpoints": 3, "contacts": 1, "avg_wait_seconds": D("12.0")},
            # A1 deal, A3 start, A4 start+cancel, A5 start, A6 start, A7 order completed + review 3, A8 order
            (date(2026, 1, 1), "conversion"): {"touchpoints": 9, "contacts": 0},
            (date(2026, 1, 1), "retention"): {"touchpoints": 1},  # A1-O2
            (date(2026, 1, 1), "advocacy"): {"touchpoints": 2, "nps": D("100.0")},  # A2's NPS, A7's review 4
            (date(2026, 2, 1), "awareness"): {"touchpoints": 0, "contacts": 0, "nps": None},
            (date(2026, 2, 1), "retention"): {"touchpoints": 1},  # A6's cancellation
        },
    },
    "absent_values": [],
}


# ================================================================ first-contact resolution


def write_fcr(root: Path) -> None:
    write_csv(
        root,
        "crm/2026-01-31/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("F1", "2026-01-01T00:00:00Z", phone="+33 6 00 00 00 01"),
            contact("F2", "2026-01-01T00:00:00Z", phone="0033 6 00 00 00 02"),
        ],
    )
    f1, f2 = "+33600000001", "+33600000002"
    write_ndjson(
        root,
        "contact_centre/2026-01-31/contacts-1.ndjson",
        [
            ctr("A", "2026-01-10T10:00:00Z", phone=f1, wait=20, reason="billing", resolved=True),
            ctr("B", "2026-01-17T10:00:00Z", phone=f1, wait=40, reason="billing", resolved=True),
            ctr("C", "2026-01-24T11:00:00Z", phone=f1, reason="billing", resolved=True),
            ctr("D", "2026-01-24T12:00:00Z", phone=f1, wait=10, resolved=True),
            ctr("J", "2026-01-25T00:00:00Z", phone=f1, method="OUTBOUND", reason="billing", resolved=True),
            ctr("E", "2026-01-25T09:00:00Z", phone=f1, wait=30, reason="technical", resolved=False),
            ctr("G", "2026-01-26T09:00:00Z", phone=f1, wait=25, reason="technical", resolved=True),
            ctr("H", "2026-01-27T09:00:00Z", phone=f1, wait=60, answered=False, reason="technical"),
            ctr("L", "2026-01-30T10:00:00Z", phone=f2, wait=5, reason="billing", resolved=True),
        ],
    )
    write_ndjson(
        root,
        "contact_centre/2026-02-28/contacts-1.ndjson",
        [
            ctr("A", "2026-01-10T10:00:00Z", phone=f1, wait=20, reason="billing", resolved=False),
            ctr("M", "2026-02-02T10:00:00Z", phone=f2, wait=15, reason="billing", resolved=True),
        ],
    )


FCR_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-03-01T00:00:00Z"),
    "row_counts": {"dim_customers": 2, "mart_cx_kpis_monthly": 2},
    "touchpoint_counts": {
        # A B C D J E G H (A's second delivery is a duplicate)
        ("F1", "contact_created"): 1,
        ("F1", "contact_centre_contact"): 8,
        # '0033 6 00 00 00 02' is already international
        ("F2", "contact_created"): 1,
        ("F2", "contact_centre_contact"): 2,
    },
    "rows": {
        "mart_cx_kpis_monthly": {
            (date(2026, 1, 1),): {
                # answered inbound: A B C D E G L (H unanswered, J outbound)
                "answered_contacts": 7,
                # A: B starts exactly 168 h later with the same reason -> repeat
                # B: C starts 169 h later -> no repeat -> resolved first time
                # C: D (1 h later) has no reason, J is outbound -> resolved first time
                # D: no reason, never matches -> resolved first time
                # E: not resolved ; G: H (unanswered, same reason, 24 h later) is a repeat
                # L: M on 02-02 (F2, billing, 72 h later) is a repeat
                # 3 / 7 = 0.428571..
                "fcr_rate": D("0.4286"),
                # queued inbound: A B D E G H L = 7, never answered: H -> 1/7 = 0.142857..
                "abandonment_rate": D("0.1429"),
                # answered and queued: A 20, B 40, D 10, E 30, G 25, L 5 -> 130 / 6 = 21.666..
                "avg_wait_seconds": D("21.7"),
            },
            (date(2026, 2, 1),): {
                "answered_contacts": 1,  # M
                "fcr_rate": D("1.0000"),
                "abandonment_rate": D("0.0000"),
                "avg_wait_seconds": D("15.0"),
            },
        },
        "mart_stage_experience_monthly": {
            # every touch is in awareness: created x2, F1's 8 contacts, L
            (date(2026, 1, 1), "awareness"): {"touchpoints": 11, "contacts": 9, "avg_wait_seconds": D("21.7")},
            (date(2026, 2, 1), "awareness"): {"touchpoints": 1, "contacts": 1, "avg_wait_seconds": D("15.0")},
        },
    },
    "absent_values": ["+336"],
}


# ================================================================ rounding


def write_rounding(root: Path) -> None:
    write_csv(
        root,
        "crm/2026-03-31/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("R1", "2026-01-01T00:00:00Z", email="r1@example.com"),
            contact("RD", "2026-01-01T00:00:00Z", email="gone@example.com", deleted=True),
        ],
    )
    write_csv(
        root, "crm/2026-03-31/orders.csv", ORDERS_HEADER, [order("R1-O1", "R1", "2026-01-15T00:00:00Z", "10.005")]
    )
    responses = [nps("N01", 9, "2026-01-10T00:00:00Z", contact_id="R1")]
    responses += [nps(f"N{i:02d}", 8, "2026-01-10T00:00:00Z", email=f"jan{i}@example.com") for i in range(2, 17)]
    responses += [nps("N-RD", 10, "2026-01-10T00:00:00Z", email="gone@example.com")]
    responses += [nps("N17", 6, "2026-03-10T00:00:00Z", contact_id="R1")]
    responses += [nps(f"N{i:02d}", 7, "2026-03-10T00:00:00Z", email=f"mar{i}@example.com") for i in range(18, 33)]
    write_csv(root, "crm/2026-03-31/nps_responses.csv", NPS_HEADER, responses)
    surveys = [csat(f"SJ{i}", f"KJ{i}", s, "2026-01-12T00:00:00Z") for i, s in enumerate([5, 5, 5, 5, 5, 5, 2, 1])]
    surveys += [csat(f"SM{i}", f"KM{i}", 5 if i == 0 else 1, "2026-03-12T00:00:00Z") for i in range(16)]
    write_csv(root, "contact_centre/2026-03-31/csat_surveys.csv", CSAT_HEADER, surveys)
    records = [
        ctr(f"J{i}", "2026-01-20T00:00:00Z", wait=w, reason="other", resolved=True)
        for i, w in enumerate([10, 11, 10, 10])
    ]
    records += [ctr(f"M{i}", "2026-03-20T00:00:00Z", wait=10, reason="other", resolved=True) for i in range(31)]
    records += [ctr("M-lost", "2026-03-20T00:00:00Z", wait=100, answered=False)]
    write_ndjson(root, "contact_centre/2026-03-31/contacts-1.ndjson", records)


ROUNDING_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-04-01T00:00:00Z"),
    "row_counts": {"mart_cx_kpis_monthly": 3},
    "touchpoint_counts": None,
    "rows": {
        "mart_cx_kpis_monthly": {
            (date(2026, 1, 1),): {
                # 1 promoter, 15 passives (anonymous respondents count too; RD's 10 is removed):
                # 100 * 1 / 16 = 6.25 -> 6.3 (half away from zero)
                "nps": D("6.3"),
                "nps_responses": 16,
                # scores 5 5 5 5 5 5 2 1: 100 * 6 / 8 = 75 ; 33 / 8 = 4.125 -> 4.13
                "csat_pct": D("75.0"),
                "csat_avg": D("4.13"),
                "csat_responses": 8,
                # 10 11 10 10 -> 41 / 4 = 10.25 -> 10.3
                "avg_wait_seconds": D("10.3"),
                "answered_contacts": 4,
                "abandonment_rate": D("0.0000"),
                "fcr_rate": D("1.0000"),
                # 10.005 EUR x 1.0 -> 10.01
                "net_revenue_eur": D("10.01"),
                "new_customers": 1,
            },
            # February has no data at all: still a row
            (date(2026, 2, 1),): empty_kpis(date(2026, 2, 1)),
            (date(2026, 3, 1),): {
                # 1 detractor, 15 passives: -100 / 16 = -6.25 -> -6.3
                "nps": D("-6.3"),
                "nps_responses": 16,
                # one 5, fifteen 1: 100 / 16 = 6.25 -> 6.3 ; 20 / 16 = 1.25
                "csat_pct": D("6.3"),
                "csat_avg": D("1.25"),
                "csat_responses": 16,
                # 32 queued inbound, 1 never answered: 1 / 32 = 0.03125 -> 0.0313
                "abandonment_rate": D("0.0313"),
                "answered_contacts": 31,
                "avg_wait_seconds": D("10.0"),
                "net_revenue_eur": D("0.00"),
                "new_customers": 0,
            },
        },
        "dim_customers": {("R1",): {"lifetime_revenue_eur": D("10.01"), "latest_nps_score": 6}},
    },
    "absent_values": ["@"],
}


# ================================================================ churn


def write_churn(root: Path) -> None:
    created = "2025-12-01T00:00:00Z"
    write_csv(
        root,
        "crm/2026-02-28/contacts.csv",
        CONTACTS_HEADER,
        [
            *(contact(f"H{i}", created) for i in range(1, 6)),
            contact("H6", created, deleted=True),
            contact("H7", created),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-28/subscriptions.csv",
        SUBSCRIPTIONS_HEADER,
        [
            subscription("sub1", "H1", "2026-01-10T00:00:00Z"),
            subscription("sub2", "H2", "2026-01-15T00:00:00Z", "2026-02-10T00:00:00Z"),
            subscription("sub3", "H3", "2026-02-05T00:00:00Z", "2026-02-20T00:00:00Z"),
            subscription("sub4", "H4", "2025-12-01T00:00:00Z", "2026-01-31T23:59:59Z"),
            subscription("sub5", "H5", "2026-01-31T23:59:59Z", "2026-02-01T00:00:00Z"),
            subscription("sub6", "H6", "2025-12-15T00:00:00Z", "2026-02-15T00:00:00Z"),
            subscription("sub7", "H1", "2025-12-10T00:00:00Z", "2026-01-05T00:00:00Z"),
        ],
    )


CHURN_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-03-01T00:00:00Z"),
    "row_counts": {"dim_customers": 6, "mart_cx_kpis_monthly": 3},
    "touchpoint_counts": {
        ("H1", "contact_created"): 1,
        ("H1", "subscription_started"): 2,
        ("H1", "subscription_cancelled"): 1,
        ("H2", "contact_created"): 1,
        ("H2", "subscription_started"): 1,
        ("H2", "subscription_cancelled"): 1,
        ("H3", "contact_created"): 1,
        ("H3", "subscription_started"): 1,
        ("H3", "subscription_cancelled"): 1,
        ("H4", "contact_created"): 1,
        ("H4", "subscription_started"): 1,
        ("H4", "subscription_cancelled"): 1,
        ("H5", "contact_created"): 1,
        ("H5", "subscription_started"): 1,
        ("H5", "subscription_cancelled"): 1,
        ("H7", "contact_created"): 1,
    },
    "rows": {
        "mart_cx_kpis_monthly": {
            # active on 2025-12-01 (started before it): none (sub4 starts exactly then)
            (date(2025, 12, 1),): {"churn_rate": None, "new_customers": 2},  # H4 (12-01), H1 (sub7 12-10)
            # active on 01-01: sub4, sub7 (sub6 is H6's, deleted); both cancelled in January -> 2/2
            (date(2026, 1, 1),): {"churn_rate": D("1.0000"), "new_customers": 2},  # H2, H5
            # active on 02-01: sub1, sub2, sub5 (cancelled 02-01 00:00, not before February);
            # sub3 started in February; cancelled in February: sub2, sub5 -> 2/3
            (date(2026, 2, 1),): {"churn_rate": D("0.6667"), "new_customers": 1},  # H3
        },
        "dim_customers": {
            ("H1",): {"churned_at": None},  # sub1 still active
            ("H2",): {"churned_at": ts("2026-02-10T00:00:00Z")},
            ("H3",): {"churned_at": ts("2026-02-20T00:00:00Z")},
            ("H4",): {"churned_at": ts("2026-01-31T23:59:59Z")},
            ("H5",): {"churned_at": ts("2026-02-01T00:00:00Z")},
            ("H7",): {"churned_at": None, "current_stage": "awareness"},  # never subscribed
        },
        "fct_customer_journey": {
            # sub1 started 01-10, +30 days = 02-09 (not after as_of 03-01), never cancelled
            # (sub7: cancelled 01-05, before its +30 days)
            ("H1", "retention"): {"entered_at": ts("2026-02-09T00:00:00Z"), "entry_channel": "sales"},
            # sub4 started 12-01, +30 days = 12-31, cancelled later (01-31)
            ("H4", "retention"): {"entered_at": ts("2025-12-31T00:00:00Z")},
        },
    },
    "absent_values": ["H6"],
}


# ================================================================ FX and CRM versions


def write_fx(root: Path) -> None:
    write_csv(
        root,
        "crm/2026-01-31/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("X1", "2026-01-01T00:00:00Z", country="US", lifecycle="lead", updated="2026-01-01T00:00:00Z"),
        ],
    )
    write_csv(
        root,
        "crm/2026-01-31/orders.csv",
        ORDERS_HEADER,
        [
            order("O1", "X1", "2026-01-15T10:00:00Z", "100.00", "USD"),
            order("O3", "X1", "2026-01-20T00:00:00Z", "70", "EUR", status="refunded"),
            order("O4", "X1", "2026-01-21T00:00:00Z", "40", "EUR", status="cancelled"),
            order("O5", "X1", "2026-01-25T00:00:00Z", "200", "EUR", updated="2026-01-25T00:00:00Z"),
            order("O6", "X1", "2026-01-26T00:00:00Z", "10", "EUR", updated="2026-01-26T00:00:00Z"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-28/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("X1", "2026-01-01T00:00:00Z", country="US", lifecycle="customer", updated="2026-01-01T00:00:00Z"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-28/orders.csv",
        ORDERS_HEADER,
        [
            order("O2", "X1", "2026-02-03T10:00:00Z", "50.00", "GBP"),
            order("O5", "X1", "2026-01-25T00:00:00Z", "200", "EUR", status="refunded", updated="2026-02-01T00:00:00Z"),
            order("O6", "X1", "2026-01-26T00:00:00Z", "20", "EUR", updated="2026-01-26T00:00:00Z"),
            order("O7", "X1", "2026-02-10T00:00:00Z", "30", "USD", updated="2026-02-12T00:00:00Z"),
            order("O7", "X1", "2026-02-10T00:00:00Z", "30", "USD", status="cancelled", updated="2026-02-11T00:00:00Z"),
        ],
    )


FX_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-03-01T00:00:00Z"),
    "row_counts": {"dim_customers": 1, "mart_cx_kpis_monthly": 2},
    "touchpoint_counts": {
        # placed = current status completed or refunded: O1 O2 O3 O5 O6 O7 (O4 cancelled)
        ("X1", "contact_created"): 1,
        ("X1", "order_placed"): 6,
    },
    "rows": {
        "mart_cx_kpis_monthly": {
            # O1 100 USD x 0.9381 (USD 2026-01) = 93.81 ; O6 current version (same updated_at, delivered
            # last) 20 EUR ; O5 now refunded, O3 refunded, O4 cancelled -> 113.81
            (date(2026, 1, 1),): {"net_revenue_eur": D("113.81"), "new_customers": 1},
            # O2 50 GBP x 1.1842 (GBP 2026-02) = 59.21 ; O7 (latest updated_at 02-12: completed)
            # 30 USD x 0.9360 = 28.08 -> 87.29
            (date(2026, 2, 1),): {"net_revenue_eur": D("87.29"), "new_customers": 0},
        },
        "dim_customers": {
            # 113.81 + 87.29 ; lifecycle 'customer' from the version delivered last (same updated_at)
            ("X1",): {
                "lifetime_revenue_eur": D("201.10"),
                "lifecycle_stage": "customer",
                "country": "US",
                "converted_at": ts("2026-01-15T10:00:00Z"),
            },
        },
        "fct_customer_journey": {
            # second order placed: O1 01-15, O3 01-20 (refunded still placed) -> 01-20
            ("X1", "retention"): {"entered_at": ts("2026-01-20T00:00:00Z"), "entry_channel": "sales"},
        },
    },
    "absent_values": [],
}


# ================================================================ web sessions, bots, duplicates


W1_DEVICE_2 = anon_key("device", "s-2")


def write_sessions(root: Path) -> None:
    write_csv(root, "crm/2026-03-02/contacts.csv", CONTACTS_HEADER, [contact("W1", "2026-03-01T00:00:00Z")])
    spring = {"source": "google", "medium": "cpc", "name": "spring"}
    write_ndjson(
        root,
        "web/2026-03-01/events-1.ndjson",
        [
            web("m4", "page", "s-1", "2026-03-01T11:20:01Z", user_id="W1", path="/docs"),
            web("m1", "page", "s-1", "2026-03-01T10:00:00Z", path="/home", campaign=spring),
            web("m2", "track", "s-1", "2026-03-01T12:20:00+02:00", event="Product Viewed"),
            web("m3", "page", "s-1", "2026-03-01T10:50:00Z", path="/pricing"),
            web("m-bot", "page", "s-1", "2026-03-01T10:10:00Z", path="/home", user_agent=BOT_UA),
            web("m-id", "identify", "s-1", "2026-03-01T11:00:00Z", email="w1@example.com"),
            web("m-screen", "screen", "s-1", "2026-03-01T11:10:00Z"),
            web("m5", "track", "s-1", "2026-03-01T11:25:00Z", event="Signed Up"),
            web("n1", "track", "s-2", "2026-03-01T09:00:00Z", event="Newsletter Subscribed"),
            web(
                "n2",
                "page",
                "s-2",
                "2026-03-01T09:45:00Z",
                page_context_path="/news",
                campaign={"source": "newsletter", "medium": "email", "name": "march"},
            ),
        ],
    )
    write_ndjson(
        root,
        "web/2026-03-02/events-1.ndjson",
        [
            web("m2", "track", "s-1", "2026-03-01T13:00:00Z", event="Product Viewed"),
        ],
    )


SESSIONS_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-03-03T00:00:00Z"),
    "row_counts": {"fct_web_sessions": 4, "dim_customers": 2, "mart_cx_kpis_monthly": 1},
    "touchpoint_counts": {
        # m1 m3 m4 pages, m2 m5 tracks; the bot page, the identify, the screen and m2's second copy are not
        ("W1", "contact_created"): 1,
        ("W1", "web_page"): 3,
        ("W1", "web_event"): 2,
        (W1_DEVICE_2, "web_page"): 1,
        (W1_DEVICE_2, "web_event"): 1,
    },
    "rows": {
        "fct_web_sessions": {
            # m1 10:00, m2 10:20 (12:20+02:00), m3 10:50 (gap exactly 30 min: same session)
            ("s-1", ts("2026-03-01T10:00:00Z")): {
                "customer_key": "W1",  # the device is linked by m4's userId
                "ended_at": ts("2026-03-01T10:50:00Z"),
                "page_views": 2,
                "events": 1,
                "landing_path": "/home",
                "utm_source": "google",
                "utm_medium": "cpc",
                "utm_campaign": "spring",
            },
            # m4 11:20:01 is 30 min 1 s after m3 (the identify and the screen do not bridge it); m5 11:25
            ("s-1", ts("2026-03-01T11:20:01Z")): {
                "customer_key": "W1",
                "ended_at": ts("2026-03-01T11:25:00Z"),
                "page_views": 1,
                "events": 1,
                "landing_path": "/docs",
                "utm_source": None,
                "utm_medium": None,
                "utm_campaign": None,
            },
            # n1 alone: no page
            ("s-2", ts("2026-03-01T09:00:00Z")): {
                "customer_key": W1_DEVICE_2,
                "ended_at": ts("2026-03-01T09:00:00Z"),
                "page_views": 0,
                "events": 1,
                "landing_path": None,
                "utm_source": None,
            },
            # n2 45 min later; its path comes from context.page.path
            ("s-2", ts("2026-03-01T09:45:00Z")): {
                "customer_key": W1_DEVICE_2,
                "page_views": 1,
                "events": 0,
                "landing_path": "/news",
                "utm_source": "newsletter",
                "utm_medium": "email",
                "utm_campaign": "march",
            },
        },
        "fct_customer_journey": {
            # m2 Product Viewed at 12:20+02:00 = 10:20Z is the earliest qualifying touch
            ("W1", "consideration"): {"entered_at": ts("2026-03-01T10:20:00Z"), "entry_channel": "web"},
        },
    },
    "absent_values": ["@"],
}


# ================================================================ quarantine and broken drops


def write_bad_input(root: Path) -> None:
    write_text(
        root,
        "crm/2026-04-01/contacts.csv",
        "\n".join(
            [
                CONTACTS_HEADER,
                'Q1,q1@example.com,,"Smith, ""Jo""",Q,FR,lead,direct,2026-04-01T08:00:00Z,2026-04-01T08:00:00Z,false',
                "Q2,q2@example.com,,A,B,FR,lead,direct,not-a-date,2026-04-01T08:00:00Z,false",
                ",q3@example.com,,A,B,FR,lead,direct,2026-04-01T08:00:00Z,2026-04-01T08:00:00Z,false",
                "Q4,q4@example.com,,A,B,FR,lead,direct,2026-04-01T08:00:00Z,false",
                'Q5,q5@example.com,,"A"x,B,FR,lead,direct,2026-04-01T08:00:00Z,2026-04-01T08:00:00Z,false',
                "",
                'Q6,q6@example.com,,"multi',
                'line",B,FR,lead,direct,2026-04-01,2026-04-01T08:00:00,false',
            ]
        )
        + "\n",
    )
    write_csv(
        root,
        "crm/2026-04-01/nps_responses.csv",
        NPS_HEADER,
        [
            nps("N1", "9.0", "2026-04-02T09:00:00Z", contact_id="Q1"),
            nps("N2", "nine", "2026-04-02T09:00:00Z", contact_id="Q1"),
            nps("N3", "11", "2026-04-02T09:00:00Z", contact_id="Q1"),
            nps("N4", "-1", "2026-04-02T09:00:00Z", contact_id="Q1"),
            nps("N5", "7", "2026-04-02T09:00:00Z", contact_id="Q1"),
            nps("N6", "10", "2026-04-02T10:00:00+02:00", contact_id="Q1"),
            nps("N7", "8", "", contact_id="Q1"),
            nps("", "8", "2026-04-02T09:00:00Z", contact_id="Q1"),
        ],
    )
    write_csv(
        root,
        "crm/2026-04-01/orders.csv",
        ORDERS_HEADER,
        [
            order("OQ1", "Q1", "2026-04-03T00:00:00Z", "abc"),
            order("OQ2", "Q1", "2026-04-03T00:00:00Z", "12.50"),
            order("OQ3", "Q1", "2026-04-03T00:00:00Z", ""),
            order("OQ4", "", "2026-04-03T00:00:00Z", "5.00"),
        ],
    )
    write_csv(
        root,
        "crm/2026-04-02/nps_responses.csv",
        NPS_HEADER,
        [
            nps("N6", "0", "2026-04-02T10:00:00+02:00", contact_id="Q1"),
        ],
    )
    write_csv(root, "crm/2026-04-03/contacts.csv", CONTACTS_HEADER, [contact("Q7", "2026-04-03T08:00:00Z")])
    write_csv(
        root,
        "crm/2026-04-03/deals.csv",
        "deal_id,contact_id,deal_stage,value,currency,created_at,closed_at,updated_at",
        [
            csv_line(
                "DQ",
                "Q1",
                "closedwon",
                "10",
                "EUR",
                "2026-04-03T08:00:00Z",
                "2026-04-03T09:00:00Z",
                "2026-04-03T09:00:00Z",
            )
        ],
    )
    write_ndjson(
        root,
        "web/2026-04-02/events-1.ndjson.gz",
        [
            web("q1-w1", "page", "dev-q1", "2026-04-02T09:00:00Z", user_id="Q1", path="/"),
            "not json {",
            "[1, 2]",
            json.dumps(
                {k: v for k, v in web("x", "page", "dev-x", "2026-04-02T09:00:00Z").items() if k != "messageId"}
            ),
            json.dumps(web("q-bad-ts", "page", "dev-x", "yesterday")),
            json.dumps(web("q-bad-received", "page", "dev-x", "2026-04-02T09:00:00Z") | {"receivedAt": "soon"}),
            "",
            web("q6-w1", "track", "dev-q6", "2026-04-02T09:30:00Z", user_id="Q6", event="Pricing Viewed"),
            json.dumps(web("", "page", "dev-x", "2026-04-02T09:00:00Z")),
        ],
    )
    renamed = [
        {
            ("ts" if k == "timestamp" else k): v
            for k, v in web("q1-late", "page", "dev-q1", "2026-04-03T09:00:00Z", user_id="Q1").items()
        }
    ]
    write_ndjson(root, "web/2026-04-03/events-1.ndjson", renamed)  # type: ignore[arg-type]
    write_ndjson(
        root,
        "contact_centre/2026-04-02/contacts-1.ndjson",
        [
            ctr("K-Q1", "2026-04-02T10:00:00Z", channel="EMAIL", email="q1@example.com", reason="other", resolved=True),
            {
                k: v
                for k, v in ctr("K-no-ts", "2026-04-02T11:00:00Z", email="q1@example.com").items()
                if k != "InitiationTimestamp"
            },
            ctr("K-bad-end", "2026-04-02T12:00:00Z", email="q1@example.com") | {"DisconnectTimestamp": "garbage"},
        ],
    )
    write_csv(
        root,
        "contact_centre/2026-04-02/csat_surveys.csv",
        CSAT_HEADER,
        [
            csat("S1", "K-Q1", "4", "2026-04-02T10:30:00Z"),
            csat("S2", "K-Q1", "4.0", "2026-04-02T10:30:00Z"),
            csat("S3", "K-Q1", "0", "2026-04-02T10:30:00Z"),
            csat("S4", "K-Q1", "6", "2026-04-02T10:30:00Z"),
            "S5,K-Q1,5,2026-04-02T10:30:00Z,extra",
        ],
    )


BAD_INPUT_EXPECTED: dict[str, Any] = {
    # crm 2026-04-03 fails (deals.csv has 'value' instead of 'amount'), web 2026-04-03 fails (every message
    # has 'ts' instead of 'timestamp'): the latest loaded drop is 2026-04-02
    "as_of": ts("2026-04-03T00:00:00Z"),
    "failed_drops": ["crm/2026-04-03/deals.csv", "web/2026-04-03/events-1.ndjson"],
    "row_counts": {"dim_customers": 2, "mart_cx_kpis_monthly": 1},
    "touchpoint_counts": {
        # Q1: created; NPS N5 and N6 (N1 '9.0', N2 'nine', N3 11, N4 -1, N7 no date, no-id row quarantined);
        # OQ2 ('abc', empty amount and empty contact_id quarantined); q1-w1; K-Q1; S1
        ("Q1", "contact_created"): 1,
        ("Q1", "nps_response"): 2,
        ("Q1", "order_placed"): 1,
        ("Q1", "web_page"): 1,
        ("Q1", "contact_centre_contact"): 1,
        ("Q1", "csat_response"): 1,
        # Q6: multi-line quoted name, date-only created_at; q6-w1. Q2 Q4 Q5 and the id-less row are
        # quarantined, Q7 is in the failed drop
        ("Q6", "contact_created"): 1,
        ("Q6", "web_event"): 1,
    },
    "rows": {
        "mart_cx_kpis_monthly": {
            (date(2026, 4, 1),): {
                # N5 7 and N6 10 (its first copy; the 0 delivered on 04-02 is a duplicate): 100 * 1 / 2
                "nps": D("50.0"),
                "nps_responses": 2,
                # S1 only (S2 '4.0', S3 0, S4 6, S5 extra field are quarantined)
                "csat_pct": D("100.0"),
                "csat_avg": D("4.00"),
                "csat_responses": 1,
                "answered_contacts": 1,  # K-Q1
                "net_revenue_eur": D("12.50"),  # OQ2
                "new_customers": 1,
            },
        },
        "dim_customers": {
            # N6 10:00+02:00 = 08:00Z is earlier than N5 09:00Z: the latest response is N5's 7
            ("Q1",): {"latest_nps_score": 7, "first_seen_at": ts("2026-04-01T08:00:00Z")},
            ("Q6",): {"first_seen_at": ts("2026-04-01T00:00:00Z"), "current_stage": "consideration"},
        },
    },
    "absent_values": ["Q2", "Q4", "Q5", "Q7", "@"],
}


CASES: dict[str, tuple[Callable[[Path], None], dict[str, Any]]] = {
    "identity": (write_identity, IDENTITY_EXPECTED),
    "stages": (write_stages, STAGES_EXPECTED),
    "fcr": (write_fcr, FCR_EXPECTED),
    "rounding": (write_rounding, ROUNDING_EXPECTED),
    "churn": (write_churn, CHURN_EXPECTED),
    "fx": (write_fx, FX_EXPECTED),
    "sessions": (write_sessions, SESSIONS_EXPECTED),
    "bad_input": (write_bad_input, BAD_INPUT_EXPECTED),
}


# ================================================================ comparing


def _as_utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _is_null(value: Any) -> bool:
    if value is None or type(value).__name__ == "NaTType":
        return True
    return isinstance(value, float) and math.isnan(value)


def same_value(actual: Any, expected: Any) -> bool:
    """Equality as the marts mean it: instants in UTC, decimals by value, floats to 1e-9 days."""
    if _is_null(expected) or _is_null(actual):
        return _is_null(expected) and _is_null(actual)
    if isinstance(expected, datetime) or isinstance(actual, datetime):
        return _as_utc(actual) == _as_utc(expected)
    if isinstance(expected, float) or isinstance(actual, float):
        return math.isclose(float(actual), float(expected), rel_tol=0, abs_tol=1e-9)
    if isinstance(expected, Decimal):
        if isinstance(actual, bool) or not isinstance(actual, Decimal | int):
            return False
        same_scale = not isinstance(actual, Decimal) or actual.as_tuple().exponent == expected.as_tuple().exponent
        return Decimal(actual) == expected and same_scale
    if isinstance(expected, bool):
        return type(actual).__name__ in ("bool", "bool_") and bool(actual) == expected
    return bool(actual == expected)


def _key(row: dict[str, Any], columns: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_as_utc(row[c]) for c in columns)


def check_case(
    marts: dict[str, list[dict[str, Any]]], expected: dict[str, Any], as_of: datetime | None = None
) -> list[str]:
    """Differences between ``marts`` and a case's expected figures."""
    problems: list[str] = []
    if as_of is not None and not same_value(as_of, expected["as_of"]):
        problems.append(f"as_of: {as_of} != {expected['as_of']}")
    for mart, count in expected.get("row_counts", {}).items():
        if len(marts[mart]) != count:
            problems.append(f"{mart}: {len(marts[mart])} rows, expected {count}")
    for mart, rows in expected.get("rows", {}).items():
        index = {_key(r, KEY_COLUMNS[mart]): r for r in marts[mart]}
        for key, columns in rows.items():
            row = index.get(tuple(_as_utc(k) for k in key))
            if row is None:
                problems.append(f"{mart}{key}: missing row")
                continue
            for column, value in columns.items():
                if not same_value(row[column], value):
                    problems.append(f"{mart}{key}.{column}: {row[column]!r} != {value!r}")
    counts = expected.get("touchpoint_counts")
    if counts is not None:
        actual = Counter((r["customer_key"], r["touchpoint_type"]) for r in marts["fct_touchpoints"])
        for key in sorted(set(actual) | set(counts)):
            if actual.get(key, 0) != counts.get(key, 0):
                problems.append(f"touchpoints{key}: {actual.get(key, 0)} != {counts.get(key, 0)}")
    for needle in expected.get("absent_values", []):
        for mart, rows in marts.items():
            for row in rows:
                for column, value in row.items():
                    if column.endswith("_id") and column not in ("customer_key", "anonymous_id"):
                        continue
                    if isinstance(value, str) and needle in value and mart != "dim_journey_stages":
                        problems.append(f"{mart}.{column} holds {needle!r}: {value!r}")
    return problems
