"""One touchpoint per customer interaction, attributed to its customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .identity import REMOVED, Identity
from .raw import ContactRecord, CsatSurvey, Deduplicated, NpsResponse, json_text, parse_number
from .seeds import Seeds

CHANNEL_OF_CONTACT = {"VOICE": "phone", "CHAT": "chat", "EMAIL": "email"}
PLACED_STATUSES = ("completed", "refunded")


@dataclass(frozen=True)
class Touchpoint:
    touchpoint_id: str
    customer_key: str
    occurred_at: datetime
    source_system: str
    channel: str | None
    touchpoint_type: str
    page_path: str | None = None
    event_name: str | None = None
    rating: Decimal | None = None
    score: int | None = None
    contact_reason: str | None = None
    initiation_method: str | None = None
    contact_record: ContactRecord | None = None
    nps: NpsResponse | None = None
    csat: CsatSurvey | None = None


def status_of(value: str) -> str:
    return value.strip().lower()


def build_touchpoints(data: Deduplicated, identity: Identity, seeds: Seeds) -> list[Touchpoint]:
    out: list[Touchpoint] = []

    def add(owner: object, **kw: object) -> None:
        if owner is REMOVED:
            return
        out.append(Touchpoint(customer_key=owner, **kw))  # type: ignore[arg-type]

    for contact in data.contacts.values():
        if identity.is_known(contact.contact_id):
            add(
                contact.contact_id,
                touchpoint_id=f"contact_created:{contact.contact_id}",
                occurred_at=contact.created_at,
                source_system="crm",
                channel="sales",
                touchpoint_type="contact_created",
            )

    for deal in data.deals.values():
        owner = identity.for_contact_id(deal.contact_id)
        add(
            owner,
            touchpoint_id=f"deal_created:{deal.deal_id}",
            occurred_at=deal.created_at,
            source_system="crm",
            channel="sales",
            touchpoint_type="deal_created",
        )
        outcome = {"closedwon": "deal_won", "closedlost": "deal_lost"}.get(status_of(deal.deal_stage))
        if outcome and deal.closed_at is not None:
            add(
                owner,
                touchpoint_id=f"{outcome}:{deal.deal_id}",
                occurred_at=deal.closed_at,
                source_system="crm",
                channel="sales",
                touchpoint_type=outcome,
            )

    for order in data.orders.values():
        if status_of(order.status) in PLACED_STATUSES:
            add(
                identity.for_contact_id(order.contact_id),
                touchpoint_id=f"order_placed:{order.order_id}",
                occurred_at=order.ordered_at,
                source_system="crm",
                channel="sales",
                touchpoint_type="order_placed",
            )

    for sub in data.subscriptions.values():
        owner = identity.for_contact_id(sub.contact_id)
        add(
            owner,
            touchpoint_id=f"subscription_started:{sub.subscription_id}",
            occurred_at=sub.started_at,
            source_system="crm",
            channel="sales",
            touchpoint_type="subscription_started",
        )
        if sub.cancelled_at is not None:
            add(
                owner,
                touchpoint_id=f"subscription_cancelled:{sub.subscription_id}",
                occurred_at=sub.cancelled_at,
                source_system="crm",
                channel="sales",
                touchpoint_type="subscription_cancelled",
            )

    for response in data.nps_responses.values():
        add(
            identity.for_nps(response),
            touchpoint_id=f"nps_response:{response.response_id}",
            occurred_at=response.submitted_at,
            source_system="crm",
            channel="survey",
            touchpoint_type="nps_response",
            score=response.score,
            nps=response,
        )

    for message in data.web_events.values():
        if message.type not in ("page", "track") or seeds.is_bot(message.user_agent):
            continue
        if message.type == "track" and message.event == "Order Completed":
            order_id = json_text(message.properties.get("order_id"))
            if order_id is not None and order_id in data.orders:
                continue
        rating_text = json_text(message.properties.get("rating"))
        add(
            identity.for_web(message),
            touchpoint_id=f"web:{message.message_id}",
            occurred_at=message.timestamp,
            source_system="web",
            channel="web",
            touchpoint_type="web_page" if message.type == "page" else "web_event",
            page_path=message.page_path if message.type == "page" else None,
            event_name=message.event if message.type == "track" else None,
            rating=parse_number(rating_text) if rating_text is not None else None,
        )

    for record in data.contact_records.values():
        add(
            identity.for_contact_record(record),
            touchpoint_id=f"contact_centre_contact:{record.contact_id}",
            occurred_at=record.initiation_timestamp,
            source_system="contact_centre",
            channel=CHANNEL_OF_CONTACT.get((record.channel or "").strip().upper()),
            touchpoint_type="contact_centre_contact",
            contact_reason=record.contact_reason,
            initiation_method=(record.initiation_method or "").strip().upper() or None,
            contact_record=record,
        )

    for survey in data.csat_surveys.values():
        add(
            identity.for_csat(survey, data.contact_records),
            touchpoint_id=f"csat_response:{survey.survey_id}",
            occurred_at=survey.submitted_at,
            source_system="contact_centre",
            channel="survey",
            touchpoint_type="csat_response",
            score=survey.score,
            csat=survey,
        )

    return out
