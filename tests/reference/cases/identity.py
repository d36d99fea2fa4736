"""The identity case: identity stitching across CRM, web and contact centre."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..common import anon_key
from .builders import (
    BOT_UA,
    CONTACTS_HEADER,
    CSAT_HEADER,
    DEALS_HEADER,
    NPS_HEADER,
    ORDERS_HEADER,
    D,
    contact,
    csat,
    ctr,
    days,
    deal,
    empty_kpis,
    nps,
    order,
    ts,
    web,
    write_csv,
    write_ndjson,
)

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
