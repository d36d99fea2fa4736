"""Who each record belongs to: CRM contacts, matching by email and phone, web devices, anonymous keys."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .common import anon_key, normalise_email
from .raw import Contact, ContactRecord, CsatSurvey, Deduplicated, NpsResponse, WebMessage
from .seeds import Seeds

_NOT_PHONE_CHARS = re.compile(r"[^0-9+]")


class Removed:
    """Marker of a record attributed to a deleted contact: it belongs to no customer."""

    def __repr__(self) -> str:
        return "REMOVED"


REMOVED = Removed()

Owner = str | Removed


def normalise_crm_phone(phone: str | None, country: str | None, seeds: Seeds) -> str | None:
    """E.164 form of a phone typed in the CRM, or None when it cannot be normalised."""
    if phone is None:
        return None
    kept = _NOT_PHONE_CHARS.sub("", phone)
    international = kept.startswith("+")
    digits = kept.replace("+", "")
    if international:
        return "+" + digits if digits else None
    if digits.startswith("00"):
        return "+" + digits[2:] if digits[2:] else None
    if not digits:
        return None
    code = seeds.calling_codes.get((country or "").strip().upper())
    if code is None:
        return None
    if code.trunk_prefix and digits.startswith(code.trunk_prefix):
        digits = digits[len(code.trunk_prefix) :]
    if code.national_number_digits is not None:
        if len(digits) == code.national_number_digits + len(code.calling_code) and digits.startswith(code.calling_code):
            digits = digits[len(code.calling_code) :]
        if len(digits) != code.national_number_digits:
            return None
    if not digits:
        return None
    return "+" + code.calling_code + digits


def normalise_endpoint_phone(address: str) -> str | None:
    """E.164 form of a contact-centre caller number (already international)."""
    kept = _NOT_PHONE_CHARS.sub("", address)
    digits = kept.replace("+", "")
    if not kept.startswith("+") and digits.startswith("00"):
        digits = digits[2:]
    return "+" + digits if digits else None


@dataclass
class Identity:
    contacts: dict[str, Contact]
    deleted: set[str]
    by_email: dict[str, str]
    by_phone: dict[str, str]
    device_owner: dict[str, Owner]

    def is_known(self, key: str) -> bool:
        return key in self.contacts and key not in self.deleted

    def for_contact_id(self, contact_id: str) -> Owner:
        if contact_id in self.contacts:
            return REMOVED if contact_id in self.deleted else contact_id
        return anon_key("user", contact_id)

    def for_email(self, email: str | None) -> Owner | None:
        """The matching contact, or None when no contact carries this email."""
        normalised = normalise_email(email)
        if normalised is None or normalised not in self.by_email:
            return None
        return self.for_contact_id(self.by_email[normalised])

    def for_phone(self, e164: str | None) -> Owner | None:
        if e164 is None or e164 not in self.by_phone:
            return None
        return self.for_contact_id(self.by_phone[e164])

    def for_device(self, anonymous_id: str) -> Owner:
        """The customer a device was first linked to, else the anonymous device."""
        owner = self.device_owner.get(anonymous_id)
        return owner if owner is not None else anon_key("device", anonymous_id)

    def for_web(self, message: WebMessage) -> Owner:
        if message.user_id is not None:
            return self.for_contact_id(message.user_id)
        return self.for_device(message.anonymous_id)

    def for_contact_record(self, record: ContactRecord) -> Owner:
        address = record.endpoint_address
        if address is None:
            return anon_key("contact_record", record.contact_id)
        kind = (record.endpoint_type or "").strip().upper()
        is_email = kind == "EMAIL_ADDRESS" or (kind != "TELEPHONE_NUMBER" and "@" in address)
        if is_email:
            email = normalise_email(address)
            if email is None:
                return anon_key("contact_record", record.contact_id)
            owner = self.for_email(email)
            return owner if owner is not None else anon_key("email", email)
        phone = normalise_endpoint_phone(address)
        if phone is None:
            return anon_key("contact_record", record.contact_id)
        owner = self.for_phone(phone)
        return owner if owner is not None else anon_key("phone", phone)

    def for_nps(self, response: NpsResponse) -> Owner:
        if response.contact_id is not None:
            return self.for_contact_id(response.contact_id)
        email = normalise_email(response.email)
        if email is None:
            return anon_key("nps_response", response.response_id)
        owner = self.for_email(email)
        return owner if owner is not None else anon_key("email", email)

    def for_csat(self, survey: CsatSurvey, records: dict[str, ContactRecord]) -> Owner:
        record = records.get(survey.contact_record_id)
        if record is None:
            return anon_key("contact_record", survey.contact_record_id)
        return self.for_contact_record(record)


def _match_index(contacts: dict[str, Contact], value_of: dict[str, str | None]) -> dict[str, str]:
    index: dict[str, str] = {}
    for contact in sorted(contacts.values(), key=lambda c: (c.created_at, c.contact_id)):
        value = value_of[contact.contact_id]
        if value is not None:
            index.setdefault(value, contact.contact_id)
    return index


def build_identity(data: Deduplicated, seeds: Seeds) -> Identity:
    contacts = data.contacts
    identity = Identity(
        contacts=contacts,
        deleted={c.contact_id for c in contacts.values() if c.is_deleted},
        by_email=_match_index(contacts, {k: normalise_email(c.email) for k, c in contacts.items()}),
        by_phone=_match_index(
            contacts, {k: normalise_crm_phone(c.phone, c.country, seeds) for k, c in contacts.items()}
        ),
        device_owner={},
    )
    links = sorted(
        (m for m in data.web_events.values() if not seeds.is_bot(m.user_agent)),
        key=lambda m: (m.timestamp, m.message_id),
    )
    for message in links:
        if message.anonymous_id in identity.device_owner:
            continue
        owner: Owner | None = None
        if message.user_id is not None:
            owner = identity.for_contact_id(message.user_id)
        elif message.type == "identify":
            owner = identity.for_email(message.trait_email)
        if owner is not None:
            identity.device_owner[message.anonymous_id] = owner
    return identity
