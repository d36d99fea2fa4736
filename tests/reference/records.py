"""The typed records read from the landing zone, and what a reading of it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .values import (
    Delivery,
    json_path,
    json_text,
)


@dataclass(frozen=True)
class Contact:
    contact_id: str
    email: str | None
    phone: str | None
    country: str | None
    lifecycle_stage: str | None
    original_source: str | None
    persona: str | None
    created_at: datetime
    updated_at: datetime
    is_deleted: bool
    delivery: Delivery


@dataclass(frozen=True)
class Deal:
    deal_id: str
    contact_id: str
    deal_stage: str
    amount: Decimal
    currency: str | None
    created_at: datetime
    closed_at: datetime | None
    updated_at: datetime
    delivery: Delivery


@dataclass(frozen=True)
class Order:
    order_id: str
    contact_id: str
    ordered_at: datetime
    status: str
    amount: Decimal
    currency: str | None
    updated_at: datetime
    delivery: Delivery


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    contact_id: str
    plan: str | None
    mrr: Decimal
    currency: str | None
    started_at: datetime
    cancelled_at: datetime | None
    updated_at: datetime
    delivery: Delivery


@dataclass(frozen=True)
class NpsResponse:
    response_id: str
    contact_id: str | None
    email: str | None
    score: int
    submitted_at: datetime
    delivery: Delivery
    comment: str | None = None


@dataclass(frozen=True)
class CsatSurvey:
    survey_id: str
    contact_record_id: str
    score: int
    submitted_at: datetime
    delivery: Delivery


@dataclass(frozen=True)
class WebMessage:
    message_id: str
    type: str | None
    anonymous_id: str
    user_id: str | None
    timestamp: datetime
    event: str | None
    properties: dict[str, Any]
    context: dict[str, Any]
    traits: dict[str, Any]
    delivery: Delivery

    @property
    def user_agent(self) -> str | None:
        return json_text(self.context.get("userAgent"))

    @property
    def page_path(self) -> str | None:
        path = json_text(self.properties.get("path"))
        if path is None:
            path = json_text(json_path(self.context, "page", "path"))
        return path

    @property
    def trait_email(self) -> str | None:
        return json_text(self.traits.get("email"))

    def campaign(self, key: str) -> str | None:
        return json_text(json_path(self.context, "campaign", key))


@dataclass(frozen=True)
class ContactRecord:
    contact_id: str
    channel: str | None
    initiation_method: str | None
    initiation_timestamp: datetime
    endpoint_type: str | None
    endpoint_address: str | None
    queued: bool
    answered: bool
    queue_duration: Fraction | None
    contact_reason: str | None
    resolved: bool
    delivery: Delivery
    initial_contact_id: str | None = None
    disconnect_timestamp: datetime | None = None

    @property
    def inbound(self) -> bool:
        return (self.initiation_method or "").strip().upper() == "INBOUND"


@dataclass(frozen=True)
class Quarantined:
    source: str
    entity: str
    file: str
    line: int
    reason: str


@dataclass(frozen=True)
class SchemaProblem:
    source: str
    drop: date
    file: str
    column: str


@dataclass
class Landing:
    """Every loaded record in delivery order, before deduplication."""

    loaded_drops: dict[str, list[date]] = field(default_factory=dict)
    failed_drops: list[SchemaProblem] = field(default_factory=list)
    quarantine: list[Quarantined] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    nps_responses: list[NpsResponse] = field(default_factory=list)
    csat_surveys: list[CsatSurvey] = field(default_factory=list)
    web_events: list[WebMessage] = field(default_factory=list)
    contact_records: list[ContactRecord] = field(default_factory=list)

    @property
    def as_of(self) -> datetime | None:
        drops = [d for ds in self.loaded_drops.values() for d in ds]
        if not drops:
            return None
        return datetime.combine(max(drops) + timedelta(days=1), time(0, 0), tzinfo=UTC)
