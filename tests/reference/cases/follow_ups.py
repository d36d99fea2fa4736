"""The follow_ups case: unhappy customers called back within 48 hours, late, or not yet; and the
action list at as_of (follow-ups still due, marketing to suppress, customers to win back)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .builders import (
    CONTACTS_HEADER,
    CSAT_HEADER,
    NPS_HEADER,
    SUBSCRIPTIONS_HEADER,
    D,
    contact,
    csat,
    ctr,
    nps,
    subscription,
    ts,
    write_csv,
    write_ndjson,
)

DROP = "2026-02-28"


def _call(
    record_id: str, user: str, at: str, method: str, reason: str = "billing", resolved: bool = True
) -> dict[str, Any]:
    return ctr(record_id, at, method=method, email=f"{user.lower()}@example.com", reason=reason, resolved=resolved)


def write_follow_ups(root: Path) -> None:
    write_csv(
        root,
        f"crm/{DROP}/contacts.csv",
        CONTACTS_HEADER,
        [contact(f"R{i}", "2026-01-01T00:00:00Z", email=f"r{i}@example.com") for i in range(1, 9)],
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
            nps("r8", 8, "2026-02-27T00:00:00Z", "R8"),  # passive, sent while R8's case is open
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
            _call("k7", "R6", "2026-02-21T23:59:59Z", "INBOUND", reason="complaint"),  # before the 7 days
            _call("k8", "R6", "2026-02-25T10:00:00Z", "INBOUND", reason="cancellation"),
            _call("k9", "R8", "2026-02-26T09:00:00Z", "INBOUND", reason="technical", resolved=False),  # open case
        ],
    )
    write_csv(
        root,
        f"crm/{DROP}/subscriptions.csv",
        SUBSCRIPTIONS_HEADER,
        [
            subscription("s7", "R7", "2025-12-01T00:00:00Z", "2026-02-14T00:00:00Z"),
            subscription("s1", "R1", "2025-12-01T00:00:00Z", "2026-02-14T00:00:00Z"),
            subscription("s1b", "R1", "2026-02-15T00:00:00Z"),  # still active: no win-back
        ],
    )
    write_csv(
        root, f"contact_centre/{DROP}/csat_surveys.csv", CSAT_HEADER, [csat("c5", "k5", 1, "2026-02-20T11:00:00Z")]
    )


FOLLOW_UPS_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-03-01T00:00:00Z"),
    # the promoter (r6) and the anonymous detractor (r7) have no row
    "row_counts": {"fct_feedback_follow_ups": 5, "mart_customer_actions": 5},
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
        "mart_cx_kpis_monthly": {
            # February: r1 and c5 closed, r2 late, r3 overdue, r4 open -> 2 / 5; of the 8 counted
            # responses (the anonymous r7 included) only r8 was sent during an open case
            (date(2026, 2, 1),): {"follow_up_48h_rate": D("0.4000"), "surveys_during_open_case_rate": D("0.1250")},
        },
        "mart_customer_actions": {
            ("R3", "follow_up_feedback"): {
                "reason": "detractor_nps",
                "trigger_id": "r3",
                "triggered_at": ts("2026-02-01T00:00:00Z"),
                "due_at": ts("2026-02-03T00:00:00Z"),
                "persona": "unassigned",
                "current_stage": "awareness",
            },
            ("R4", "follow_up_feedback"): {"trigger_id": "r4", "due_at": ts("2026-03-01T12:00:00Z")},
            # the complaint 7 days and 1 second before as_of is outside the window
            ("R6", "suppress_marketing"): {
                "reason": "cancellation_contact",
                "trigger_id": "k8",
                "triggered_at": ts("2026-02-25T10:00:00Z"),
                "due_at": ts("2026-02-25T10:00:00Z"),
            },
            ("R7", "win_back"): {
                "reason": "subscription_cancelled",
                "trigger_id": "s7",
                "due_at": ts("2026-02-21T00:00:00Z"),
                "current_stage": "retention",
            },
            # an unresolved technical contact 63 hours before as_of: an open case
            ("R8", "suppress_marketing"): {
                "reason": "open_case",
                "trigger_id": "k9",
                "triggered_at": ts("2026-02-26T09:00:00Z"),
            },
        },
    },
}
