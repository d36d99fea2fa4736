"""The follow_ups case: unhappy customers called back within 48 hours, late, or not yet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .builders import (
    CONTACTS_HEADER,
    CSAT_HEADER,
    NPS_HEADER,
    D,
    contact,
    csat,
    ctr,
    nps,
    ts,
    write_csv,
    write_ndjson,
)

DROP = "2026-02-28"


def _call(record_id: str, user: str, at: str, method: str) -> dict[str, Any]:
    return ctr(record_id, at, method=method, email=f"{user.lower()}@example.com", reason="billing", resolved=True)


def write_follow_ups(root: Path) -> None:
    write_csv(
        root,
        f"crm/{DROP}/contacts.csv",
        CONTACTS_HEADER,
        [contact(f"R{i}", "2026-01-01T00:00:00Z", email=f"r{i}@example.com") for i in range(1, 6)],
    )
    write_csv(
        root,
        f"crm/{DROP}/nps_responses.csv",
        NPS_HEADER,
        [
            nps("r1", 3, "2026-02-10T00:00:00Z", "R1"),
            nps("r2", 6, "2026-02-10T00:00:00Z", "R2"),
            nps("r3", 0, "2026-02-01T00:00:00Z", "R3"),
            nps("r4", 5, "2026-02-27T12:00:00Z", "R4"),
            nps("r6", 9, "2026-02-10T00:00:00Z", "R1"),
            nps("r7", 2, "2026-02-10T00:00:00Z", email="nobody@example.com"),
        ],
    )
    write_ndjson(
        root,
        f"contact_centre/{DROP}/contacts-1.ndjson",
        [
            _call("k0", "R1", "2026-02-09T00:00:00Z", "OUTBOUND"),  # before the response
            _call("k1", "R1", "2026-02-10T01:00:00Z", "INBOUND"),  # the customer calls: no follow-up
            _call("k2", "R1", "2026-02-11T06:00:00Z", "OUTBOUND"),  # 30 h
            _call("k3", "R2", "2026-02-12T02:00:00Z", "CALLBACK"),  # 50 h
            _call("k5", "R5", "2026-02-20T10:00:00Z", "INBOUND"),
            _call("k6", "R5", "2026-02-20T12:30:00Z", "OUTBOUND"),  # 1.5 h after the CSAT
        ],
    )
    write_csv(
        root, f"contact_centre/{DROP}/csat_surveys.csv", CSAT_HEADER, [csat("c5", "k5", 1, "2026-02-20T11:00:00Z")]
    )


FOLLOW_UPS_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-03-01T00:00:00Z"),
    # the promoter (r6) and the anonymous detractor (r7) have no row
    "row_counts": {"fct_feedback_follow_ups": 5},
    "rows": {
        "fct_feedback_follow_ups": {
            ("nps", "r1"): {
                "customer_key": "R1",
                "followed_up_at": ts("2026-02-11T06:00:00Z"),
                "hours_to_follow_up": D("30.00"),
                "status": "closed",
            },
            ("nps", "r2"): {
                "followed_up_at": ts("2026-02-12T02:00:00Z"),
                "hours_to_follow_up": D("50.00"),
                "status": "late",
            },
            ("nps", "r3"): {"followed_up_at": None, "hours_to_follow_up": None, "status": "overdue"},
            # submitted 36 h before as_of, nobody called yet
            ("nps", "r4"): {"followed_up_at": None, "hours_to_follow_up": None, "status": "open"},
            ("csat", "c5"): {
                "customer_key": "R5",
                "followed_up_at": ts("2026-02-20T12:30:00Z"),
                "hours_to_follow_up": D("1.50"),
                "status": "closed",
            },
        },
    },
}
