"""The column contract of each raw entity, as the reference reads it."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch


@dataclass(frozen=True)
class CsvSpec:
    entity: str
    source: str
    file_name: str
    columns: tuple[str, ...]
    optional_columns: tuple[str, ...] = ()
    required_values: tuple[str, ...] = ()
    timestamps: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    scores: tuple[int, int] | None = None

    @property
    def header_required(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.optional_columns)

    def matches(self, name: str) -> bool:
        return name in (self.file_name, self.file_name + ".gz")


@dataclass(frozen=True)
class NdjsonSpec:
    entity: str
    source: str
    glob: str
    drift_fields: tuple[str, ...]
    required_values: tuple[tuple[str, ...], ...]
    timestamps: tuple[tuple[str, ...], ...]

    def matches(self, name: str) -> bool:
        return fnmatch(name, self.glob) or fnmatch(name, self.glob + ".gz")


CSV_SPECS: tuple[CsvSpec, ...] = (
    CsvSpec(
        "contacts",
        "crm",
        "contacts.csv",
        columns=(
            "contact_id",
            "email",
            "phone",
            "first_name",
            "last_name",
            "country",
            "lifecycle_stage",
            "original_source",
            "persona",
            "created_at",
            "updated_at",
            "is_deleted",
        ),
        optional_columns=("first_name", "last_name", "persona"),
        required_values=("contact_id", "created_at", "updated_at"),
        timestamps=("created_at", "updated_at"),
    ),
    CsvSpec(
        "deals",
        "crm",
        "deals.csv",
        columns=("deal_id", "contact_id", "deal_stage", "amount", "currency", "created_at", "closed_at", "updated_at"),
        required_values=("deal_id", "contact_id", "deal_stage", "amount", "created_at", "updated_at"),
        timestamps=("created_at", "closed_at", "updated_at"),
        numbers=("amount",),
    ),
    CsvSpec(
        "orders",
        "crm",
        "orders.csv",
        columns=("order_id", "contact_id", "ordered_at", "status", "amount", "currency", "updated_at"),
        required_values=("order_id", "contact_id", "ordered_at", "status", "amount", "updated_at"),
        timestamps=("ordered_at", "updated_at"),
        numbers=("amount",),
    ),
    CsvSpec(
        "subscriptions",
        "crm",
        "subscriptions.csv",
        columns=(
            "subscription_id",
            "contact_id",
            "plan",
            "mrr",
            "currency",
            "started_at",
            "cancelled_at",
            "cancel_reason",
            "updated_at",
        ),
        optional_columns=("cancel_reason",),
        required_values=("subscription_id", "contact_id", "mrr", "started_at", "updated_at"),
        timestamps=("started_at", "cancelled_at", "updated_at"),
        numbers=("mrr",),
    ),
    CsvSpec(
        "nps_responses",
        "crm",
        "nps_responses.csv",
        columns=("response_id", "contact_id", "email", "score", "comment", "submitted_at"),
        optional_columns=("comment",),
        required_values=("response_id", "score", "submitted_at"),
        timestamps=("submitted_at",),
        scores=(0, 10),
    ),
    CsvSpec(
        "csat_surveys",
        "contact_centre",
        "csat_surveys.csv",
        columns=("survey_id", "contact_record_id", "score", "submitted_at"),
        required_values=("survey_id", "contact_record_id", "score", "submitted_at"),
        timestamps=("submitted_at",),
        scores=(1, 5),
    ),
)

NDJSON_SPECS: tuple[NdjsonSpec, ...] = (
    NdjsonSpec(
        "web_events",
        "web",
        "events-*.ndjson",
        drift_fields=("messageId", "type", "anonymousId", "timestamp"),
        required_values=(("messageId",), ("anonymousId",), ("timestamp",)),
        timestamps=(("timestamp",), ("receivedAt",)),
    ),
    NdjsonSpec(
        "contact_records",
        "contact_centre",
        "contacts-*.ndjson",
        drift_fields=("ContactId", "Channel", "InitiationMethod", "InitiationTimestamp"),
        required_values=(("ContactId",), ("InitiationTimestamp",)),
        timestamps=(
            ("InitiationTimestamp",),
            ("DisconnectTimestamp",),
            ("Queue", "EnqueueTimestamp"),
            ("Queue", "DequeueTimestamp"),
            ("Agent", "ConnectedToAgentTimestamp"),
        ),
    ),
)
