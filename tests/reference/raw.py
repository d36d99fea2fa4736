"""Reading the landing zone: drops, files, quarantine and deduplication."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from .common import present, round_half_away
from .contract import (
    CSV_SPECS,
    NDJSON_SPECS,
    CsvSpec,
    NdjsonSpec,
)
from .records import (
    Contact,
    ContactRecord,
    CsatSurvey,
    Deal,
    Landing,
    NpsResponse,
    Order,
    Quarantined,
    SchemaProblem,
    Subscription,
    WebMessage,
)
from .values import (
    DROP_NAME,
    SOURCES,
    Delivery,
    blank_to_none,
    json_path,
    json_text,
    parse_integer,
    parse_number,
    parse_timestamp,
)

# ---------------------------------------------------------------- files

# The plausible window of a record's timestamps: from 1990-01-01 UTC up to 24 hours after the end
# (UTC) of its drop day. Amounts must fit DECIMAL(18, 2): below 10^16 once rounded to cents.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
DAYS_AFTER_DROP = 1
AMOUNT_LIMIT = Decimal(10) ** 16


class Unreadable(Exception):
    """A file that cannot be read at all (fails its drop)."""


def _read_lines(path: Path) -> tuple[list[str], set[int], int]:
    """The lines of a file (CR of CRLF removed), the numbers of those that are not valid UTF-8
    (kept with the bytes escaped), and the size of the content."""
    try:
        data = path.read_bytes()
        if path.name.endswith(".gz") and data:
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        raise Unreadable(str(error)) from error
    lines, invalid = [], set()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            invalid.add(number)
            line = raw.decode("utf-8", errors="backslashreplace")
        lines.append(line[:-1] if line.endswith("\r") else line)
    return lines, invalid, len(data)


def _blank(line: str) -> bool:
    """Blank lines are not records: nothing but spaces, tabs and carriage returns (JSON's white
    space) between two line feeds. A non-breaking space is not white space there."""
    return re.fullmatch(r"[ \t\r]*", line) is not None


def plausible(ts: datetime, drop: date) -> bool:
    latest = datetime.combine(drop + timedelta(days=DAYS_AFTER_DROP + 1), datetime.min.time(), tzinfo=UTC)
    return EARLIEST <= ts <= latest


def fits_amount(value: Decimal) -> bool:
    return abs(round_half_away(Fraction(value), 2)) < AMOUNT_LIMIT


def split_csv_record(text: str) -> list[str | None] | None:
    """RFC-4180 fields of one record (empty field = None), or None when the quoting is broken."""
    fields: list[str | None] = []
    i, n = 0, len(text)
    while True:
        if i < n and text[i] == '"':
            j = i + 1
            parts: list[str] = []
            while True:
                k = text.find('"', j)
                if k == -1:
                    return None
                parts.append(text[j:k])
                if k + 1 < n and text[k + 1] == '"':
                    parts.append('"')
                    j = k + 2
                    continue
                j = k + 1
                break
            value = "".join(parts)
            i = j
        else:
            k = text.find(",", i)
            end = n if k == -1 else k
            value = text[i:end]
            if '"' in value:
                return None
            i = end
        fields.append(value if value != "" else None)
        if i == n:
            return fields
        if text[i] != ",":
            return None
        i += 1


def _csv_header(lines: list[str]) -> tuple[str, ...] | str | None:
    """Column names, None for a blank line 1, or '(header)' when its quoting is broken."""
    first = lines[0].lstrip("\ufeff") if lines else ""
    if _blank(first):
        return None
    fields = split_csv_record(first)
    if fields is None:
        return "(header)"
    return tuple((c or "").strip() for c in fields)


def _csv_records(lines: list[str]) -> list[tuple[int, str, bool]]:
    """(first line number, raw text, unterminated) of every record, header included."""
    records: list[tuple[int, list[str]]] = []
    quotes = 0
    for number, line in enumerate(lines, start=1):
        starts = quotes % 2 == 0
        count = line.count('"')
        if starts and _blank(line):
            continue
        if starts:
            records.append((number, [line]))
        else:
            records[-1][1].append(line)
        quotes += count
    out = []
    for number, parts in records:
        raw = "\n".join(parts)
        out.append((number, raw, raw.count('"') % 2 == 1))
    return out


def _timestamp_reason(v: str | None, col: str, drop: date) -> str | None:
    if not present(v):
        return None
    ts = parse_timestamp(v)  # type: ignore[arg-type]
    if ts is None:
        return f"unparseable timestamp in {col}"
    if not plausible(ts, drop):
        return f"implausible timestamp in {col}"
    return None


def _csv_reason(spec: CsvSpec, values: dict[str, str | None], drop: date) -> str | None:
    reasons = []
    for col in spec.required_values:
        if not present(values.get(col)):
            reasons.append(f"missing required field {col}")
    for col in spec.timestamps:
        reason = _timestamp_reason(values.get(col), col, drop)
        if reason:
            reasons.append(reason)
    for col in spec.numbers:
        v = values.get(col)
        if present(v):
            number = parse_number(v)  # type: ignore[arg-type]
            if number is None:
                reasons.append(f"non-numeric {col}")
            elif not fits_amount(number):
                reasons.append(f"{col} out of range")
    if spec.scores is not None:
        v = values.get("score")
        if present(v):
            score = parse_integer(v)  # type: ignore[arg-type]
            if score is None:
                reasons.append("score is not an integer")
            elif not spec.scores[0] <= score <= spec.scores[1]:
                reasons.append("score out of range")
    return "; ".join(reasons) or None


def _ts(values: dict[str, str | None], col: str) -> datetime | None:
    v = values.get(col)
    return parse_timestamp(v) if present(v) else None  # type: ignore[arg-type]


def _typed_csv(spec: CsvSpec, v: dict[str, str | None], delivery: Delivery) -> object:
    if spec.entity == "contacts":
        return Contact(
            contact_id=v["contact_id"],  # type: ignore[arg-type]
            email=v.get("email"),
            phone=v.get("phone"),
            country=v.get("country"),
            lifecycle_stage=v.get("lifecycle_stage"),
            original_source=v.get("original_source"),
            persona=v.get("persona"),
            created_at=_ts(v, "created_at"),  # type: ignore[arg-type]
            updated_at=_ts(v, "updated_at"),  # type: ignore[arg-type]
            is_deleted=(v.get("is_deleted") or "").strip().lower() == "true",
            delivery=delivery,
        )
    if spec.entity == "deals":
        return Deal(
            deal_id=v["deal_id"],  # type: ignore[arg-type]
            contact_id=v["contact_id"],  # type: ignore[arg-type]
            deal_stage=v["deal_stage"],  # type: ignore[arg-type]
            amount=parse_number(v["amount"]),  # type: ignore[arg-type]
            currency=v.get("currency"),
            created_at=_ts(v, "created_at"),  # type: ignore[arg-type]
            closed_at=_ts(v, "closed_at"),
            updated_at=_ts(v, "updated_at"),  # type: ignore[arg-type]
            delivery=delivery,
        )
    if spec.entity == "orders":
        return Order(
            order_id=v["order_id"],  # type: ignore[arg-type]
            contact_id=v["contact_id"],  # type: ignore[arg-type]
            ordered_at=_ts(v, "ordered_at"),  # type: ignore[arg-type]
            status=v["status"],  # type: ignore[arg-type]
            amount=parse_number(v["amount"]),  # type: ignore[arg-type]
            currency=v.get("currency"),
            updated_at=_ts(v, "updated_at"),  # type: ignore[arg-type]
            delivery=delivery,
        )
    if spec.entity == "subscriptions":
        return Subscription(
            subscription_id=v["subscription_id"],  # type: ignore[arg-type]
            contact_id=v["contact_id"],  # type: ignore[arg-type]
            plan=v.get("plan"),
            mrr=parse_number(v["mrr"]),  # type: ignore[arg-type]
            currency=v.get("currency"),
            started_at=_ts(v, "started_at"),  # type: ignore[arg-type]
            cancelled_at=_ts(v, "cancelled_at"),
            updated_at=_ts(v, "updated_at"),  # type: ignore[arg-type]
            delivery=delivery,
        )
    if spec.entity == "nps_responses":
        return NpsResponse(
            response_id=v["response_id"],  # type: ignore[arg-type]
            contact_id=blank_to_none(v.get("contact_id")),
            email=v.get("email"),
            score=parse_integer(v["score"]),  # type: ignore[arg-type]
            submitted_at=_ts(v, "submitted_at"),  # type: ignore[arg-type]
            delivery=delivery,
            comment=blank_to_none((v.get("comment") or "").strip()),
        )
    return CsatSurvey(
        survey_id=v["survey_id"],  # type: ignore[arg-type]
        contact_record_id=v["contact_record_id"],  # type: ignore[arg-type]
        score=parse_integer(v["score"]),  # type: ignore[arg-type]
        submitted_at=_ts(v, "submitted_at"),  # type: ignore[arg-type]
        delivery=delivery,
    )


@dataclass
class _FileResult:
    records: list[object] = field(default_factory=list)
    quarantine: list[Quarantined] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_csv_file(spec: CsvSpec, path: Path, rel: str, drop: date) -> _FileResult:
    result = _FileResult()
    try:
        lines, invalid, size = _read_lines(path)
    except Unreadable:
        result.problems.append("(file)")
        return result
    if size == 0:
        return result
    header = None if 1 in invalid else _csv_header(lines)
    if header is None or isinstance(header, str):
        result.problems.append("(header)")
        return result
    result.problems.extend(sorted({c for c in header if header.count(c) > 1}))
    result.problems.extend(c for c in spec.header_required if c not in header)
    if result.problems:
        return result
    position = {name: i for i, name in enumerate(header)}
    for number, raw, unterminated in _csv_records(lines):
        if number == 1:
            continue
        if any(line in invalid for line in range(number, number + raw.count("\n") + 1)):
            result.quarantine.append(Quarantined(spec.source, spec.entity, rel, number, "invalid UTF-8"))
            continue
        fields = None if unterminated else split_csv_record(raw)
        if fields is None:
            result.quarantine.append(Quarantined(spec.source, spec.entity, rel, number, "malformed CSV quoting"))
            continue
        if len(fields) != len(header):
            result.quarantine.append(Quarantined(spec.source, spec.entity, rel, number, "wrong number of fields"))
            continue
        values = {c: fields[position[c]] if c in position else None for c in spec.columns}
        reason = _csv_reason(spec, values, drop)
        if reason:
            result.quarantine.append(Quarantined(spec.source, spec.entity, rel, number, reason))
            continue
        result.records.append(_typed_csv(spec, values, (drop, rel, number)))
    return result


def _ndjson_reason(spec: NdjsonSpec, doc: dict[str, Any], drop: date) -> str | None:
    reasons = []
    for path in spec.required_values:
        if not present(json_text(json_path(doc, *path))):
            reasons.append(f"missing required field {'.'.join(path)}")
    for path in spec.timestamps:
        reason = _timestamp_reason(json_text(json_path(doc, *path)), ".".join(path), drop)
        if reason:
            reasons.append(reason)
    return "; ".join(reasons) or None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _typed_web(doc: dict[str, Any], delivery: Delivery) -> WebMessage:
    return WebMessage(
        message_id=json_text(doc["messageId"]),  # type: ignore[arg-type]
        type=json_text(doc.get("type")),
        anonymous_id=json_text(doc["anonymousId"]),  # type: ignore[arg-type]
        user_id=blank_to_none(json_text(doc.get("userId"))),
        timestamp=parse_timestamp(json_text(doc["timestamp"])),  # type: ignore[arg-type]
        event=json_text(doc.get("event")),
        properties=_dict(doc.get("properties")),
        context=_dict(doc.get("context")),
        traits=_dict(doc.get("traits")),
        delivery=delivery,
    )


def _duration(value: Any) -> Fraction | None:
    if isinstance(value, bool) or value is None:
        return None
    number = parse_number(json_text(value))  # type: ignore[arg-type]
    return Fraction(number) if number is not None else None


def _typed_contact_record(doc: dict[str, Any], delivery: Delivery) -> ContactRecord:
    endpoint = doc.get("CustomerEndpoint")
    attributes = _dict(doc.get("Attributes"))
    return ContactRecord(
        contact_id=json_text(doc["ContactId"]),  # type: ignore[arg-type]
        channel=json_text(doc.get("Channel")),
        initiation_method=json_text(doc.get("InitiationMethod")),
        initiation_timestamp=parse_timestamp(json_text(doc["InitiationTimestamp"])),  # type: ignore[arg-type]
        endpoint_type=json_text(json_path(endpoint, "Type")),
        endpoint_address=blank_to_none(json_text(json_path(endpoint, "Address"))),
        queued=doc.get("Queue") is not None,
        answered=doc.get("Agent") is not None,
        queue_duration=_duration(json_path(doc.get("Queue"), "Duration")),
        contact_reason=blank_to_none(json_text(attributes.get("contact_reason"))),
        resolved=(json_text(attributes.get("resolved")) or "").strip().lower() == "true",
        delivery=delivery,
        initial_contact_id=blank_to_none(json_text(doc.get("InitialContactId"))),
        disconnect_timestamp=_optional_timestamp(doc.get("DisconnectTimestamp")),
    )


def _optional_timestamp(value: Any) -> datetime | None:
    text = blank_to_none(json_text(value))
    return parse_timestamp(text) if text is not None else None


def _no_constants(name: str) -> Any:
    raise ValueError(name)


def read_ndjson_file(spec: NdjsonSpec, path: Path, rel: str, drop: date) -> _FileResult:
    result = _FileResult()
    try:
        lines, invalid, _ = _read_lines(path)
    except Unreadable:
        result.problems.append("(file)")
        return result
    seen = dict.fromkeys(spec.drift_fields, False)
    objects = 0
    for number, line in enumerate(lines, start=1):
        if _blank(line):
            continue
        if number in invalid:
            result.quarantine.append(Quarantined(spec.source, spec.entity, rel, number, "invalid UTF-8"))
            continue
        try:
            doc = json.loads(line, parse_constant=_no_constants)
        except ValueError:
            result.quarantine.append(Quarantined(spec.source, spec.entity, rel, number, "not valid JSON"))
            continue
        if not isinstance(doc, dict):
            result.quarantine.append(Quarantined(spec.source, spec.entity, rel, number, "not a JSON object"))
            continue
        objects += 1
        for key in spec.drift_fields:
            seen[key] = seen[key] or key in doc
        reason = _ndjson_reason(spec, doc, drop)
        if reason:
            result.quarantine.append(Quarantined(spec.source, spec.entity, rel, number, reason))
            continue
        delivery = (drop, rel, number)
        typed = _typed_web(doc, delivery) if spec.entity == "web_events" else _typed_contact_record(doc, delivery)
        result.records.append(typed)
    if objects:
        result.problems.extend(k for k, found in seen.items() if not found)
    return result


# ---------------------------------------------------------------- drops


def _inside(path: Path, landing_dir: Path) -> bool:
    """Only what really lies in the landing zone is read (links are resolved)."""
    return path.resolve().is_relative_to(landing_dir.resolve())


def drop_dates(landing_dir: Path, source: str) -> list[date]:
    root = landing_dir / source
    if not root.is_dir() or not _inside(root, landing_dir):
        return []
    found = []
    for child in root.iterdir():
        if child.is_dir() and DROP_NAME.match(child.name) and _inside(child, landing_dir):
            try:
                found.append(date.fromisoformat(child.name))
            except ValueError:
                continue
    return sorted(found)


def read_landing(landing_dir: Path) -> Landing:
    """Every drop of every source, with failed drops left out, in delivery order."""
    landing = Landing()
    for source in SOURCES:
        landing.loaded_drops[source] = []
        for drop in drop_dates(landing_dir, source):
            folder = landing_dir / source / drop.isoformat()
            per_file: list[tuple[str, str, _FileResult]] = []
            for path in sorted(p for p in folder.iterdir() if p.is_file() and _inside(p, landing_dir)):
                rel = path.relative_to(landing_dir).as_posix()
                for csv_spec in CSV_SPECS:
                    if csv_spec.source == source and csv_spec.matches(path.name):
                        per_file.append((csv_spec.entity, rel, read_csv_file(csv_spec, path, rel, drop)))
                for nd_spec in NDJSON_SPECS:
                    if nd_spec.source == source and nd_spec.matches(path.name):
                        per_file.append((nd_spec.entity, rel, read_ndjson_file(nd_spec, path, rel, drop)))
            problems = [SchemaProblem(source, drop, rel, column) for _, rel, r in per_file for column in r.problems]
            if problems:
                landing.failed_drops.extend(problems)
                continue
            landing.loaded_drops[source].append(drop)
            for entity, _, r in per_file:
                getattr(landing, entity).extend(r.records)
                landing.quarantine.extend(r.quarantine)
    return landing


# ---------------------------------------------------------------- deduplication


def latest_versions(records: list[Any], key: str) -> dict[str, Any]:
    """The current version of every CRM record: latest updated_at, ties to the one delivered last."""
    current: dict[str, Any] = {}
    for r in records:
        k = getattr(r, key)
        best = current.get(k)
        if best is None or (r.updated_at, r.delivery) > (best.updated_at, best.delivery):
            current[k] = r
    return current


def first_copies(records: list[Any], key: str) -> dict[str, Any]:
    """The first delivered copy of every record id."""
    first: dict[str, Any] = {}
    for r in sorted(records, key=lambda r: r.delivery):
        first.setdefault(getattr(r, key), r)
    return first


@dataclass(frozen=True)
class Deduplicated:
    as_of: datetime | None
    last_drop: date | None
    contacts: dict[str, Contact]
    deals: dict[str, Deal]
    orders: dict[str, Order]
    subscriptions: dict[str, Subscription]
    nps_responses: dict[str, NpsResponse]
    csat_surveys: dict[str, CsatSurvey]
    web_events: dict[str, WebMessage]
    contact_records: dict[str, ContactRecord]


def deduplicate(landing: Landing) -> Deduplicated:
    as_of = landing.as_of
    return Deduplicated(
        as_of=as_of,
        last_drop=(as_of - timedelta(days=1)).date() if as_of else None,
        contacts=latest_versions(landing.contacts, "contact_id"),
        deals=latest_versions(landing.deals, "deal_id"),
        orders=latest_versions(landing.orders, "order_id"),
        subscriptions=latest_versions(landing.subscriptions, "subscription_id"),
        nps_responses=first_copies(landing.nps_responses, "response_id"),
        csat_surveys=first_copies(landing.csat_surveys, "survey_id"),
        web_events=first_copies(landing.web_events, "message_id"),
        contact_records=first_copies(landing.contact_records, "contact_id"),
    )


def load(landing_dir: Path) -> Deduplicated:
    return deduplicate(read_landing(landing_dir))
