"""The sessions case: web sessions, bot traffic, duplicate deliveries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..common import anon_key
from .builders import (
    BOT_UA,
    CONTACTS_HEADER,
    contact,
    ts,
    web,
    write_csv,
    write_ndjson,
)

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
