"""The journey_analytics case: personas, support cases, survey responses with sentiment,
outcomes per stage and predicted CLV, with figures computed by hand from the contract.

Sentiment scores come from the Pattern lexicons' values, read by hand: en "excellent" 1.0;
fr "horrible" −1.0 and "déçu" −1.0 (mean −1.0); de "gut" 1.0, negated by "nicht" → −0.5.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..common import anon_key
from .builders import (
    CONTACTS_HEADER,
    CSAT_HEADER,
    NPS_HEADER,
    ORDERS_HEADER,
    SUBSCRIPTIONS_HEADER,
    D,
    contact,
    csat,
    csv_line,
    ctr,
    nps,
    order,
    subscription,
    ts,
    write_csv,
    write_ndjson,
)

PERSONA_HEADER = CONTACTS_HEADER.replace("original_source,", "original_source,persona,")


def _with_persona(contact_id: str, created: str, phone: str, persona: str, updated: str | None = None) -> str:
    return csv_line(
        contact_id, "", phone, "First", "Last", "FR", "lead", "direct", persona, created, updated or created, "false"
    )


def write_journey_analytics(root: Path) -> None:
    write_csv(
        root,
        "crm/2026-01-31/contacts.csv",
        PERSONA_HEADER,
        [
            _with_persona("P1", "2026-01-01T00:00:00Z", "+33 6 00 00 00 11", " persona_a "),
            _with_persona("P2", "2026-01-01T00:00:00Z", "+33 6 00 00 00 12", ""),
            _with_persona("P3", "2026-01-01T00:00:00Z", "+33 6 00 00 00 13", "persona_b"),
        ],
    )
    # P3's current version comes in a file without the persona column: unassigned.
    write_csv(
        root,
        "crm/2026-02-15/contacts.csv",
        CONTACTS_HEADER,
        [contact("P3", "2026-01-01T00:00:00Z", phone="+33 6 00 00 00 13", updated="2026-02-10T00:00:00Z")],
    )
    write_csv(root, "crm/2026-01-31/orders.csv", ORDERS_HEADER, [order("O1", "P1", "2026-01-15T00:00:00Z", "100.00")])
    write_csv(
        root,
        "crm/2026-01-31/subscriptions.csv",
        SUBSCRIPTIONS_HEADER,
        [
            subscription("S2", "P2", "2026-01-02T00:00:00Z"),
            subscription("S3", "P3", "2025-12-15T00:00:00Z", cancelled="2026-01-20T00:00:00Z"),
        ],
    )
    write_csv(
        root,
        "crm/2026-01-31/nps_responses.csv",
        NPS_HEADER,
        [
            nps("R1", 10, "2026-01-10T12:00:00Z", contact_id="P1", comment="Excellent!"),
            nps("R2", 3, "2026-01-13T00:00:00Z", contact_id="P1", comment="Service horrible, je suis déçu."),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-15/nps_responses.csv",
        NPS_HEADER,
        [
            nps("R3", 8, "2026-02-10T00:00:00Z", contact_id="P2"),
            nps("R4", 6, "2026-02-12T00:00:00Z", contact_id="P3", comment="Nicht gut."),
        ],
    )
    p1, p2 = "+33600000011", "+33600000012"
    write_ndjson(
        root,
        "contact_centre/2026-01-31/contacts-1.ndjson",
        [
            ctr(
                "A",
                "2026-01-05T10:00:00Z",
                phone=p1,
                wait=30,
                reason="billing",
                resolved=False,
                ended="2026-01-05T10:20:00Z",
            ),
            ctr(
                "B",
                "2026-01-06T10:00:00Z",
                "CHAT",
                phone=p1,
                wait=10,
                reason="technical",
                resolved=True,
                ended="2026-01-06T10:30:00Z",
            ),
            ctr("O", "2026-01-07T10:00:00Z", method="OUTBOUND", phone=p1, reason="billing", resolved=True),
            ctr("N", "2026-01-08T08:00:00Z", phone=p1, resolved=True),
            # exactly 168 hours after A: the same case
            ctr("C", "2026-01-12T10:00:00Z", "EMAIL", phone=p1, reason="billing", resolved=False),
            # a transfer joins the case of its initial contact C and ends it, resolved
            ctr(
                "T",
                "2026-01-12T10:30:00Z",
                method="TRANSFER",
                phone=p1,
                wait=20,
                resolved=True,
                initial="C",
                ended="2026-01-12T11:00:00Z",
            ),
            # 168 h 20 min after C (within 168 h of T, which does not extend the chain): a new case
            ctr("E", "2026-01-19T10:20:00Z", phone=p1, wait=40, reason="billing", resolved=False),
            # a callback whose initial contact is another customer's: a case of its own
            ctr(
                "K",
                "2026-01-20T09:00:00Z",
                method="CALLBACK",
                phone=p1,
                reason="billing",
                resolved=True,
                initial="X",
                ended="2026-01-20T09:10:00Z",
            ),
        ],
    )
    write_ndjson(
        root,
        "contact_centre/2026-02-15/contacts-1.ndjson",
        [
            # as_of is 16 February 00:00: X's last contact is exactly 168 h before (open), Y's a second more
            ctr("X", "2026-02-09T00:00:00Z", phone=p2, wait=15, reason="complaint", resolved=False),
            ctr("Y", "2026-02-08T23:59:59Z", phone=p2, wait=50, answered=False, reason="other"),
        ],
    )
    write_csv(
        root,
        "contact_centre/2026-01-31/csat_surveys.csv",
        CSAT_HEADER,
        [csat("Q1", "T", 4, "2026-01-12T12:00:00Z"), csat("Q2", "B", 2, "2026-01-06T11:00:00Z")],
    )


# P1: awareness 01-01 (created), conversion and advocacy both entered 01-15 (the order; the
#     NPS 10 of 01-10 qualifies earlier but entries are monotonic): conversion zero-length.
# P2: awareness 01-01, conversion 01-02 (subscription), retention 02-01 (30 days kept).
# P3: awareness and conversion 2025-12-15 (subscription; awareness zero-length), retention
#     2026-01-14 (still running 30 days after it started).
# Churn: December none active at its start; January S3 active and cancelled → 1;
#     February S2 active, none cancelled → 0. Mean 1/2 → 2 expected months.
JOURNEY_ANALYTICS_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-02-16T00:00:00Z"),
    "row_counts": {"fct_support_cases": 7, "fct_survey_responses": 6, "mart_persona_journey": 10},
    "rows": {
        "dim_customers": {
            ("P1",): {"persona": "persona_a", "lifetime_revenue_eur": D("100.00"), "predicted_clv_eur": D("100.00")},
            # 49 EUR MRR active at as_of × 2 months
            ("P2",): {"persona": "unassigned", "lifetime_revenue_eur": D("0.00"), "predicted_clv_eur": D("98.00")},
            ("P3",): {"persona": "unassigned", "predicted_clv_eur": D("0.00")},
        },
        "fct_support_cases": {
            ("A",): {
                "customer_key": "P1",
                "contact_reason": "billing",
                "opened_at": ts("2026-01-05T10:00:00Z"),
                "last_contact_at": ts("2026-01-12T10:30:00Z"),
                "contacts": 3,
                "channels": "email,phone",
                "first_channel": "phone",
                "is_resolved": True,
                "resolved_at": ts("2026-01-12T11:00:00Z"),
                "hours_to_resolution": D("169.00"),
                "is_one_touch": False,
                "total_wait_seconds": 50.0,
                "csat_avg": D("4.00"),
                "stage_at_open": "awareness",
                "status": "resolved",
            },
            ("B",): {
                "contact_reason": "technical",
                "contacts": 1,
                "channels": "chat",
                "hours_to_resolution": D("0.50"),
                "is_one_touch": True,
                "total_wait_seconds": 10.0,
                "csat_avg": D("2.00"),
                "status": "resolved",
            },
            ("N",): {
                "contact_reason": "unknown",
                "contacts": 1,
                "hours_to_resolution": D("0.00"),
                "status": "resolved",
            },
            ("E",): {
                "contact_reason": "billing",
                "contacts": 1,
                "is_resolved": False,
                "resolved_at": None,
                "hours_to_resolution": None,
                "is_one_touch": False,
                "stage_at_open": "advocacy",
                "status": "unresolved",
            },
            # 10 minutes → 0.1666… → 0.17
            ("K",): {"contact_reason": "billing", "hours_to_resolution": D("0.17"), "stage_at_open": "advocacy"},
            ("X",): {"customer_key": "P2", "status": "open", "stage_at_open": "retention", "csat_avg": None},
            ("Y",): {"customer_key": "P2", "status": "unresolved", "total_wait_seconds": 50.0},
        },
        "fct_survey_responses": {
            ("nps", "R1"): {
                "category": "promoter",
                "stage": "awareness",
                "sentiment_score": 1.0,
                "sentiment_label": "positive",
                "during_open_case": True,  # case A opened 01-05, resolved 01-12
            },
            ("nps", "R2"): {
                "category": "detractor",
                "sentiment_score": -1.0,
                "sentiment_label": "negative",
                "during_open_case": False,  # A was resolved 13 hours before
            },
            ("nps", "R3"): {
                "category": "passive",
                "stage": "retention",
                "sentiment_score": None,
                "sentiment_label": None,
                "during_open_case": True,  # X (and Y) never resolved
            },
            ("nps", "R4"): {"category": "detractor", "sentiment_score": -0.5, "sentiment_label": "negative"},
            ("csat", "Q1"): {"category": "satisfied", "during_open_case": False},
            ("csat", "Q2"): {"category": "dissatisfied", "during_open_case": True},
        },
        "mart_persona_journey": {
            # P1 in awareness: created, contacts A B O N C T, CSAT Q1 Q2, NPS R1 R2 = 11 touchpoints
            ("persona_a", "awareness"): {
                "customers_entered": 1,
                "customers_progressed": 1,
                "progression_rate": D("1.0000"),
                "median_days_in_stage": D("14.00"),
                "touchpoints_per_customer": D("11.00"),
                "nps": D("0.0"),  # 10 and 3
                "csat_pct": D("50.0"),  # 4 and 2
                "avg_wait_seconds": D("20.0"),  # A 30 and B 10 (T is a transfer)
            },
            ("persona_a", "conversion"): {"median_days_in_stage": D("0.00"), "touchpoints_per_customer": D("0.00")},
            ("persona_a", "advocacy"): {
                "customers_progressed": 0,
                "median_days_in_stage": D("32.00"),
                "touchpoints_per_customer": D("3.00"),  # order, E, K
                "avg_wait_seconds": D("40.0"),
            },
            ("persona_a", "retention"): {
                "customers_entered": 0,
                "progression_rate": None,
                "touchpoints_per_customer": None,
            },
            # P2 1 day, P3 0 days
            ("unassigned", "awareness"): {"customers_entered": 2, "median_days_in_stage": D("0.50")},
            ("unassigned", "conversion"): {
                "customers_entered": 2,
                "median_days_in_stage": D("30.00"),
                "touchpoints_per_customer": D("1.50"),
            },
            # P2 15 days, P3 33 days; X Y R3, S3 cancelled and R4
            ("unassigned", "retention"): {
                "customers_entered": 2,
                "median_days_in_stage": D("24.00"),
                "touchpoints_per_customer": D("2.50"),
                "nps": D("-50.0"),
                "avg_wait_seconds": D("15.0"),
            },
        },
        "mart_stage_experience_monthly": {
            (date(2026, 1, 1), "awareness"): {
                "orders": 0,
                "avg_order_value_eur": None,
                "avg_sentiment": D("0.000"),
                "contacts_per_customer": D("6.00"),
            },
            (date(2026, 1, 1), "advocacy"): {
                "orders": 1,
                "avg_order_value_eur": D("100.00"),
                "avg_sentiment": None,
                "contacts_per_customer": D("2.00"),
            },
            (date(2026, 2, 1), "retention"): {
                "orders": 0,
                "avg_sentiment": D("-0.500"),
                "contacts_per_customer": D("2.00"),
            },
        },
        "mart_cx_kpis_monthly": {
            (date(2025, 12, 1),): {"cases_opened": 0, "contacts_per_case": None, "case_resolution_rate": None},
            # A (3 contacts), B, N, E, K
            (date(2026, 1, 1),): {
                "cases_opened": 5,
                "contacts_per_case": D("1.40"),
                "case_resolution_rate": D("0.8000"),
            },
            (date(2026, 2, 1),): {
                "cases_opened": 2,
                "contacts_per_case": D("1.00"),
                "case_resolution_rate": D("0.0000"),
            },
        },
    },
    "absent_values": ["Excellent!", "déçu", "Nicht gut"],
}


ZZ = anon_key("user", "ZZ")


def write_clv_without_churn_history(root: Path) -> None:
    write_csv(root, "crm/2026-03-31/contacts.csv", CONTACTS_HEADER, [contact("Z1", "2026-03-01T00:00:00Z")])
    write_csv(
        root,
        "crm/2026-03-31/subscriptions.csv",
        SUBSCRIPTIONS_HEADER,
        [subscription("S1", "Z1", "2026-03-02T00:00:00Z"), subscription("S9", "ZZ", "2026-03-03T00:00:00Z")],
    )
    write_csv(root, "crm/2026-03-31/orders.csv", ORDERS_HEADER, [order("O9", "ZZ", "2026-03-03T00:00:00Z", "10.00")])


# The only KPI month, March, has no subscription active at its start: no churn rate, 60 months.
CLV_WITHOUT_CHURN_HISTORY_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-04-01T00:00:00Z"),
    "row_counts": {"dim_customers": 2, "mart_persona_journey": 10},
    "rows": {
        "dim_customers": {
            ("Z1",): {"persona": "unassigned", "predicted_clv_eur": D("2940.00")},  # 49 EUR × 60
            # an anonymous customer (a contact_id the CRM does not know): its revenue only
            (ZZ,): {"persona": "anonymous", "lifetime_revenue_eur": D("10.00"), "predicted_clv_eur": D("10.00")},
        },
        "mart_cx_kpis_monthly": {
            (date(2026, 3, 1),): {"churn_rate": None, "cases_opened": 0, "contacts_per_case": None},
        },
        "mart_persona_journey": {
            ("anonymous", "conversion"): {"customers_entered": 1, "customers_progressed": 0},
            ("unassigned", "consideration"): {"customers_entered": 0, "median_days_in_stage": None},
        },
    },
}
