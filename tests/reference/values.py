"""Parsing delivered values: timestamps, numbers, JSON text."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from .common import present

SOURCES: tuple[str, ...] = ("crm", "web", "contact_centre")

Delivery = tuple[date, str, int]

DROP_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def parse_timestamp(text: str) -> datetime | None:
    """ISO-8601 date or date-time; no offset means UTC; a date alone is midnight UTC."""
    m = _TIMESTAMP.match(text.strip())
    if not m:
        return None
    year, month, day, hour, minute, second, fraction, offset = m.groups()
    try:
        d = date(int(year), int(month), int(day))
        if hour is None:
            return datetime.combine(d, time(0, 0), tzinfo=UTC)
        micros = int((fraction or "0")[:6].ljust(6, "0"))
        t = time(int(hour), int(minute), int(second or 0), micros)
    except ValueError:
        return None
    tz: timezone = UTC
    if offset and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if minutes >= 60:
            return None
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return datetime.combine(d, t, tzinfo=tz).astimezone(UTC)


def parse_number(text: str) -> Decimal | None:
    cleaned = text.strip()
    return Decimal(cleaned) if _NUMBER.fullmatch(cleaned) else None


def parse_integer(text: str) -> int | None:
    cleaned = text.strip()
    return int(cleaned) if _INTEGER.fullmatch(cleaned) else None


def json_text(value: Any) -> str | None:
    """A JSON value as text, the way a JSON-to-string extraction gives it."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def json_path(doc: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def blank_to_none(value: str | None) -> str | None:
    return value if present(value) else None
