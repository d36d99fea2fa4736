"""The fcr case: first-contact resolution of contact-centre contacts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .builders import (
    CONTACTS_HEADER,
    D,
    contact,
    ctr,
    ts,
    write_csv,
    write_ndjson,
)


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
