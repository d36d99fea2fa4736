"""The fx case: currency conversion and CRM record versions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .builders import (
    CONTACTS_HEADER,
    ORDERS_HEADER,
    D,
    contact,
    order,
    ts,
    write_csv,
)


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
