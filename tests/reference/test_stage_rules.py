"""The reference's stage rules are the defaults of seed stage_rules."""

from __future__ import annotations

import csv

from .common import STAGE_ORDER
from .seeds import SEEDS_DIR
from .stages import (
    CONSIDERATION_EVENTS,
    CONSIDERATION_PATHS,
    CONVERSION_TYPES,
    RETENTION_NTH_ORDER,
    RETENTION_TENURE,
)


def _rules() -> list[dict[str, str]]:
    with (SEEDS_DIR / "stage_rules.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_stage_orders() -> None:
    assert {r["stage"]: int(r["stage_order"]) for r in _rules()} == STAGE_ORDER


def test_touchpoint_rules() -> None:
    rules = _rules()

    def of(stage: str) -> set[tuple[str, ...]]:
        return {
            (
                r["touchpoint_type"],
                r["event_name"],
                r["page_path_prefix"],
                r["contact_reason"],
                r["initiation_method"],
                r["min_score"],
            )
            for r in rules
            if r["stage"] == stage and r["rule"] == "touchpoint"
        }

    assert of("awareness") == {("", "", "", "", "", "")}
    assert of("consideration") == (
        {("web_page", "", p, "", "", "") for p in CONSIDERATION_PATHS}
        | {("web_event", e, "", "", "", "") for e in CONSIDERATION_EVENTS}
        | {("deal_created", "", "", "", "", ""), ("contact_centre_contact", "", "", "sales_question", "INBOUND", "")}
    )
    assert of("conversion") == {(t, "", "", "", "", "") for t in CONVERSION_TYPES} | {
        ("web_event", "Order Completed", "", "", "", "")
    }
    assert of("advocacy") == {
        ("nps_response", "", "", "", "", "9"),
        ("web_event", "Review Submitted", "", "", "", "4"),
        ("web_event", "Referral Sent", "", "", "", ""),
    }
    assert of("retention") == set()


def test_retention_rules() -> None:
    params = {r["rule"]: r["parameter"] for r in _rules() if r["stage"] == "retention"}
    assert params == {"nth_order": str(RETENTION_NTH_ORDER), "subscription_tenure": str(RETENTION_TENURE.days)}
