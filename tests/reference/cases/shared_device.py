"""The shared-device case: a session belongs to its device's customer, whatever userId its messages carry.

A1's laptop (dev-a) is first linked to A1; B1 signs in on it for a while, and a message of D1, a
deleted contact, sits between two of its sessions. Another device (dev-d) was first linked to D1,
and a third (dev-e) is linked to A1 by an identify before B1's userId shows up on it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .builders import CONTACTS_HEADER, contact, ts, web, write_csv, write_ndjson

PARTNER = {"source": "partner", "medium": "referral", "name": "duo"}


def write_shared_device(root: Path) -> None:
    write_csv(
        root,
        "crm/2026-03-01/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("A1", "2026-03-01T08:00:00Z", email="a1@example.com"),
            contact("B1", "2026-03-01T08:00:00Z"),
            contact("D1", "2026-03-01T08:00:00Z", deleted=True),
        ],
    )
    write_ndjson(
        root,
        "web/2026-03-01/events-1.ndjson",
        [
            # dev-a: first linked to A1 by a1
            web("a1", "page", "dev-a", "2026-03-01T09:00:00Z", user_id="A1", path="/home"),
            web("a2", "page", "dev-a", "2026-03-01T10:00:00Z", user_id="B1", path="/blog", campaign=PARTNER),
            web("a3", "page", "dev-a", "2026-03-01T10:05:00Z", path="/home"),
            web("a4", "track", "dev-a", "2026-03-01T10:30:00Z", user_id="D1", event="Signed Up"),
            web("a5", "track", "dev-a", "2026-03-01T10:55:00Z", event="Demo Requested"),
            # dev-b: B1's own device
            web("b1", "page", "dev-b", "2026-03-01T09:30:00Z", user_id="B1", path="/pricing"),
            # dev-d: first linked to D1, who is deleted
            web("d1", "page", "dev-d", "2026-03-01T12:00:00Z", user_id="D1", path="/home"),
            web("d2", "page", "dev-d", "2026-03-01T12:10:00Z", user_id="B1", path="/docs"),
            web("d3", "page", "dev-d", "2026-03-01T12:20:00Z", path="/blog"),
            # dev-e: linked to A1 by an identify, then B1's userId shows up first in its session
            web("e0", "identify", "dev-e", "2026-03-01T13:00:00Z", email="a1@example.com"),
            web("e1", "page", "dev-e", "2026-03-01T13:05:00Z", user_id="B1", path="/product/teams"),
            web("e2", "track", "dev-e", "2026-03-01T13:10:00Z", event="Pricing Viewed"),
        ],
    )


SHARED_DEVICE_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-03-02T00:00:00Z"),
    "row_counts": {
        # dev-a 3, dev-b 1, dev-e 1; none for dev-d, whose customer is deleted
        "fct_web_sessions": 5,
        "dim_customers": 2,  # A1, B1; D1 is gone
        "mart_cx_kpis_monthly": 1,
        "mart_stage_experience_monthly": 5,
    },
    "touchpoint_counts": {
        # each message keeps its own customer: a1 a3 (pages) a5 e2 (tracks) are A1's, a2 b1 d2 e1 B1's;
        # a4 (D1's userId), d1 and d3 (dev-d is D1's) are gone; the identify is no touch
        ("A1", "contact_created"): 1,
        ("A1", "web_page"): 2,
        ("A1", "web_event"): 2,
        ("B1", "contact_created"): 1,
        ("B1", "web_page"): 4,
    },
    "rows": {
        "fct_web_sessions": {
            ("dev-a", ts("2026-03-01T09:00:00Z")): {
                "customer_key": "A1",
                "ended_at": ts("2026-03-01T09:00:00Z"),
                "page_views": 1,
                "events": 0,
                "landing_path": "/home",
                "utm_source": None,
            },
            # a2 (60 min after a1) opens it with B1's userId: still A1's session, A1's device.
            # a4 is D1's and counts nowhere: a3 10:05 -> a5 10:55 is a 50 min gap, so a5 is alone.
            ("dev-a", ts("2026-03-01T10:00:00Z")): {
                "customer_key": "A1",
                "ended_at": ts("2026-03-01T10:05:00Z"),
                "page_views": 2,
                "events": 0,
                "landing_path": "/blog",
                "utm_source": "partner",
                "utm_medium": "referral",
                "utm_campaign": "duo",
            },
            ("dev-a", ts("2026-03-01T10:55:00Z")): {
                "customer_key": "A1",
                "ended_at": ts("2026-03-01T10:55:00Z"),
                "page_views": 0,
                "events": 1,
                "landing_path": None,
            },
            ("dev-b", ts("2026-03-01T09:30:00Z")): {"customer_key": "B1", "page_views": 1, "landing_path": "/pricing"},
            # the identify (not a page or track) links dev-e to A1; e1 carries B1's userId
            ("dev-e", ts("2026-03-01T13:05:00Z")): {
                "customer_key": "A1",
                "ended_at": ts("2026-03-01T13:10:00Z"),
                "page_views": 1,
                "events": 1,
                "landing_path": "/product/teams",
                "utm_source": None,
            },
        },
        "fct_customer_journey": {
            ("A1", "awareness"): {"entered_at": ts("2026-03-01T08:00:00Z"), "exited_at": ts("2026-03-01T10:55:00Z")},
            # a5 Demo Requested 10:55 (B1's /blog page a2 is not A1's touch)
            ("A1", "consideration"): {"entered_at": ts("2026-03-01T10:55:00Z"), "entry_channel": "web"},
            ("B1", "awareness"): {"entered_at": ts("2026-03-01T08:00:00Z"), "exited_at": ts("2026-03-01T09:30:00Z")},
            # b1 /pricing 09:30 on B1's own device
            ("B1", "consideration"): {"entered_at": ts("2026-03-01T09:30:00Z"), "entry_channel": "web"},
        },
        "mart_stage_experience_monthly": {
            # A1: created 08:00, a1 09:00, a3 10:05; B1: created 08:00
            (date(2026, 3, 1), "awareness"): {"touchpoints": 4, "contacts": 0, "nps": None, "csat_pct": None},
            # A1: a5 10:55, e2 13:10; B1: b1 09:30, a2 10:00, d2 12:10, e1 13:05 (B1 in consideration, A1
            # not yet at 10:00: given to the device's customer, a2 would count in awareness)
            (date(2026, 3, 1), "consideration"): {"touchpoints": 6, "contacts": 0},
            (date(2026, 3, 1), "conversion"): {"touchpoints": 0},
            (date(2026, 3, 1), "retention"): {"touchpoints": 0},
            (date(2026, 3, 1), "advocacy"): {"touchpoints": 0},
        },
    },
    "absent_values": ["@"],
}
