"""The landing-zone contract: which files each raw entity comes from and what a valid record holds.

Every rule here comes from the raw-sources contract: required fields (ids, the
timestamps that date a record, measured values) must be present and parse; descriptive
fields may be missing altogether; unknown fields are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Format(Enum):
    CSV = "csv"
    NDJSON = "ndjson"


class Kind(Enum):
    """How a field is checked at load time (its value is stored as delivered)."""

    TEXT = "text"
    ID = "id"
    TIMESTAMP = "timestamp"
    INTEGER = "integer"
    NUMBER = "number"


@dataclass(frozen=True)
class Field:
    """One field of a raw entity.

    name: column name in the raw table.
    path: CSV header name, or JSON path (``$.Queue.Duration``) for NDJSON.
    required: the value must be present (a missing one quarantines the record).
    optional_column: descriptive field; a file without this column still loads.
    value_range: inclusive integer range for scores.
    """

    name: str
    path: str
    kind: Kind = Kind.TEXT
    required: bool = False
    optional_column: bool = False
    value_range: tuple[int, int] | None = None

    @property
    def label(self) -> str:
        """The field as a person names it: header name or JSON path without ``$.``."""
        return self.path.removeprefix("$.")

    @property
    def column_must_exist(self) -> bool:
        return not self.optional_column


@dataclass(frozen=True)
class Entity:
    """A raw entity: one Dagster asset and one table in the ``raw`` schema."""

    source: str
    name: str
    format: Format
    file_globs: tuple[str, ...]
    fields: tuple[Field, ...]
    description: str
    keep_payload: bool = False

    @property
    def table(self) -> str:
        return f"{self.source}_{self.name}"

    @property
    def required_columns(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.column_must_exist)


def _csv(name: str, kind: Kind = Kind.TEXT, **kw: object) -> Field:
    return Field(name=name, path=name, kind=kind, **kw)  # type: ignore[arg-type]


def _id(name: str) -> Field:
    return _csv(name, Kind.ID, required=True)


def _ts(name: str, required: bool = True) -> Field:
    return _csv(name, Kind.TIMESTAMP, required=required)


def _descr(name: str) -> Field:
    return _csv(name, optional_column=True)


CRM_CONTACTS = Entity(
    source="crm",
    name="contacts",
    format=Format.CSV,
    file_globs=("contacts.csv", "contacts.csv.gz"),
    description="CRM contacts, every delivered version (change export).",
    fields=(
        _id("contact_id"),
        _csv("email"),
        _csv("phone"),
        _descr("first_name"),
        _descr("last_name"),
        _csv("country"),
        _csv("lifecycle_stage"),
        _csv("original_source"),
        _descr("persona"),
        _ts("created_at"),
        _ts("updated_at"),
        _csv("is_deleted"),
    ),
)

CRM_DEALS = Entity(
    source="crm",
    name="deals",
    format=Format.CSV,
    file_globs=("deals.csv", "deals.csv.gz"),
    description="CRM deals, every delivered version.",
    fields=(
        _id("deal_id"),
        _id("contact_id"),
        _csv("deal_stage", required=True),
        _csv("amount", Kind.NUMBER, required=True),
        _csv("currency"),
        _ts("created_at"),
        _ts("closed_at", required=False),
        _ts("updated_at"),
    ),
)

CRM_ORDERS = Entity(
    source="crm",
    name="orders",
    format=Format.CSV,
    file_globs=("orders.csv", "orders.csv.gz"),
    description="CRM orders, every delivered version.",
    fields=(
        _id("order_id"),
        _id("contact_id"),
        _ts("ordered_at"),
        _csv("status", required=True),
        _csv("amount", Kind.NUMBER, required=True),
        _csv("currency"),
        _ts("updated_at"),
    ),
)

CRM_SUBSCRIPTIONS = Entity(
    source="crm",
    name="subscriptions",
    format=Format.CSV,
    file_globs=("subscriptions.csv", "subscriptions.csv.gz"),
    description="CRM subscriptions, every delivered version.",
    fields=(
        _id("subscription_id"),
        _id("contact_id"),
        _csv("plan"),
        _csv("mrr", Kind.NUMBER, required=True),
        _csv("currency"),
        _ts("started_at"),
        _ts("cancelled_at", required=False),
        _descr("cancel_reason"),
        _ts("updated_at"),
    ),
)

CRM_NPS_RESPONSES = Entity(
    source="crm",
    name="nps_responses",
    format=Format.CSV,
    file_globs=("nps_responses.csv", "nps_responses.csv.gz"),
    description="NPS survey responses as delivered by the CRM.",
    fields=(
        _id("response_id"),
        _csv("contact_id"),
        _csv("email"),
        _csv("score", Kind.INTEGER, required=True, value_range=(0, 10)),
        _descr("comment"),
        _ts("submitted_at"),
    ),
)

WEB_EVENTS = Entity(
    source="web",
    name="events",
    format=Format.NDJSON,
    file_globs=("events-*.ndjson", "events-*.ndjson.gz"),
    description="Segment-spec web messages (page, track, identify), every delivery kept.",
    keep_payload=True,
    fields=(
        Field("message_id", "$.messageId", Kind.ID, required=True),
        Field("type", "$.type"),
        Field("anonymous_id", "$.anonymousId", Kind.ID, required=True),
        Field("user_id", "$.userId", optional_column=True),
        Field("event", "$.event", optional_column=True),
        Field("name", "$.name", optional_column=True),
        Field("timestamp", "$.timestamp", Kind.TIMESTAMP, required=True),
        Field("received_at", "$.receivedAt", Kind.TIMESTAMP, optional_column=True),
    ),
)

CONTACT_CENTRE_CONTACTS = Entity(
    source="contact_centre",
    name="contacts",
    format=Format.NDJSON,
    file_globs=("contacts-*.ndjson", "contacts-*.ndjson.gz"),
    description="Contact trace records (Amazon Connect shape), every delivery kept.",
    keep_payload=True,
    fields=(
        Field("contact_id", "$.ContactId", Kind.ID, required=True),
        Field("channel", "$.Channel"),
        Field("initiation_method", "$.InitiationMethod"),
        Field("initiation_timestamp", "$.InitiationTimestamp", Kind.TIMESTAMP, required=True),
        Field("disconnect_timestamp", "$.DisconnectTimestamp", Kind.TIMESTAMP, optional_column=True),
        Field("enqueue_timestamp", "$.Queue.EnqueueTimestamp", Kind.TIMESTAMP, optional_column=True),
        Field("dequeue_timestamp", "$.Queue.DequeueTimestamp", Kind.TIMESTAMP, optional_column=True),
        Field(
            "connected_to_agent_timestamp",
            "$.Agent.ConnectedToAgentTimestamp",
            Kind.TIMESTAMP,
            optional_column=True,
        ),
    ),
)

CONTACT_CENTRE_CSAT_SURVEYS = Entity(
    source="contact_centre",
    name="csat_surveys",
    format=Format.CSV,
    file_globs=("csat_surveys.csv", "csat_surveys.csv.gz"),
    description="CSAT survey responses to contact-centre contacts.",
    fields=(
        _id("survey_id"),
        _id("contact_record_id"),
        _csv("score", Kind.INTEGER, required=True, value_range=(1, 5)),
        _ts("submitted_at"),
    ),
)

ENTITIES: tuple[Entity, ...] = (
    CRM_CONTACTS,
    CRM_DEALS,
    CRM_ORDERS,
    CRM_SUBSCRIPTIONS,
    CRM_NPS_RESPONSES,
    WEB_EVENTS,
    CONTACT_CENTRE_CONTACTS,
    CONTACT_CENTRE_CSAT_SURVEYS,
)

SOURCES: tuple[str, ...] = ("crm", "web", "contact_centre")


def entities_of(source: str) -> tuple[Entity, ...]:
    found = tuple(e for e in ENTITIES if e.source == source)
    if not found:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    return found
