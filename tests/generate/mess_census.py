"""Counting planted mess by reading the files, with the contract's rules for bad input."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from .landing_files import (
    CTR_FIELDS,
    TRACK_EVENTS,
    WEB_FIELDS,
    LandingZone,
    is_bot,
    is_number,
    is_score,
    parse_ts,
    utc_date,
)

SESSION_GAP_SECONDS = 30 * 60


def _bad_timestamps(record: dict[str, str], *columns: str) -> bool:
    return any(parse_ts(record[c]) is None for c in columns)


def _bad_optional_timestamps(record: dict[str, str], *columns: str) -> bool:
    return any(record[c] != "" and parse_ts(record[c]) is None for c in columns)


def _missing(record: dict[str, str], *columns: str) -> bool:
    return any(record[c].strip() == "" for c in columns)


BAD_ROW: dict[str, Callable[[dict[str, str]], bool]] = {
    "crm/contacts.csv": lambda r: _missing(r, "contact_id") or _bad_timestamps(r, "created_at", "updated_at"),
    "crm/deals.csv": lambda r: (
        _missing(r, "deal_id", "contact_id", "deal_stage")
        or not is_number(r["amount"])
        or _bad_timestamps(r, "created_at", "updated_at")
        or _bad_optional_timestamps(r, "closed_at")
    ),
    "crm/orders.csv": lambda r: (
        _missing(r, "order_id", "contact_id", "status")
        or not is_number(r["amount"])
        or _bad_timestamps(r, "ordered_at", "updated_at")
    ),
    "crm/subscriptions.csv": lambda r: (
        _missing(r, "subscription_id", "contact_id")
        or not is_number(r["mrr"])
        or _bad_timestamps(r, "started_at", "updated_at")
        or _bad_optional_timestamps(r, "cancelled_at")
    ),
    "crm/nps_responses.csv": lambda r: (
        _missing(r, "response_id") or not is_score(r["score"], 0, 10) or _bad_timestamps(r, "submitted_at")
    ),
    "contact_centre/csat_surveys.csv": lambda r: (
        _missing(r, "survey_id", "contact_record_id")
        or not is_score(r["score"], 1, 5)
        or _bad_timestamps(r, "submitted_at")
    ),
}
DUPLICATE_KEY = {"crm/nps_responses.csv": "response_id", "contact_centre/csat_surveys.csv": "survey_id"}


def entity_label(name: str) -> str:
    """``crm/contacts.csv`` -> ``crm.contacts``."""
    return name.removesuffix(".csv").replace("/", ".")


def count_sessions(times_by_device: dict[str, list[datetime]]) -> int:
    sessions = 0
    for times in times_by_device.values():
        times.sort()
        sessions += 1 + sum(
            1 for a, b in zip(times, times[1:], strict=False) if (b - a).total_seconds() > SESSION_GAP_SECONDS
        )
    return sessions


def census(zone: LandingZone) -> tuple[Counter[str], Counter[str]]:
    """(mess counts by ``<mess>.<source or entity>``, denominators), outside re-delivered copies."""
    counts: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    _web(zone, counts, totals)
    _contact_records(zone, counts, totals)
    _csv(zone, counts, totals)
    return counts, totals


def _web(zone: LandingZone, counts: Counter[str], totals: Counter[str]) -> None:
    seen: set[str] = set()
    devices: dict[str, list[datetime]] = {}
    bots: set[str] = set()
    for line in zone.web:
        if line.redelivered:
            continue
        totals["web.lines"] += 1
        message = line.data
        if message is None:
            counts["malformed.web"] += 1
            continue
        message_id = message.get("messageId")
        timestamp = parse_ts(message.get("timestamp"))
        if not isinstance(message_id, str) or timestamp is None:
            counts["bad_value.web"] += 1
            continue
        if message_id in seen:
            counts["duplicate.web"] += 1
            continue
        seen.add(message_id)
        totals["web.messages"] += 1
        if set(message) - WEB_FIELDS:
            counts["extra_column.web"] += 1
        if line.drop > utc_date(message["timestamp"]):
            counts["late.web"] += 1
        if message["type"] == "track":
            if message["event"] in TRACK_EVENTS:
                totals["web.known_tracks"] += 1
            else:
                counts["unknown_event.web"] += 1
        anonymous_id = message["anonymousId"]
        if is_bot(message["context"]["userAgent"]):
            bots.add(anonymous_id)
        devices.setdefault(anonymous_id, []).append(timestamp)
    counts["bot.sessions"] = len(bots)
    totals["web.sessions"] = count_sessions(devices)


def _contact_records(zone: LandingZone, counts: Counter[str], totals: Counter[str]) -> None:
    seen: set[str] = set()
    for line in zone.contact_records:
        if line.redelivered:
            continue
        totals["contact_centre.lines"] += 1
        record = line.data
        if record is None:
            counts["malformed.contact_centre.contacts"] += 1
            continue
        contact_id = record.get("ContactId")
        if not isinstance(contact_id, str) or parse_ts(record.get("InitiationTimestamp")) is None:
            counts["bad_value.contact_centre.contacts"] += 1
            continue
        if contact_id in seen:
            counts["duplicate.contact_centre.contacts"] += 1
            continue
        seen.add(contact_id)
        totals["contact_centre.records"] += 1
        if set(record) - CTR_FIELDS:
            counts["extra_column.contact_centre.contacts"] += 1


def _csv(zone: LandingZone, counts: Counter[str], totals: Counter[str]) -> None:
    deleted: set[str] = set()
    contacts: set[str] = set()
    for name, files in zone.csv_files.items():
        label = entity_label(name)
        seen: set[str] = set()
        for f in files:
            totals["csv.files"] += 1
            if f.extra_columns:
                counts[f"extra_column.{label}"] += 1
            for row in f.rows:
                totals["csv.rows"] += 1
                if len(row) != len(f.header):
                    counts[f"malformed.{label}"] += 1
                    continue
                record = dict(zip(f.header, row, strict=True))
                if BAD_ROW[name](record):
                    counts[f"bad_value.{label}"] += 1
                    continue
                key = DUPLICATE_KEY.get(name)
                if key is not None:
                    if record[key] in seen:
                        counts[f"duplicate.{label}"] += 1
                        continue
                    seen.add(record[key])
                if name == "crm/contacts.csv":
                    contacts.add(record["contact_id"])
                    if record["is_deleted"] == "true":
                        deleted.add(record["contact_id"])
    counts["deleted_contact.crm"] = len(deleted)
    totals["crm.contacts"] = len(contacts)


def by_mess(counts: Counter[str]) -> Counter[str]:
    """Totals per mess name (the part before the first dot)."""
    totals: Counter[str] = Counter()
    for key, value in counts.items():
        totals[key.split(".", 1)[0]] += value
    return totals
