"""Reading customers' journeys out of a generated landing zone, by the contract's identity rules.

Independent of the generator: contact trace records belong to the CRM contact whose phone
(normalised to E.164 with the contact's country) or e-mail (trimmed, lower case) is their
endpoint; web messages to their ``userId``, or else to the contact their device was first linked
to (by a ``userId`` or an identify's known e-mail); NPS responses to their ``contact_id``; CSAT
surveys to the customer of their contact record. Deleted contacts are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from .landing_files import LandingZone, is_bot, normalise_phone, parse_ts
from .mess_census import BAD_ROW

FOLLOW_UP_WINDOW = timedelta(hours=48)
"""A detractor is followed up on time when an OUTBOUND or CALLBACK contact reaches it within 48 h."""
CALL_BACK_METHODS = {"OUTBOUND", "CALLBACK"}
TOUCH_CHANNELS = {"VOICE": "phone", "CHAT": "chat", "EMAIL": "email"}


@dataclass(frozen=True)
class Contact:
    """One contact trace record, first delivery."""

    contact_id: str
    customer: str | None
    channel: str
    method: str
    reason: str
    initiated_at: datetime


@dataclass
class Customer:
    contact_id: str
    persona: str
    created_at: datetime
    touches: list[tuple[datetime, str]] = field(default_factory=list)
    """(when, channel) of its CRM creation (sales), web messages and contact records."""
    first_order_at: datetime | None = None

    def path(self) -> list[str]:
        """Channel steps before the first order (all of them without one), repeats collapsed."""
        steps: list[str] = []
        for when, channel in sorted(self.touches):
            if self.first_order_at is not None and when >= self.first_order_at:
                break
            if not steps or steps[-1] != channel:
                steps.append(channel)
        return steps


def _clean(zone: LandingZone, name: str) -> list[dict[str, str]]:
    return [r for r in zone.records(name) if not BAD_ROW[name](r)]


class Journeys:
    """Customers, their contact-centre contacts and surveys, as the warehouse attributes them."""

    def __init__(self, zone: LandingZone) -> None:
        self.zone = zone

    @cached_property
    def contacts(self) -> dict[str, dict[str, str]]:
        """Current version of each CRM contact that is not deleted."""
        latest: dict[str, dict[str, str]] = {}
        for r in _clean(self.zone, "crm/contacts.csv"):
            if r["contact_id"] not in latest or r["updated_at"] >= latest[r["contact_id"]]["updated_at"]:
                latest[r["contact_id"]] = r
        return {k: r for k, r in latest.items() if r["is_deleted"] != "true"}

    @cached_property
    def _endpoints(self) -> dict[str, str]:
        """Normalised phone or e-mail -> contact_id (the first contact holding it)."""
        found: dict[str, str] = {}
        for contact_id, r in sorted(self.contacts.items()):
            phone = normalise_phone(r["phone"], r["country"]) if r["phone"].strip() else None
            email = r["email"].strip().lower()
            for key in (phone, email):
                if key:
                    found.setdefault(key, contact_id)
        return found

    def owner(self, address: Any) -> str | None:
        if not isinstance(address, str):
            return None
        return self._endpoints.get(address.strip().lower()) or self._endpoints.get(address.strip())

    @cached_property
    def contact_records(self) -> list[Contact]:
        seen: set[str] = set()
        out = []
        for line in self.zone.contact_records:
            d = line.data
            if not d or not isinstance(d.get("ContactId"), str) or d["ContactId"] in seen:
                continue
            initiated = parse_ts(d.get("InitiationTimestamp"))
            if initiated is None:
                continue
            seen.add(d["ContactId"])
            endpoint = d.get("CustomerEndpoint") or {}
            out.append(
                Contact(
                    d["ContactId"],
                    self.owner(endpoint.get("Address")),
                    d["Channel"],
                    d["InitiationMethod"],
                    (d.get("Attributes") or {}).get("contact_reason") or "",
                    initiated,
                )
            )
        return out

    @cached_property
    def as_of(self) -> datetime:
        """The end of the latest drop."""
        last = max(line.drop for line in self.zone.contact_records)
        return parse_ts(f"{last.isoformat()}T00:00:00Z") + timedelta(days=1)  # type: ignore[operator]

    @cached_property
    def _devices(self) -> dict[str, str]:
        """anonymousId -> the contact it was first linked to (a userId, or an identify's known e-mail)."""
        links: dict[str, tuple[datetime, str]] = {}
        for _, m in self.zone.web_messages():
            when = parse_ts(m.get("timestamp"))
            user = m.get("userId")
            if user not in self.contacts and m["type"] == "identify":
                user = self.owner((m.get("traits") or {}).get("email"))
            if when and user in self.contacts and (m["anonymousId"] not in links or when < links[m["anonymousId"]][0]):
                links[m["anonymousId"]] = (when, user)
        return {device: user for device, (_, user) in links.items()}

    @cached_property
    def customers(self) -> dict[str, Customer]:
        """Known customers with their persona (trimmed, ``unassigned`` when empty) and touches."""
        out = {
            k: Customer(k, r["persona"].strip() or "unassigned", parse_ts(r["created_at"]))  # type: ignore[arg-type]
            for k, r in self.contacts.items()
        }
        for c in out.values():
            c.touches.append((c.created_at, "sales"))
        devices = self._devices
        for _, m in self.zone.web_messages():
            when = parse_ts(m.get("timestamp"))
            user = m.get("userId") or devices.get(m["anonymousId"])
            if when and user in out and m["type"] in ("page", "track") and not is_bot(m["context"]["userAgent"]):
                out[user].touches.append((when, "web"))
        for contact in self.contact_records:
            if contact.customer in out:
                out[contact.customer].touches.append((contact.initiated_at, TOUCH_CHANNELS[contact.channel]))
        for r in _clean(self.zone, "crm/orders.csv"):
            when = parse_ts(r["ordered_at"])
            c = out.get(r["contact_id"])
            if c and when and r["status"] != "cancelled":
                c.first_order_at = min(when, c.first_order_at or when)
        return out

    def detractor_responses(self) -> list[tuple[str, datetime]]:
        """(customer, submitted_at) of each detractor NPS (0-6) and dissatisfied CSAT (1-2) answer."""
        out = []
        seen: set[str] = set()
        for r in _clean(self.zone, "crm/nps_responses.csv"):
            if r["response_id"] in seen or int(r["score"]) > 6:
                continue
            seen.add(r["response_id"])
            customer = r["contact_id"] if r["contact_id"] in self.contacts else self.owner(r["email"])
            if customer:
                out.append((customer, parse_ts(r["submitted_at"])))  # type: ignore[arg-type]
        by_record = {c.contact_id: c.customer for c in self.contact_records}
        for r in _clean(self.zone, "contact_centre/csat_surveys.csv"):
            if r["survey_id"] in seen or int(r["score"]) > 2:
                continue
            seen.add(r["survey_id"])
            customer = by_record.get(r["contact_record_id"])
            if customer:
                out.append((customer, parse_ts(r["submitted_at"])))  # type: ignore[arg-type]
        return out

    def follow_up_delays(self, answers: list[tuple[str, datetime]]) -> list[timedelta | None]:
        """For each (customer, submitted_at): the time to the customer's next OUTBOUND or CALLBACK contact."""
        calls: dict[str, list[datetime]] = defaultdict(list)
        for c in self.contact_records:
            if c.customer and c.method in CALL_BACK_METHODS:
                calls[c.customer].append(c.initiated_at)
        delays: list[timedelta | None] = []
        for customer, submitted in answers:
            later = [t for t in calls[customer] if t > submitted]
            delays.append(min(later) - submitted if later else None)
        return delays

    @cached_property
    def _subscriptions(self) -> list[dict[str, str]]:
        latest: dict[str, dict[str, str]] = {}
        for r in _clean(self.zone, "crm/subscriptions.csv"):
            if r["subscription_id"] not in latest or r["updated_at"] >= latest[r["subscription_id"]]["updated_at"]:
                latest[r["subscription_id"]] = r
        return [r for r in latest.values() if r["contact_id"] in self.contacts]

    def subscribed_at_end(self) -> set[str]:
        """Known customers with a subscription not cancelled at the end of the data."""
        return {r["contact_id"] for r in self._subscriptions if not r["cancelled_at"].strip()}
