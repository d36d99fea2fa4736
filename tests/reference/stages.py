"""Stage entry per customer and the stage of every touchpoint."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .common import STAGE_ORDER, STAGES, exact_days
from .identity import REMOVED, Identity
from .raw import Deduplicated
from .touchpoints import Touchpoint

CONSIDERATION_EVENTS = ("Pricing Viewed", "Product Viewed", "Demo Requested", "Signed Up")
CONSIDERATION_PATHS = ("/pricing", "/product")
CONVERSION_TYPES = ("order_placed", "deal_won", "subscription_started")
RETENTION_NTH_ORDER = 2
RETENTION_TENURE = timedelta(days=30)


@dataclass(frozen=True)
class StageEntry:
    customer_key: str
    stage: str
    stage_order: int
    qualified_at: datetime
    entered_at: datetime
    exited_at: datetime | None
    next_stage: str | None
    entry_channel: str | None

    @property
    def is_current_stage(self) -> bool:
        return self.exited_at is None


def qualifying_stages(tp: Touchpoint) -> list[str]:
    """The stages a touchpoint qualifies for (retention rules are customer-level, see below)."""
    stages = ["awareness"]
    t = tp.touchpoint_type
    if (
        (t == "web_page" and tp.page_path is not None and tp.page_path.startswith(CONSIDERATION_PATHS))
        or (t == "web_event" and tp.event_name in CONSIDERATION_EVENTS)
        or t == "deal_created"
        or (
            t == "contact_centre_contact"
            and tp.contact_reason == "sales_question"
            and tp.initiation_method == "INBOUND"
        )
    ):
        stages.append("consideration")
    if t in CONVERSION_TYPES or (t == "web_event" and tp.event_name == "Order Completed"):
        stages.append("conversion")
    if (
        (t == "nps_response" and tp.score is not None and tp.score >= 9)
        or (t == "web_event" and tp.event_name == "Review Submitted" and tp.rating is not None and tp.rating >= 4)
        or (t == "web_event" and tp.event_name == "Referral Sent")
    ):
        stages.append("advocacy")
    return stages


def _channel_key(candidate: tuple[datetime, str | None]) -> tuple[datetime, int, str]:
    at, channel = candidate
    return (at, 0 if channel is not None else 1, channel or "")


def stage_entries(touchpoints: list[Touchpoint], data: Deduplicated, identity: Identity) -> dict[str, list[StageEntry]]:
    """Reached stages of every customer, in stage order."""
    candidates: dict[str, dict[str, list[tuple[datetime, str | None]]]] = defaultdict(lambda: defaultdict(list))
    orders: dict[str, list[datetime]] = defaultdict(list)
    for tp in touchpoints:
        for stage in qualifying_stages(tp):
            candidates[tp.customer_key][stage].append((tp.occurred_at, tp.channel))
        if tp.touchpoint_type == "order_placed":
            orders[tp.customer_key].append(tp.occurred_at)
    for key, times in orders.items():
        if len(times) >= RETENTION_NTH_ORDER:
            candidates[key]["retention"].append((sorted(times)[RETENTION_NTH_ORDER - 1], "sales"))
    if data.as_of is not None:
        for sub in data.subscriptions.values():
            owner = identity.for_contact_id(sub.contact_id)
            if owner is REMOVED:
                continue
            tenure_at = sub.started_at + RETENTION_TENURE
            if tenure_at <= data.as_of and (sub.cancelled_at is None or sub.cancelled_at > tenure_at):
                candidates[owner]["retention"].append((tenure_at, "sales"))  # type: ignore[index]

    result: dict[str, list[StageEntry]] = {}
    for key, per_stage in candidates.items():
        if not per_stage.get("awareness"):
            continue
        entries: list[StageEntry] = []
        previous: datetime | None = None
        for stage in STAGES:
            found = per_stage.get(stage)
            if not found:
                continue
            qualified_at, channel = min(found, key=_channel_key)
            entered_at = qualified_at if previous is None else max(qualified_at, previous)
            entries.append(
                StageEntry(
                    customer_key=key,
                    stage=stage,
                    stage_order=STAGE_ORDER[stage],
                    qualified_at=qualified_at,
                    entered_at=entered_at,
                    exited_at=None,
                    next_stage=None,
                    entry_channel=channel,
                )
            )
            previous = entered_at
        for i in range(len(entries) - 1):
            entries[i] = replace(entries[i], exited_at=entries[i + 1].entered_at, next_stage=entries[i + 1].stage)
        result[key] = entries
    return result


def stage_at(entries: list[StageEntry], at: datetime) -> str | None:
    """The stage whose [entered_at, exited_at) contains ``at``."""
    for entry in reversed(entries):
        if entry.entered_at <= at:
            return entry.stage
    return None


def days_in_stage(entry: StageEntry, as_of: datetime) -> float:
    end = entry.exited_at if entry.exited_at is not None else as_of
    return float(exact_days(end - entry.entered_at))
