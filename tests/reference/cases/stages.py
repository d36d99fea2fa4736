"""The stages case: journey stages: qualifying touches, entry and exit, current stage."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .builders import (
    CONTACTS_HEADER,
    DEALS_HEADER,
    NPS_HEADER,
    ORDERS_HEADER,
    SUBSCRIPTIONS_HEADER,
    D,
    contact,
    ctr,
    deal,
    nps,
    order,
    subscription,
    ts,
    web,
    write_csv,
    write_ndjson,
)


def write_stages(root: Path) -> None:
    jan1 = "2026-01-01T00:00:00Z"
    write_csv(
        root,
        "crm/2026-02-01/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("A1", jan1),
            contact("A2", "2026-01-02T00:00:00Z"),
            contact("A3", jan1),
            contact("A4", jan1),
            contact("A5", jan1),
            contact("A6", jan1),
            contact("A7", jan1),
            contact("A8", jan1),
            contact("A9", jan1),
            contact("A10", jan1, phone="01 23 45 67 89"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-01/orders.csv",
        ORDERS_HEADER,
        [
            order("A1-O1", "A1", "2026-01-05T12:00:00Z", "50.00"),
            order("A1-O2", "A1", "2026-01-20T00:00:00Z", "30.00", status="refunded"),
            order("A8-O1", "A8", "2026-01-06T10:00:00Z", "20.00"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-01/deals.csv",
        DEALS_HEADER,
        [
            deal("A1-D1", "A1", "2026-01-10T00:00:00Z"),
            deal("A9-D1", "A9", "2026-01-04T00:00:00Z"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-01/subscriptions.csv",
        SUBSCRIPTIONS_HEADER,
        [
            subscription("A3-S1", "A3", "2026-01-03T00:00:00Z"),
            subscription("A4-S1", "A4", "2026-01-01T12:00:00Z", "2026-01-31T12:00:00Z"),
            subscription("A5-S1", "A5", "2026-01-05T00:00:00Z"),
            subscription("A6-S1", "A6", "2026-01-02T00:00:00Z", "2026-02-01T00:00:01Z"),
        ],
    )
    write_csv(
        root,
        "crm/2026-02-01/nps_responses.csv",
        NPS_HEADER,
        [
            nps("A2-R1", 9, "2026-01-03T00:00:00Z", contact_id="A2"),
        ],
    )
    write_ndjson(
        root,
        "web/2026-02-01/events-1.ndjson",
        [
            web("a1-w1", "page", "dev-a1", "2026-01-02T00:00:00Z", user_id="A1", path="/blog"),
            web(
                "a7-w1",
                "track",
                "dev-a7",
                "2026-01-06T00:00:00Z",
                user_id="A7",
                event="Order Completed",
                properties={"order_id": "W-1", "revenue": 99.0, "currency": "EUR"},
            ),
            web(
                "a7-w2",
                "track",
                "dev-a7",
                "2026-01-07T00:00:00Z",
                user_id="A7",
                event="Review Submitted",
                properties={"rating": 3},
            ),
            web(
                "a7-w3",
                "track",
                "dev-a7",
                "2026-01-08T00:00:00Z",
                user_id="A7",
                event="Review Submitted",
                properties={"rating": 4},
            ),
            web(
                "a8-w1",
                "track",
                "dev-a8",
                "2026-01-06T09:59:00Z",
                user_id="A8",
                event="Order Completed",
                properties={"order_id": "A8-O1", "revenue": 20.0, "currency": "EUR"},
            ),
            web("a9-w1", "page", "dev-a9", "2026-01-03T00:00:00Z", user_id="A9", path="/Pricing"),
            web("a9-w2", "page", "dev-a9", "2026-01-04T00:00:00Z", user_id="A9", path="/pricing/plans"),
        ],
    )
    write_ndjson(
        root,
        "contact_centre/2026-02-01/contacts-1.ndjson",
        [
            ctr("KA", "2026-01-04T00:00:00Z", method="OUTBOUND", phone="+33123456789", reason="sales_question"),
            ctr("KB", "2026-01-05T00:00:00Z", phone="+33123456789", wait=12, reason="sales_question", resolved=True),
        ],
    )


STAGES_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-02-02T00:00:00Z"),
    "row_counts": {
        "dim_customers": 10,
        # A1 4, A2 2, A3 3, A4 2, A5 2, A6 3, A7 3, A8 2, A9 2, A10 2
        "fct_customer_journey": 25,
        # 29 in January + A6's cancellation on 2026-02-01 (see the experience rows)
        "fct_touchpoints": 30,
        "mart_journey_funnel": 5,  # one cohort (2026-01) x 5 stages
        "mart_stage_experience_monthly": 10,  # Jan, Feb x 5 stages
    },
    "touchpoint_counts": {
        ("A1", "contact_created"): 1,
        ("A1", "web_page"): 1,
        ("A1", "order_placed"): 2,
        ("A1", "deal_created"): 1,
        ("A2", "contact_created"): 1,
        ("A2", "nps_response"): 1,
        ("A3", "contact_created"): 1,
        ("A3", "subscription_started"): 1,
        ("A4", "contact_created"): 1,
        ("A4", "subscription_started"): 1,
        ("A4", "subscription_cancelled"): 1,
        ("A5", "contact_created"): 1,
        ("A5", "subscription_started"): 1,
        ("A6", "contact_created"): 1,
        ("A6", "subscription_started"): 1,
        ("A6", "subscription_cancelled"): 1,
        ("A7", "contact_created"): 1,
        ("A7", "web_event"): 3,
        # the web Order Completed of CRM order A8-O1 is not a touchpoint of its own
        ("A8", "contact_created"): 1,
        ("A8", "order_placed"): 1,
        ("A9", "contact_created"): 1,
        ("A9", "web_page"): 2,
        ("A9", "deal_created"): 1,
        ("A10", "contact_created"): 1,
        ("A10", "contact_centre_contact"): 2,
    },
    "rows": {
        "fct_customer_journey": {
            # A1: awareness 01-01 (created), consideration qualifies 01-10 (deal), conversion qualifies
            # 01-05 12:00 (order) but enters at max(01-05 12:00, 01-10) = 01-10, retention 01-20 (2nd order,
            # refunded still counts as placed)
            ("A1", "awareness"): {
                "stage_order": 1,
                "entered_at": ts("2026-01-01T00:00:00Z"),
                "exited_at": ts("2026-01-10T00:00:00Z"),
                "next_stage": "consideration",
                "days_in_stage": 9.0,
                "touchpoints_in_stage": 3,  # created, /blog page, A1-O1 (01-05 is before conversion's entry)
                "channels_in_stage": "sales,web",
                "entry_channel": "sales",
                "is_current_stage": False,
            },
            ("A1", "consideration"): {
                # zero-length: entered and exited at 01-10
                "stage_order": 2,
                "entered_at": ts("2026-01-10T00:00:00Z"),
                "exited_at": ts("2026-01-10T00:00:00Z"),
                "next_stage": "conversion",
                "days_in_stage": 0.0,
                "touchpoints_in_stage": 0,
                "channels_in_stage": "",
                "entry_channel": "sales",
                "is_current_stage": False,
            },
            ("A1", "conversion"): {
                "entered_at": ts("2026-01-10T00:00:00Z"),
                "exited_at": ts("2026-01-20T00:00:00Z"),
                "next_stage": "retention",
                "days_in_stage": 10.0,
                "touchpoints_in_stage": 1,  # the deal created at 01-10 falls in [01-10, 01-20)
                "channels_in_stage": "sales",
                "entry_channel": "sales",
            },
            ("A1", "retention"): {
                "entered_at": ts("2026-01-20T00:00:00Z"),
                "exited_at": None,
                "next_stage": None,
                "days_in_stage": 13.0,  # to as_of 02-02
                "touchpoints_in_stage": 1,
                "entry_channel": "sales",
                "is_current_stage": True,
            },
            # A2 skips consideration, conversion and retention
            ("A2", "awareness"): {
                "entered_at": ts("2026-01-02T00:00:00Z"),
                "exited_at": ts("2026-01-03T00:00:00Z"),
                "next_stage": "advocacy",
                "days_in_stage": 1.0,
                "touchpoints_in_stage": 1,
            },
            ("A2", "advocacy"): {
                "stage_order": 5,
                "entered_at": ts("2026-01-03T00:00:00Z"),
                "days_in_stage": 30.0,
                "touchpoints_in_stage": 1,
                "channels_in_stage": "survey",
                "entry_channel": "survey",
                "is_current_stage": True,
            },
            # A3: started 01-03, +30 days = 02-02 00:00 = as_of, not after it: retention
            ("A3", "conversion"): {
                "entered_at": ts("2026-01-03T00:00:00Z"),
                "exited_at": ts("2026-02-02T00:00:00Z"),
                "next_stage": "retention",
                "days_in_stage": 30.0,
                "touchpoints_in_stage": 1,
            },
            ("A3", "retention"): {
                "entered_at": ts("2026-02-02T00:00:00Z"),
                "days_in_stage": 0.0,
                "touchpoints_in_stage": 0,
                "channels_in_stage": "",
                "entry_channel": "sales",
                "is_current_stage": True,
            },
            # A4: cancelled exactly at +30 days: no retention; current stage conversion
            ("A4", "conversion"): {
                "entered_at": ts("2026-01-01T12:00:00Z"),
                "exited_at": None,
                "days_in_stage": 31.5,  # 01-01 12:00 -> 02-02 00:00
                "touchpoints_in_stage": 2,
                "is_current_stage": True,
            },
            # A5: +30 days = 02-04, after as_of: no retention
            ("A5", "conversion"): {"entered_at": ts("2026-01-05T00:00:00Z"), "is_current_stage": True},
            # A6: cancelled 1 s after +30 days: retention at 02-01 00:00; its cancellation falls in retention
            ("A6", "retention"): {
                "entered_at": ts("2026-02-01T00:00:00Z"),
                "days_in_stage": 1.0,
                "touchpoints_in_stage": 1,
                "entry_channel": "sales",
                "is_current_stage": True,
            },
            # A7: web Order Completed without CRM order converts; review rating 3 does not, rating 4 does
            ("A7", "conversion"): {
                "entered_at": ts("2026-01-06T00:00:00Z"),
                "exited_at": ts("2026-01-08T00:00:00Z"),
                "next_stage": "advocacy",
                "touchpoints_in_stage": 2,
                "entry_channel": "web",
            },
            ("A7", "advocacy"): {"entered_at": ts("2026-01-08T00:00:00Z"), "entry_channel": "web"},
            # A8: converted by the CRM order at 10:00, not by the web Order Completed at 09:59
            ("A8", "conversion"): {
                "entered_at": ts("2026-01-06T10:00:00Z"),
                "entry_channel": "sales",
                "touchpoints_in_stage": 1,
                "channels_in_stage": "sales",
            },
            # A9: '/Pricing' does not qualify (case-sensitive); '/pricing/plans' and the deal tie at 01-04:
            # entry channel is the alphabetically first, sales
            ("A9", "awareness"): {
                "exited_at": ts("2026-01-04T00:00:00Z"),
                "touchpoints_in_stage": 2,
                "channels_in_stage": "sales,web",
            },
            ("A9", "consideration"): {
                "entered_at": ts("2026-01-04T00:00:00Z"),
                "entry_channel": "sales",
                "touchpoints_in_stage": 2,
                "channels_in_stage": "sales,web",
            },
            # A10: the outbound sales_question call does not qualify, the inbound one does
            ("A10", "awareness"): {"touchpoints_in_stage": 2, "channels_in_stage": "phone,sales"},
            ("A10", "consideration"): {"entered_at": ts("2026-01-05T00:00:00Z"), "entry_channel": "phone"},
        },
        "dim_customers": {
            ("A1",): {
                "current_stage": "retention",
                "converted_at": ts("2026-01-10T00:00:00Z"),
                "lifetime_revenue_eur": D("50.00"),
                "churned_at": None,
            },  # refunded A1-O2 brings nothing
            ("A2",): {"current_stage": "advocacy", "converted_at": None, "latest_nps_score": 9},
            ("A3",): {"current_stage": "retention", "churned_at": None},
            ("A4",): {"current_stage": "conversion", "churned_at": ts("2026-01-31T12:00:00Z")},
            ("A5",): {"current_stage": "conversion", "churned_at": None},
            ("A6",): {"current_stage": "retention", "churned_at": ts("2026-02-01T00:00:01Z")},
            ("A7",): {"current_stage": "advocacy", "lifetime_revenue_eur": D("0.00")},
            ("A8",): {"current_stage": "conversion", "lifetime_revenue_eur": D("20.00")},
        },
        "mart_journey_funnel": {
            # every customer's awareness is in January and every one reached a later stage;
            # days to the next stage: A1 9, A2 1, A3 2, A4 0.5, A5 4, A6 1, A7 5, A8 5 10/24, A9 3, A10 4
            # sorted 0.5 1 1 2 3 | 4 4 5 5.42 9 -> median (3 + 4) / 2
            (date(2026, 1, 1), "awareness"): {
                "stage_order": 1,
                "customers_entered": 10,
                "customers_progressed": 10,
                "progression_rate": D("1.0000"),
                "median_days_to_progress": D("3.50"),
            },
            # A1, A9, A10 entered; only A1 moved on (zero-length: 0 days)
            (date(2026, 1, 1), "consideration"): {
                "customers_entered": 3,
                "customers_progressed": 1,
                "progression_rate": D("0.3333"),
                "median_days_to_progress": D("0.00"),
            },
            # A1 A3 A4 A5 A6 A7 A8 entered; A1 (10 d), A3 (30 d), A6 (30 d), A7 (2 d) moved on: 4/7 = 0.571428..
            # median of 2 10 30 30 = 20
            (date(2026, 1, 1), "conversion"): {
                "customers_entered": 7,
                "customers_progressed": 4,
                "progression_rate": D("0.5714"),
                "median_days_to_progress": D("20.00"),
            },
            (date(2026, 1, 1), "retention"): {
                "customers_entered": 3,
                "customers_progressed": 0,
                "progression_rate": D("0.0000"),
                "median_days_to_progress": None,
            },
            (date(2026, 1, 1), "advocacy"): {
                "stage_order": 5,
                "customers_entered": 2,
                "customers_progressed": 0,
                "progression_rate": D("0.0000"),
                "median_days_to_progress": None,
            },
        },
        "mart_cx_kpis_monthly": {
            (date(2026, 1, 1),): {
                # conversion entered in January: A1 A3 A4 A5 A6 A7 A8
                "new_customers": 7,
                # no subscription started before January
                "churn_rate": None,
                # A1-O1 50 + A8-O1 20 (A1-O2 refunded)
                "net_revenue_eur": D("70.00"),
                # A2's 9: 100 * 1 / 1
                "nps": D("100.0"),
                "answered_contacts": 1,  # KB (KA is outbound)
                "avg_wait_seconds": D("12.0"),
            },
            (date(2026, 2, 1),): {
                "new_customers": 0,
                # active on 02-01: A3-S1, A5-S1, A6-S1 (cancelled 02-01 00:00:01); A4-S1 cancelled 01-31
                # cancelled in February: A6-S1 -> 1/3
                "churn_rate": D("0.3333"),
                "net_revenue_eur": D("0.00"),
                "nps": None,
            },
        },
        "mart_stage_experience_monthly": {
            # January awareness: A1 3, A2..A8 1 each (7), A9 2, A10 2 (created, KA) = 14
            (date(2026, 1, 1), "awareness"): {
                "touchpoints": 14,
                "contacts": 1,
                "avg_wait_seconds": None,
                "nps": None,
                "csat_pct": None,
            },
            # A9 /pricing/plans + deal, A10 KB
            (date(2026, 1, 1), "consideration"): {"touchpoints": 3, "contacts": 1, "avg_wait_seconds": D("12.0")},
            # A1 deal, A3 start, A4 start+cancel, A5 start, A6 start, A7 order completed + review 3, A8 order
            (date(2026, 1, 1), "conversion"): {"touchpoints": 9, "contacts": 0},
            (date(2026, 1, 1), "retention"): {"touchpoints": 1},  # A1-O2
            (date(2026, 1, 1), "advocacy"): {"touchpoints": 2, "nps": D("100.0")},  # A2's NPS, A7's review 4
            (date(2026, 2, 1), "awareness"): {"touchpoints": 0, "contacts": 0, "nps": None},
            (date(2026, 2, 1), "retention"): {"touchpoints": 1},  # A6's cancellation
        },
    },
    "absent_values": [],
}
