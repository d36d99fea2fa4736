"""What a generation run wrote."""

from __future__ import annotations

from dataclasses import dataclass, field

MESS_NAMES: tuple[str, ...] = (
    "duplicate",
    "late",
    "bot",
    "malformed",
    "bad_value",
    "unknown_event",
    "deleted_contact",
    "extra_column",
    "redelivered_drops",
)


@dataclass
class GenerationStats:
    """Counts of what was written to the landing zone.

    files, bytes: files written and their size on disk (compressed size with gzip).
    web_events: web NDJSON lines written, every copy included (duplicates,
        late, malformed and re-delivered lines).
    web_messages: distinct web messages generated (bots included).
    crm_rows: data rows written per CRM file (``contacts``, ``deals``, ...).
    contact_records: contact-trace-record lines written.
    csat_surveys: CSAT data rows written.
    planted: count of each planted mess by mess name (see ``planted_detail``
        for the unit: records, lines, sessions, files or drops).
    planted_detail: the same counts split by source or entity, e.g.
        ``duplicate.web`` or ``bad_value.crm.nps_responses``.
    people, contacts_created, orders, subscriptions, drops: what was simulated.
    seconds: wall-clock duration of the run.
    """

    files: int = 0
    bytes: int = 0
    web_events: int = 0
    web_messages: int = 0
    crm_rows: dict[str, int] = field(default_factory=dict)
    contact_records: int = 0
    csat_surveys: int = 0
    planted: dict[str, int] = field(default_factory=dict)
    planted_detail: dict[str, int] = field(default_factory=dict)
    people: int = 0
    contacts_created: int = 0
    orders: int = 0
    subscriptions: int = 0
    drops: int = 0
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        return self.web_events / self.seconds if self.seconds > 0 else 0.0

    @property
    def megabytes_per_second(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        """One line with totals and throughput."""
        crm = sum(self.crm_rows.values())
        mess = ", ".join(f"{name} {self.planted.get(name, 0):,}" for name in MESS_NAMES)
        return (
            f"wrote {self.files:,} files ({self.bytes / 1e6:,.1f} MB) in {self.drops} drops for "
            f"{self.people:,} people: {self.web_events:,} web events, {crm:,} CRM rows, "
            f"{self.contact_records:,} contact records, {self.csat_surveys:,} CSAT surveys "
            f"in {self.seconds:,.1f}s ({self.events_per_second:,.0f} web events/s, "
            f"{self.megabytes_per_second:,.1f} MB/s); planted: {mess}"
        )
