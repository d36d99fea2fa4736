"""CRM change exports: contacts, deals, orders, subscriptions and NPS responses."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import LIFECYCLE_STAGES
from .clock import Clock
from .delivery import BadValue, RowDelivery
from .people import Person

_CONTACT_BAD: tuple[BadValue, ...] = (("id", 0), ("timestamp", 10), ("timestamp", 9))
_DEAL_BAD: tuple[BadValue, ...] = (("amount", 3), ("amount", 3), ("id", 1), ("timestamp", 7))
_ORDER_BAD: tuple[BadValue, ...] = (("amount", 4), ("amount", 4), ("id", 1), ("timestamp", 2))
_SUBSCRIPTION_BAD: tuple[BadValue, ...] = (("amount", 3), ("amount", 3), ("id", 1), ("timestamp", 5))
_NPS_BAD: tuple[BadValue, ...] = (("nps", 3),) * 6 + (("timestamp", 5), ("id", 0))


@dataclass(slots=True, eq=False)
class Deal:
    deal_id: str
    contact_id: str
    stage: str
    amount: float
    currency: str
    created_at: str
    closed_at: str = ""


@dataclass(slots=True, eq=False)
class Order:
    order_id: str
    contact_id: str
    ordered_at: str
    status: str
    amount: float
    currency: str


@dataclass(slots=True, eq=False)
class Subscription:
    subscription_id: str
    contact_id: str
    plan: str
    mrr: float
    currency: str
    started_at: str
    started_ms: int
    cancelled_at: str = ""
    cancel_reason: str = ""


@dataclass(frozen=True)
class NpsResponse:
    response_id: str
    contact_id: str
    email: str
    score: int
    comment: str
    submitted_at: int


class CrmExport:
    """Writes one row per created or changed CRM record, dated by ``updated_at``."""

    def __init__(self, clock: Clock, delivery: RowDelivery) -> None:
        self.clock = clock
        self.delivery = delivery
        self.rows = 0

    def contact(self, p: Person, t: int, *, deleted: bool = False) -> bool:
        assert p.contact_id is not None
        cells = [
            p.contact_id,
            p.crm_email,
            p.crm_phone,
            p.first_name,
            p.last_name,
            p.country.code,
            LIFECYCLE_STAGES[p.lifecycle],
            p.source,
            p.crm_persona,
            p.created_at,
            self.clock.utc(t),
            "true" if deleted else "false",
        ]
        return self.delivery.row(
            "crm/contacts", cells, t, duplicable=False, bad_values=_CONTACT_BAD, text_index=4, messy=not deleted
        )

    def deal(self, deal: Deal, t: int) -> bool:
        cells = [
            deal.deal_id,
            deal.contact_id,
            deal.stage,
            f"{deal.amount:.2f}",
            deal.currency,
            deal.created_at,
            deal.closed_at,
            self.clock.utc(t),
        ]
        return self.delivery.row("crm/deals", cells, t, duplicable=False, bad_values=_DEAL_BAD)

    def order(self, order: Order, t: int) -> bool:
        cells = [
            order.order_id,
            order.contact_id,
            order.ordered_at,
            order.status,
            f"{order.amount:.2f}",
            order.currency,
            self.clock.utc(t),
        ]
        return self.delivery.row("crm/orders", cells, t, duplicable=False, bad_values=_ORDER_BAD)

    def subscription(self, sub: Subscription, t: int) -> bool:
        cells = [
            sub.subscription_id,
            sub.contact_id,
            sub.plan,
            f"{sub.mrr:.2f}",
            sub.currency,
            sub.started_at,
            sub.cancelled_at,
            sub.cancel_reason,
            self.clock.utc(t),
        ]
        return self.delivery.row(
            "crm/subscriptions", cells, t, duplicable=False, bad_values=_SUBSCRIPTION_BAD, text_index=7
        )

    def nps(self, response: NpsResponse) -> bool:
        cells = [
            response.response_id,
            response.contact_id,
            response.email,
            str(response.score),
            response.comment,
            self.clock.local(response.submitted_at, 0, "+00:00"),
        ]
        return self.delivery.row(
            "crm/nps_responses", cells, response.submitted_at, duplicable=True, bad_values=_NPS_BAD, text_index=4
        )
