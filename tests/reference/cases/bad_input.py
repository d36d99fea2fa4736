"""The bad_input case: quarantine and broken drops."""

from __future__ import annotations

import json
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
    csv_line,
    ctr,
    nps,
    order,
    ts,
    web,
    write_csv,
    write_ndjson,
    write_text,
)


def write_bad_input(root: Path) -> None:
    write_text(
        root,
        "crm/2026-04-01/contacts.csv",
        "\n".join(
            [
                CONTACTS_HEADER,
                'Q1,q1@example.com,,"Smith, ""Jo""",Q,FR,lead,direct,2026-04-01T08:00:00Z,2026-04-01T08:00:00Z,false',
                "Q2,q2@example.com,,A,B,FR,lead,direct,not-a-date,2026-04-01T08:00:00Z,false",
                ",q3@example.com,,A,B,FR,lead,direct,2026-04-01T08:00:00Z,2026-04-01T08:00:00Z,false",
                "Q4,q4@example.com,,A,B,FR,lead,direct,2026-04-01T08:00:00Z,false",
                'Q5,q5@example.com,,"A"x,B,FR,lead,direct,2026-04-01T08:00:00Z,2026-04-01T08:00:00Z,false',
                "",
                'Q6,q6@example.com,,"multi',
                'line",B,FR,lead,direct,2026-04-01,2026-04-01T08:00:00,false',
            ]
        )
        + "\n",
    )
    write_csv(
        root,
        "crm/2026-04-01/nps_responses.csv",
        NPS_HEADER,
        [
            nps("N1", "9.0", "2026-04-02T09:00:00Z", contact_id="Q1"),
            nps("N2", "nine", "2026-04-02T09:00:00Z", contact_id="Q1"),
            nps("N3", "11", "2026-04-02T09:00:00Z", contact_id="Q1"),
            nps("N4", "-1", "2026-04-02T09:00:00Z", contact_id="Q1"),
            nps("N5", "7", "2026-04-02T09:00:00Z", contact_id="Q1"),
            nps("N6", "10", "2026-04-02T10:00:00+02:00", contact_id="Q1"),
            nps("N7", "8", "", contact_id="Q1"),
            nps("", "8", "2026-04-02T09:00:00Z", contact_id="Q1"),
        ],
    )
    write_csv(
        root,
        "crm/2026-04-01/orders.csv",
        ORDERS_HEADER,
        [
            order("OQ1", "Q1", "2026-04-03T00:00:00Z", "abc"),
            order("OQ2", "Q1", "2026-04-03T00:00:00Z", "12.50"),
            order("OQ3", "Q1", "2026-04-03T00:00:00Z", ""),
            order("OQ4", "", "2026-04-03T00:00:00Z", "5.00"),
        ],
    )
    write_csv(
        root,
        "crm/2026-04-02/nps_responses.csv",
        NPS_HEADER,
        [
            nps("N6", "0", "2026-04-02T10:00:00+02:00", contact_id="Q1"),
        ],
    )
    write_csv(root, "crm/2026-04-03/contacts.csv", CONTACTS_HEADER, [contact("Q7", "2026-04-03T08:00:00Z")])
    write_csv(
        root,
        "crm/2026-04-03/deals.csv",
        "deal_id,contact_id,deal_stage,value,currency,created_at,closed_at,updated_at",
        [
            csv_line(
                "DQ",
                "Q1",
                "closedwon",
                "10",
                "EUR",
                "2026-04-03T08:00:00Z",
                "2026-04-03T09:00:00Z",
                "2026-04-03T09:00:00Z",
            )
        ],
    )
    write_ndjson(
        root,
        "web/2026-04-02/events-1.ndjson.gz",
        [
            web("q1-w1", "page", "dev-q1", "2026-04-02T09:00:00Z", user_id="Q1", path="/"),
            "not json {",
            "[1, 2]",
            json.dumps(
                {k: v for k, v in web("x", "page", "dev-x", "2026-04-02T09:00:00Z").items() if k != "messageId"}
            ),
            json.dumps(web("q-bad-ts", "page", "dev-x", "yesterday")),
            json.dumps(web("q-bad-received", "page", "dev-x", "2026-04-02T09:00:00Z") | {"receivedAt": "soon"}),
            "",
            web("q6-w1", "track", "dev-q6", "2026-04-02T09:30:00Z", user_id="Q6", event="Pricing Viewed"),
            json.dumps(web("", "page", "dev-x", "2026-04-02T09:00:00Z")),
        ],
    )
    renamed = [
        {
            ("ts" if k == "timestamp" else k): v
            for k, v in web("q1-late", "page", "dev-q1", "2026-04-03T09:00:00Z", user_id="Q1").items()
        }
    ]
    write_ndjson(root, "web/2026-04-03/events-1.ndjson", renamed)  # type: ignore[arg-type]
    write_ndjson(
        root,
        "contact_centre/2026-04-02/contacts-1.ndjson",
        [
            ctr("K-Q1", "2026-04-02T10:00:00Z", channel="EMAIL", email="q1@example.com", reason="other", resolved=True),
            {
                k: v
                for k, v in ctr("K-no-ts", "2026-04-02T11:00:00Z", email="q1@example.com").items()
                if k != "InitiationTimestamp"
            },
            ctr("K-bad-end", "2026-04-02T12:00:00Z", email="q1@example.com") | {"DisconnectTimestamp": "garbage"},
        ],
    )
    write_csv(
        root,
        "contact_centre/2026-04-02/csat_surveys.csv",
        CSAT_HEADER,
        [
            csat("S1", "K-Q1", "4", "2026-04-02T10:30:00Z"),
            csat("S2", "K-Q1", "4.0", "2026-04-02T10:30:00Z"),
            csat("S3", "K-Q1", "0", "2026-04-02T10:30:00Z"),
            csat("S4", "K-Q1", "6", "2026-04-02T10:30:00Z"),
            "S5,K-Q1,5,2026-04-02T10:30:00Z,extra",
        ],
    )


