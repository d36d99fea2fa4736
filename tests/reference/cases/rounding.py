"""The rounding case: rounding of rates and averages in the KPI marts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .builders import (
    CONTACTS_HEADER,
    CSAT_HEADER,
    NPS_HEADER,
    ORDERS_HEADER,
    D,
    contact,
    csat,
    ctr,
    empty_kpis,
    nps,
    order,
    ts,
    write_csv,
    write_ndjson,
)


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
