"""The files follow the raw-sources contract (planted mess aside)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from .conftest import START, Generated
from .landing_files import (
    CHANNELS,
    CONTACT_REASONS,
    CSV_HEADERS,
    CURRENCIES,
    DEAL_STAGES,
    INITIATION_METHODS,
    LIFECYCLE_STAGES,
    ORDER_STATUSES,
    ORIGINAL_SOURCES,
    TRACK_EVENTS,
    drop_folders,
    is_score,
    parse_ts,
    utc_date,
)
from .mess_census import BAD_ROW

_NDJSON_NAME = re.compile(r"^(events|contacts)-(\d{4}|redelivery-\d{4}-\d{2}-\d{2}-\d{4})\.ndjson$")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def _readable_web(g: Generated) -> list[tuple[Any, dict[str, Any]]]:
    return [(line, m) for line, m in g.zone.web_messages() if parse_ts(m.get("timestamp"))]


def test_layout_and_drop_folders(default_zone: Generated) -> None:
    root = default_zone.zone.root
    assert sorted(p.name for p in root.iterdir()) == ["contact_centre", "crm", "web"]
    window = {(START + timedelta(days=d)).isoformat() for d in range(default_zone.days)}
    for source in ("crm", "web", "contact_centre"):
        folders = drop_folders(root, source)
        assert folders
        assert {f.name for f in folders} <= window
    assert {f.name for f in drop_folders(root, "web")} == window
    for folder in drop_folders(root, "crm"):
        assert {p.name for p in folder.iterdir()} <= {name.split("/")[1] for name in CSV_HEADERS if "crm/" in name}
    for source in ("web", "contact_centre"):
        for folder in drop_folders(root, source):
            for path in folder.iterdir():
                assert _NDJSON_NAME.match(path.name) or path.name == "csat_surveys.csv", path


def test_csv_files_have_the_contract_header_and_parse(default_zone: Generated) -> None:
    files = [f for group in default_zone.zone.csv_files.values() for f in group]
    assert len(files) > 100
    for f in files:
        assert f.header[: len(f.contract_header)] == f.contract_header, f.file
        assert len(f.extra_columns) <= 1
        assert f.rows, f"{f.file} has a header only"
        raw = (default_zone.zone.root / f.file).read_bytes()
        assert raw.endswith(b"\n") and b"\r\n" not in raw
        raw.decode("utf-8")
    rows = sum(len(f.rows) for f in files)
    well_formed = sum(len(f.records()) for f in files)
    assert well_formed >= 0.97 * rows


def test_quoting_is_exercised(default_zone: Generated) -> None:
    comments = [r["comment"] for r in default_zone.zone.records("crm/nps_responses.csv")]
    assert any("," in c for c in comments)
    assert any('"' in c for c in comments)
    assert any("\n" in c for c in comments)


def _clean_records(g: Generated, name: str) -> list[dict[str, str]]:
    return [r for r in g.zone.records(name) if not BAD_ROW[name](r)]


def test_crm_values_follow_the_contract(default_zone: Generated) -> None:
    contacts = _clean_records(default_zone, "crm/contacts.csv")
    assert contacts
    for r in contacts:
        assert r["lifecycle_stage"] in LIFECYCLE_STAGES
        assert r["original_source"] in ORIGINAL_SOURCES
        assert re.fullmatch(r"[A-Z]{2}", r["country"])
        assert r["is_deleted"] in {"true", "false"}
        assert parse_ts(r["created_at"]) <= parse_ts(r["updated_at"])
        assert r["email"] == "" or "@" in r["email"]
    for r in _clean_records(default_zone, "crm/deals.csv"):
        assert r["deal_stage"] in DEAL_STAGES
        assert r["currency"] in CURRENCIES
        assert float(r["amount"]) > 0
        assert (r["closed_at"] != "") == r["deal_stage"].startswith("closed")
    for r in _clean_records(default_zone, "crm/orders.csv"):
        assert r["status"] in ORDER_STATUSES
        assert r["currency"] in CURRENCIES
        assert float(r["amount"]) > 0
        assert parse_ts(r["ordered_at"]) <= parse_ts(r["updated_at"])
    for r in _clean_records(default_zone, "crm/subscriptions.csv"):
        assert r["currency"] in CURRENCIES
        assert float(r["mrr"]) > 0
        assert (r["cancelled_at"] == "") == (r["cancel_reason"] == "")
        if r["cancelled_at"]:
            assert parse_ts(r["cancelled_at"]) > parse_ts(r["started_at"])
    for r in _clean_records(default_zone, "crm/nps_responses.csv"):
        assert is_score(r["score"], 0, 10)
        assert r["contact_id"] or "@" in r["email"]


def test_crm_rows_land_in_the_drop_of_their_change(default_zone: Generated) -> None:
    for name, stamp in (
        ("crm/contacts.csv", "updated_at"),
        ("crm/deals.csv", "updated_at"),
        ("crm/orders.csv", "updated_at"),
        ("crm/subscriptions.csv", "updated_at"),
        ("crm/nps_responses.csv", "submitted_at"),
        ("contact_centre/csat_surveys.csv", "submitted_at"),
    ):
        seen: set[tuple[str, ...]] = set()
        for r in _clean_records(default_zone, name):
            key = tuple(v for k, v in r.items() if k not in ("_drop",) and k in CSV_HEADERS[name])
            delay = (date.fromisoformat(r["_drop"]) - utc_date(r[stamp])).days
            if key in seen:
                assert 0 <= delay <= 3, (name, r)
            else:
                assert delay == 0, (name, r)
                seen.add(key)


def test_versions_of_a_contact_move_forward(default_zone: Generated) -> None:
    latest: dict[str, str] = {}
    delivered: set[tuple[str, str]] = set()
    for r in _clean_records(default_zone, "crm/contacts.csv"):
        version = (r["contact_id"], r["updated_at"])
        if version in delivered:
            continue
        delivered.add(version)
        previous = latest.get(r["contact_id"])
        assert previous is None or r["updated_at"] >= previous
        latest[r["contact_id"]] = r["updated_at"]


def test_web_messages_follow_the_contract(default_zone: Generated) -> None:
    messages = _readable_web(default_zone)
    assert len(messages) > 30_000
    contact_ids = {r["contact_id"] for r in default_zone.zone.records("crm/contacts.csv")}
    offsets: set[str] = set()
    for _, m in messages:
        for key in ("messageId", "type", "anonymousId", "userId", "timestamp", "receivedAt", "context"):
            assert key in m, key
        assert m["type"] in {"page", "track", "identify"}
        assert isinstance(m["anonymousId"], str) and m["anonymousId"]
        assert m["userId"] is None or m["userId"] in contact_ids or isinstance(m["userId"], str)
        offsets.add(m["timestamp"][23:])
        received = parse_ts(m["receivedAt"])
        assert m["receivedAt"].endswith("Z") and received >= parse_ts(m["timestamp"])
        context = m["context"]
        assert set(context["page"]) == {"path", "url", "referrer", "title"}
        assert all(isinstance(v, str) for v in context["page"].values())
        assert context["page"]["path"].startswith("/")
        assert isinstance(context["userAgent"], str) and isinstance(context["ip"], str)
        assert isinstance(context["locale"], str)
        if "campaign" in context:
            assert set(context["campaign"]) == {"source", "medium", "name"}
        if m["type"] == "page":
            assert isinstance(m["name"], str) and m["properties"] == context["page"]
            assert "event" not in m and "traits" not in m
        elif m["type"] == "track":
            assert isinstance(m["event"], str) and isinstance(m["properties"], dict)
            assert "name" not in m
            properties = m["properties"]
            if m["event"] == "Order Completed":
                assert isinstance(properties["order_id"], str)
                assert isinstance(properties["revenue"], int | float) and properties["revenue"] > 0
                assert properties["currency"] in CURRENCIES
            if m["event"] == "Review Submitted":
                assert properties["rating"] in {1, 2, 3, 4, 5}
        else:
            assert "@" in m["traits"]["email"]
    assert {"Z", "+01:00", "-05:00", "-08:00"} <= offsets
    known_users = sum(1 for _, m in messages if m["userId"] in contact_ids)
    assert known_users >= 0.99 * sum(1 for _, m in messages if m["userId"])


def test_track_events_are_the_contract_list_apart_from_planted_ones(default_zone: Generated) -> None:
    events = {m["event"] for _, m in _readable_web(default_zone) if m["type"] == "track"}
    assert events >= TRACK_EVENTS
    unknown = sum(1 for _, m in _readable_web(default_zone) if m["type"] == "track" and m["event"] not in TRACK_EVENTS)
    assert unknown == default_zone.stats.planted["unknown_event"]


def test_web_messages_are_at_most_three_days_late(default_zone: Generated) -> None:
    delays = set()
    for line, m in default_zone.zone.web_messages():
        day = utc_date(m.get("timestamp"))
        if day is None:
            continue
        delays.add((line.drop - day).days)
        assert line.drop >= utc_date(m["receivedAt"])
    assert min(delays) == 0 and max(delays) <= 3


def test_contact_trace_records_follow_the_contract(default_zone: Generated) -> None:
    records = [
        line.data
        for line in default_zone.zone.contact_records
        if line.data and isinstance(line.data.get("ContactId"), str) and parse_ts(line.data["InitiationTimestamp"])
    ]
    assert len(records) > 150
    ids = {r["ContactId"] for r in records}
    methods = set()
    dangling = 0
    for r in records:
        assert r["Channel"] in CHANNELS
        assert r["InitiationMethod"] in INITIATION_METHODS
        methods.add(r["InitiationMethod"])
        assert r["InitiationTimestamp"].endswith("Z") and r["DisconnectTimestamp"].endswith("Z")
        assert parse_ts(r["DisconnectTimestamp"]) >= parse_ts(r["InitiationTimestamp"])
        endpoint = r["CustomerEndpoint"]
        if r["Channel"] == "VOICE":
            assert endpoint["Type"] == "TELEPHONE_NUMBER" and _E164.match(endpoint["Address"])
        else:
            assert endpoint["Type"] == "EMAIL_ADDRESS" and "@" in endpoint["Address"]
        queue, agent = r["Queue"], r["Agent"]
        if queue is not None:
            assert isinstance(queue["Name"], str)
            assert parse_ts(queue["EnqueueTimestamp"]) <= parse_ts(queue["DequeueTimestamp"])
            assert isinstance(queue["Duration"], int) and queue["Duration"] >= 0
        if agent is not None:
            assert isinstance(agent["Username"], str) and parse_ts(agent["ConnectedToAgentTimestamp"])
            assert isinstance(agent["AgentInteractionDuration"], int)
            assert isinstance(agent["AfterContactWorkDuration"], int)
        assert isinstance(r["DisconnectReason"], str)
        assert r["Attributes"]["contact_reason"] in CONTACT_REASONS
        assert r["Attributes"]["resolved"] in {"true", "false"}
        if r["InitiationMethod"] in {"TRANSFER", "CALLBACK"}:
            assert isinstance(r["InitialContactId"], str) and r["PreviousContactId"] == r["InitialContactId"]
            dangling += r["InitialContactId"] not in ids
        else:
            assert r["InitialContactId"] is None and r["PreviousContactId"] is None
    assert {"INBOUND", "OUTBOUND", "TRANSFER", "CALLBACK"} <= methods
    unreadable = len(default_zone.zone.contact_records) - len(records)
    assert dangling <= unreadable
    surveyed = {r["contact_record_id"] for r in _clean_records(default_zone, "contact_centre/csat_surveys.csv")}
    assert surveyed and len(surveyed - ids) <= unreadable
