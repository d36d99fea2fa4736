"""The paths case: channel paths and flows, and multi-touch attribution.

Q1 converts at its first touch (an empty path, credit to '(none)'); Q2 has eight channel steps
and does not convert; Q3 has one lookback touchpoint, Q4 two (and a survey in the window, which
gets no credit), Q5 four, the first exactly 30 days before its conversion (one a second earlier
is outside the window).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .builders import (
    CONTACTS_HEADER,
    NPS_HEADER,
    ORDERS_HEADER,
    SUBSCRIPTIONS_HEADER,
    D,
    contact,
    ctr,
    nps,
    order,
    subscription,
    ts,
    web,
    write_csv,
    write_ndjson,
)

DROP = "2026-02-28"


def _page(message_id: str, user: str, at: str) -> dict[str, Any]:
    return web(message_id, "page", f"device-{user}", at, user_id=user, path="/blog")


def _email(record_id: str, user: str, at: str) -> dict[str, Any]:
    return ctr(record_id, at, channel="EMAIL", email=f"{user.lower()}@example.com", reason="billing", resolved=True)


def write_paths(root: Path) -> None:
    write_csv(
        root,
        f"crm/{DROP}/contacts.csv",
        CONTACTS_HEADER,
        [
            contact("Q1", "2026-01-10T00:00:00Z", email="q1@example.com"),
            contact("Q2", "2026-01-01T00:00:00Z", email="q2@example.com"),
            contact("Q3", "2025-12-01T00:00:00Z", email="q3@example.com"),
            contact("Q4", "2025-12-01T00:00:00Z", email="q4@example.com"),
            contact("Q5", "2025-11-01T00:00:00Z", email="q5@example.com"),
        ],
    )
    write_csv(
        root,
        f"crm/{DROP}/orders.csv",
        ORDERS_HEADER,
        [
            order("o1", "Q1", "2026-01-10T00:00:00Z", "80.00"),
            order("o3", "Q3", "2026-01-25T00:00:00Z", "100.00"),
            order("o4", "Q4", "2026-02-20T00:00:00Z", "50.00"),
            order("o5", "Q5", "2026-02-10T00:00:00Z", "200.00"),
        ],
    )
    write_csv(
        root,
        f"crm/{DROP}/subscriptions.csv",
        SUBSCRIPTIONS_HEADER,
        [subscription("s4", "Q4", "2026-02-15T00:00:00Z")],
    )
    write_csv(root, f"crm/{DROP}/nps_responses.csv", NPS_HEADER, [nps("n4", 7, "2026-02-10T00:00:00Z", "Q4")])
    write_ndjson(
        root,
        f"web/{DROP}/events-1.ndjson",
        [
            *(_page(f"q2-{day}", "Q2", f"2026-01-{day:02d}T00:00:00Z") for day in (2, 4, 6, 8)),
            _page("q3-1", "Q3", "2026-01-20T12:00:00Z"),
            _page("q4-1", "Q4", "2026-02-01T00:00:00Z"),
            _page("q5-0", "Q5", "2026-01-10T23:59:59Z"),
            _page("q5-1", "Q5", "2026-01-11T00:00:00Z"),
            _page("q5-3", "Q5", "2026-01-31T00:00:00Z"),
        ],
    )
    write_ndjson(
        root,
        f"contact_centre/{DROP}/contacts-1.ndjson",
        [
            *(_email(f"q2-{day}", "Q2", f"2026-01-{day:02d}T00:00:00Z") for day in (3, 5, 7)),
            _email("q4-2", "Q4", "2026-02-08T00:00:00Z"),
            _email("q5-2", "Q5", "2026-01-20T00:00:00Z"),
            _email("q5-4", "Q5", "2026-02-03T00:00:00Z"),
        ],
    )


def _credits(key: str, model: str, rows: dict[str | None, float], revenue: float) -> dict[tuple, dict[str, Any]]:
    return {(key, model, tid): {"credit": c, "revenue_eur": c * revenue} for tid, c in rows.items()}


# Time decay of Q5: 2^(-d/7) for d = 30, 21, 10, 7 days, normalised.
_Q5_WEIGHTS = [2 ** (-30 / 7), 2**-3, 2 ** (-10 / 7), 2**-1]
_Q5_DECAY = [w / sum(_Q5_WEIGHTS) for w in _Q5_WEIGHTS]
_Q5_IDS = ["web:q5-1", "contact_centre:contact:q5-2", "web:q5-3", "contact_centre:contact:q5-4"]

PATHS_EXPECTED: dict[str, Any] = {
    "as_of": ts("2026-03-01T00:00:00Z"),
    "row_counts": {"mart_channel_flows": 12, "mart_conversion_paths": 5},
    "rows": {
        "mart_channel_flows": {
            (1, "(start)", "(conversion)"): {"customers": 1},  # Q1: empty path
            (1, "(start)", "sales"): {"customers": 4},  # contact created
            (2, "sales", "web"): {"customers": 4},
            (3, "web", "(conversion)"): {"customers": 1},  # Q3
            (3, "web", "email"): {"customers": 3},
            (4, "email", "web"): {"customers": 2},
            (4, "email", "survey"): {"customers": 1},  # Q4's NPS response is part of its path
            (5, "survey", "(conversion)"): {"customers": 1},
            (5, "web", "email"): {"customers": 2},
            (6, "email", "(conversion)"): {"customers": 1},  # Q5
            (6, "email", "web"): {"customers": 1},  # Q2, sixth step shown
            (7, "web", "(no conversion)"): {"customers": 1},  # Q2 after the cap
        },
        "mart_conversion_paths": {
            ("",): {
                "path_length": 0,
                "customers": 1,
                "converted_customers": 1,
                "conversion_rate": D("1.0000"),
                "median_days_to_convert": D("0.00"),
            },
            ("sales > web > email > web > email > web > …",): {
                "path_length": 6,
                "customers": 1,
                "converted_customers": 0,
                "conversion_rate": D("0.0000"),
                "median_days_to_convert": None,
            },
            ("sales > web",): {"path_length": 2, "converted_customers": 1, "median_days_to_convert": D("55.00")},
            ("sales > web > email > survey",): {"path_length": 4, "median_days_to_convert": D("76.00")},
            ("sales > web > email > web > email",): {"path_length": 5, "median_days_to_convert": D("101.00")},
        },
        "fct_attribution_credits": {
            # Q1: no lookback touchpoint, its 80 EUR order (at entered_at) to (none)
            **{
                (("Q1", m, None)): {"channel": "(none)", "credit": 1.0, "revenue_eur": 80.0}
                for m in ("first_touch", "last_touch", "linear", "position_based", "time_decay")
            },
            # Q3: one lookback touchpoint (the contact was created more than 30 days before)
            **{
                (("Q3", m, "web:q3-1")): {"channel": "web", "credit": 1.0, "revenue_eur": 100.0}
                for m in ("first_touch", "last_touch", "linear", "position_based", "time_decay")
            },
            # Q4: web 14 days and email 7 days before; the survey in the window gets nothing
            **_credits("Q4", "linear", {"web:q4-1": 0.5, "contact_centre:contact:q4-2": 0.5}, 50.0),
            **_credits("Q4", "position_based", {"web:q4-1": 0.5, "contact_centre:contact:q4-2": 0.5}, 50.0),
            **_credits("Q4", "time_decay", {"web:q4-1": 1 / 3, "contact_centre:contact:q4-2": 2 / 3}, 50.0),
            **_credits("Q4", "first_touch", {"web:q4-1": 1.0}, 50.0),
            **_credits("Q4", "last_touch", {"contact_centre:contact:q4-2": 1.0}, 50.0),
            # Q5: the touch exactly 30 days before is the first of four
            **_credits("Q5", "first_touch", {"web:q5-1": 1.0}, 200.0),
            **_credits("Q5", "last_touch", {"contact_centre:contact:q5-4": 1.0}, 200.0),
            **_credits("Q5", "linear", dict.fromkeys(_Q5_IDS, 0.25), 200.0),
            **_credits("Q5", "position_based", dict(zip(_Q5_IDS, [0.4, 0.1, 0.1, 0.4], strict=True)), 200.0),
            **_credits("Q5", "time_decay", dict(zip(_Q5_IDS, _Q5_DECAY, strict=True)), 200.0),
        },
        "mart_channel_attribution_monthly": {
            **{
                (date(2026, 1, 1), m, "(none)"): {"conversions": D("1.0000"), "revenue_eur": D("80.00")}
                for m in ("first_touch", "last_touch", "linear", "position_based", "time_decay")
            },
            **{
                (date(2026, 1, 1), m, "web"): {"conversions": D("1.0000"), "revenue_eur": D("100.00")}
                for m in ("first_touch", "last_touch", "linear", "position_based", "time_decay")
            },
            (date(2026, 2, 1), "first_touch", "web"): {"conversions": D("2.0000"), "revenue_eur": D("250.00")},
            (date(2026, 2, 1), "last_touch", "email"): {"conversions": D("2.0000"), "revenue_eur": D("250.00")},
            # Q4 1/2 + Q5 1/4 + 1/4 on each channel; revenue 25 + 50 + 50
            (date(2026, 2, 1), "linear", "web"): {"conversions": D("1.0000"), "revenue_eur": D("125.00")},
            (date(2026, 2, 1), "linear", "email"): {"conversions": D("1.0000"), "revenue_eur": D("125.00")},
            (date(2026, 2, 1), "position_based", "web"): {"conversions": D("1.0000"), "revenue_eur": D("125.00")},
            (date(2026, 2, 1), "position_based", "email"): {"conversions": D("1.0000"), "revenue_eur": D("125.00")},
            # Q4 1/3 + Q5 0.0489… + 0.3546…; revenue 50/3 + 200 × the same
            (date(2026, 2, 1), "time_decay", "web"): {"conversions": D("0.7368"), "revenue_eur": D("97.37")},
            (date(2026, 2, 1), "time_decay", "email"): {"conversions": D("1.2632"), "revenue_eur": D("152.63")},
        },
        "mart_cx_kpis_monthly": {
            (date(2026, 1, 1),): {"new_customers": 2},
            (date(2026, 2, 1),): {"new_customers": 2},
        },
    },
}