BAD_INPUT_EXPECTED: dict[str, Any] = {
    # crm 2026-04-03 fails (deals.csv has 'value' instead of 'amount'), web 2026-04-03 fails (every message
    # has 'ts' instead of 'timestamp'): the latest loaded drop is 2026-04-02
    "as_of": ts("2026-04-03T00:00:00Z"),
    "failed_drops": ["crm/2026-04-03/deals.csv", "web/2026-04-03/events-1.ndjson"],
    "row_counts": {"dim_customers": 2, "mart_cx_kpis_monthly": 1},
    "touchpoint_counts": {
        # Q1: created; NPS N5 and N6 (N1 '9.0', N2 'nine', N3 11, N4 -1, N7 no date, no-id row quarantined);
        # OQ2 ('abc', empty amount and empty contact_id quarantined); q1-w1; K-Q1; S1
        ("Q1", "contact_created"): 1,
        ("Q1", "nps_response"): 2,
        ("Q1", "order_placed"): 1,
        ("Q1", "web_page"): 1,
        ("Q1", "contact_centre_contact"): 1,
        ("Q1", "csat_response"): 1,
        # Q6: multi-line quoted name, date-only created_at; q6-w1. Q2 Q4 Q5 and the id-less row are
        # quarantined, Q7 is in the failed drop
        ("Q6", "contact_created"): 1,
        ("Q6", "web_event"): 1,
    },
    "rows": {
        "mart_cx_kpis_monthly": {
            (date(2026, 4, 1),): {
                # N5 7 and N6 10 (its first copy; the 0 delivered on 04-02 is a duplicate): 100 * 1 / 2
                "nps": D("50.0"),
                "nps_responses": 2,
                # S1 only (S2 '4.0', S3 0, S4 6, S5 extra field are quarantined)
                "csat_pct": D("100.0"),
                "csat_avg": D("4.00"),
                "csat_responses": 1,
                "answered_contacts": 1,  # K-Q1
                "net_revenue_eur": D("12.50"),  # OQ2
                "new_customers": 1,
            },
        },
        "dim_customers": {
            # N6 10:00+02:00 = 08:00Z is earlier than N5 09:00Z: the latest response is N5's 7
            ("Q1",): {"latest_nps_score": 7, "first_seen_at": ts("2026-04-01T08:00:00Z")},
            ("Q6",): {"first_seen_at": ts("2026-04-01T00:00:00Z"), "current_stage": "consideration"},
        },
    },
    "absent_values": ["Q2", "Q4", "Q5", "Q7", "@"],
}
