"""The churn case: churn of subscriptions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .builders import (
    CONTACTS_HEADER,
    SUBSCRIPTIONS_HEADER,
    D,
    contact,
    subscription,
    ts,
    write_csv,
)


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
