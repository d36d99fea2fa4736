"""Reading a generated landing zone back, independently of the generator's code.

The contract constants below are copied from the raw-sources specification; the CSV
headers come from the reference implementation (tests/reference/contract.py).
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from tests.reference.contract import CSV_SPECS

# the CSV headers of the contract, as the reference implementation spells them
CSV_HEADERS: dict[str, tuple[str, ...]] = {f"{s.source}/{s.file_name}": s.columns for s in CSV_SPECS}
LIFECYCLE_STAGES = {
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
}
ORIGINAL_SOURCES = {"organic_search", "paid_search", "paid_social", "social", "referral", "email", "direct", "offline"}
DEAL_STAGES = {
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
}
ORDER_STATUSES = {"completed", "refunded", "cancelled"}
CURRENCIES = {"EUR", "USD", "GBP", "CHF"}
TRACK_EVENTS = {
    "Signed Up",
    "Newsletter Subscribed",
    "Product Viewed",
    "Pricing Viewed",
    "Demo Requested",
    "Checkout Started",
    "Order Completed",
    "Review Submitted",
    "Referral Sent",
}
WEB_FIELDS = {
    "messageId",
    "type",
    "anonymousId",
    "userId",
    "timestamp",
    "receivedAt",
    "event",
    "name",
    "properties",
    "traits",
    "context",
}
CTR_FIELDS = {
    "ContactId",
    "InitialContactId",
    "PreviousContactId",
    "Channel",
    "InitiationMethod",
    "InitiationTimestamp",
    "DisconnectTimestamp",
    "CustomerEndpoint",
    "Queue",
    "Agent",
    "DisconnectReason",
    "Attributes",
}
CHANNELS = {"VOICE", "CHAT", "EMAIL"}
INITIATION_METHODS = {"INBOUND", "OUTBOUND", "TRANSFER", "CALLBACK", "API"}
CONTACT_REASONS = {"sales_question", "billing", "technical", "cancellation", "complaint", "other"}
CALLING_CODES = {
    "US": "1",
    "CA": "1",
    "FR": "33",
    "GB": "44",
    "DE": "49",
    "ES": "34",
    "IT": "39",
    "NL": "31",
    "CH": "41",
    "BE": "32",
}

_OFFSET = re.compile(r"(Z|[+-]\d{2}:\d{2})$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_INTEGER = re.compile(r"^\d+$")


def parse_ts(value: Any) -> datetime | None:
    """An ISO-8601 timestamp with an offset or Z, else None."""
    if not isinstance(value, str) or not _OFFSET.search(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def utc_date(value: Any) -> date | None:
    parsed = parse_ts(value)
    return parsed.astimezone(UTC).date() if parsed else None


def is_number(value: str) -> bool:
    return bool(_NUMBER.match(value))


def is_score(value: str, low: int, high: int) -> bool:
    return bool(_INTEGER.match(value)) and low <= int(value) <= high


def is_bot(user_agent: str) -> bool:
    lowered = user_agent.lower()
    return any(word in lowered for word in ("bot", "crawler", "spider"))


def normalise_phone(phone: str, country: str) -> str | None:
    """E.164 of a typed phone number, by the contract's rules."""
    digits = re.sub(r"\D", "", phone)
    stripped = phone.strip()
    if not digits:
        return None
    if stripped.startswith("+"):
        return "+" + digits
    if stripped.startswith("00"):
        return "+" + digits[2:]
    code = CALLING_CODES.get(country)
    if code is None:
        return None
    if code == "1":
        return "+1" + digits if len(digits) == 10 else None
    return "+" + code + digits.removeprefix("0")


@dataclass(frozen=True)
class NdjsonLine:
    """One physical line of an NDJSON file, parsed when it is a JSON object."""

    drop: date
    file: str
    number: int
    raw: str
    data: dict[str, Any] | None

    @property
    def redelivered(self) -> bool:
        return "-redelivery-" in self.file


@dataclass(frozen=True)
class CsvFile:
    drop: date
    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def contract_header(self) -> tuple[str, ...]:
        return CSV_HEADERS[f"{self.file.split('/')[0]}/{self.file.split('/')[-1]}"]

    @property
    def extra_columns(self) -> tuple[str, ...]:
        return self.header[len(self.contract_header) :]

    def records(self) -> list[dict[str, str]]:
        """Rows with the right number of fields, as dicts."""
        return [dict(zip(self.header, row, strict=True)) for row in self.rows if len(row) == len(self.header)]


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8")


def drop_folders(root: Path, source: str) -> list[Path]:
    folder = root / source
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


class LandingZone:
    """Everything in a landing zone, parsed, in delivery order (drop, file name, line)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _ndjson(self, source: str, prefix: str) -> list[NdjsonLine]:
        lines: list[NdjsonLine] = []
        for folder in drop_folders(self.root, source):
            drop = date.fromisoformat(folder.name)
            for path in sorted(folder.iterdir()):
                if not path.name.startswith(prefix) or ".ndjson" not in path.name:
                    continue
                for number, raw in enumerate(read_text(path).splitlines(), start=1):
                    try:
                        data = json.loads(raw)
                    except json.JSONDecodeError:
                        data = None
                    if data is not None and not isinstance(data, dict):
                        data = None
                    lines.append(NdjsonLine(drop, path.relative_to(self.root).as_posix(), number, raw, data))
        return lines

    @cached_property
    def web(self) -> list[NdjsonLine]:
        return self._ndjson("web", "events-")

    @cached_property
    def contact_records(self) -> list[NdjsonLine]:
        return self._ndjson("contact_centre", "contacts-")

    @cached_property
    def csv_files(self) -> dict[str, list[CsvFile]]:
        """CSV files by contract name (``crm/contacts.csv``), in drop order."""
        found: dict[str, list[CsvFile]] = {name: [] for name in CSV_HEADERS}
        for source in ("crm", "contact_centre"):
            for folder in drop_folders(self.root, source):
                for path in sorted(folder.glob("*.csv")):
                    with path.open(encoding="utf-8", newline="") as f:
                        table = [tuple(row) for row in csv.reader(f)]
                    name = f"{source}/{path.name}"
                    found[name].append(
                        CsvFile(
                            date.fromisoformat(folder.name),
                            path.relative_to(self.root).as_posix(),
                            table[0],
                            tuple(table[1:]),
                        )
                    )
        return found

    def records(self, name: str) -> list[dict[str, str]]:
        """Well-formed rows of a CSV entity across drops (each with ``_drop``)."""
        out = []
        for f in self.csv_files[name]:
            for record in f.records():
                record["_drop"] = f.drop.isoformat()
                out.append(record)
        return out

    def web_messages(self) -> list[tuple[NdjsonLine, dict[str, Any]]]:
        """First delivery of each readable web message with an id, outside re-delivered files."""
        seen: set[str] = set()
        out = []
        for line in self.web:
            if line.redelivered or line.data is None:
                continue
            message_id = line.data.get("messageId")
            if not isinstance(message_id, str) or message_id in seen:
                continue
            seen.add(message_id)
            out.append((line, line.data))
        return out

    def all_files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())
