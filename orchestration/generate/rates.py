"""How much planted mess a generated landing zone carries."""

from __future__ import annotations

from dataclasses import dataclass, fields


def _probability(value: float) -> float:
    return min(1.0, max(0.0, value))


@dataclass(frozen=True)
class MessRates:
    """Probability of each kind of planted mess; ``redelivered_drops`` is a count.

    duplicate: share of web messages, contact trace records, NPS responses and CSAT
        surveys delivered a second time (same id, same content), in the same drop or
        one or two drops later.
    late: share of web messages delivered one to three days after the UTC day of
        their timestamp (never after the last drop).
    bot: share of web sessions coming from a crawler (user agent with ``bot``,
        ``crawler`` or ``spider``; anonymous ids only).
    malformed: share of NDJSON lines that are not JSON (truncated) and of CSV rows
        with the wrong number of fields.
    bad_value: share of records carrying one unreadable value: an out-of-range or
        non-integer score, a non-numeric amount, an unparseable timestamp or a
        missing required id.
    unknown_event: share of track events followed by an extra track event whose
        name is outside the contract list.
    deleted_contact: share of CRM contacts that later get a version with
        ``is_deleted=true``.
    extra_column: share of CSV files carrying an extra unknown column, and of
        NDJSON lines carrying an extra unknown top-level field.
    redelivered_drops: number of drops whose files are delivered again with the
        next drop (only drops that have a next one).
    """

    duplicate: float = 0.005
    late: float = 0.01
    bot: float = 0.01
    malformed: float = 0.002
    bad_value: float = 0.003
    unknown_event: float = 0.005
    deleted_contact: float = 0.01
    extra_column: float = 0.02
    redelivered_drops: int = 1

    def scaled(self, factor: float) -> MessRates:
        """Every rate multiplied by ``factor`` (capped at 1); the drop count rounded half up."""
        if factor < 0:
            raise ValueError("the mess scale must not be negative")
        values: dict[str, float | int] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name == "redelivered_drops":
                values[field.name] = int(value * factor + 0.5)
            else:
                values[field.name] = _probability(value * factor)
        return MessRates(**values)  # type: ignore[arg-type]

    @classmethod
    def none(cls) -> MessRates:
        """A clean landing zone: no planted mess at all."""
        return cls().scaled(0.0)
