"""Planted mess: present, at its configured rate, and what the run reports matches the files."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from orchestration.generate import MessRates

from .conftest import Generated
from .landing_files import CSV_HEADERS, LandingZone, is_number, parse_ts, utc_date
from .mess_census import BAD_ROW, by_mess, census, entity_label

MESSES = ("duplicate", "late", "bot", "malformed", "bad_value", "unknown_event", "deleted_contact", "extra_column")


@pytest.fixture(scope="module")
def messy_census(messy_zone: Generated) -> tuple[Counter[str], Counter[str]]:
    return census(messy_zone.zone)


def _within(observed: float, expected: float, tolerance: float) -> bool:
    return abs(observed - expected) <= tolerance * expected


def test_every_kind_of_mess_is_planted(messy_census: tuple[Counter[str], Counter[str]]) -> None:
    counts, _ = messy_census
    totals = by_mess(counts)
    for mess in MESSES:
        assert totals[mess] > 0, mess
    for key in (
        "malformed.web",
        "malformed.contact_centre.contacts",
        "bad_value.web",
        "bad_value.contact_centre.contacts",
        "duplicate.web",
        "duplicate.contact_centre.contacts",
        "extra_column.web",
        "extra_column.contact_centre.contacts",
    ):
        assert counts[key] > 0, key


def test_counts_read_from_files_match_the_reported_counts(
    messy_zone: Generated, messy_census: tuple[Counter[str], Counter[str]]
) -> None:
    counts, _ = messy_census
    reported = {k: v for k, v in messy_zone.stats.planted_detail.items() if v}
    observed = {k: v for k, v in counts.items() if v}
    assert observed == reported
    planted = messy_zone.stats.planted
    for mess in MESSES:
        assert planted[mess] == by_mess(counts)[mess], mess
    assert planted["redelivered_drops"] == 0


def test_observed_rates_are_near_the_configured_rates(
    messy_zone: Generated, messy_census: tuple[Counter[str], Counter[str]]
) -> None:
    counts, totals = messy_census
    rates = messy_zone.rates
    lines = totals["web.lines"] + totals["contact_centre.lines"] + totals["csv.rows"]
    malformed = by_mess(counts)["malformed"]
    assert _within(malformed / lines, rates.malformed, 0.25), malformed / lines
    bad = by_mess(counts)["bad_value"]
    assert _within(bad / lines, rates.bad_value, 0.25), bad / lines
    duplicated = totals["web.messages"] + totals["contact_centre.records"]
    assert _within(
        (counts["duplicate.web"] + counts["duplicate.contact_centre.contacts"]) / duplicated, rates.duplicate, 0.25
    )
    assert _within(counts["late.web"] / totals["web.messages"], rates.late, 0.2)
    assert _within(counts["extra_column.web"] / totals["web.messages"], rates.extra_column, 0.2)
    assert _within(counts["unknown_event.web"] / totals["web.known_tracks"], rates.unknown_event, 0.3)
    assert _within(counts["bot.sessions"] / totals["web.sessions"], rates.bot, 0.3)
    assert _within(counts["deleted_contact.crm"] / totals["crm.contacts"], rates.deleted_contact, 0.6)
    csv_extra = sum(counts[f"extra_column.{entity_label(name)}"] for name in CSV_HEADERS)
    assert 0 < csv_extra / totals["csv.files"] < 3 * rates.extra_column


def test_late_messages_are_one_to_three_days_late(messy_zone: Generated) -> None:
    delays: Counter[int] = Counter()
    for line, message in messy_zone.zone.web_messages():
        day = utc_date(message["timestamp"])
        if day is not None:
            delays[(line.drop - day).days] += 1
    assert set(delays) == {0, 1, 2, 3}


def test_duplicates_arrive_in_the_same_or_a_later_drop(messy_zone: Generated) -> None:
    first: dict[str, date] = {}
    later_drops = 0
    for line in messy_zone.zone.web:
        if line.data is None or not isinstance(line.data.get("messageId"), str):
            continue
        message_id = line.data["messageId"]
        if message_id in first:
            assert line.drop >= first[message_id]
            assert line.drop - first[message_id] <= timedelta(days=2)
            later_drops += line.drop > first[message_id]
        else:
            first[message_id] = line.drop
    assert later_drops > 0


def test_bad_values_look_like_real_mistakes(bad_value_zone: Generated) -> None:
    zone = bad_value_zone.zone
    nps = Counter(r["score"] for r in zone.records("crm/nps_responses.csv"))
    assert {"11", "9.0", "nine"} & set(nps)
    assert sum(n for score, n in nps.items() if score not in {str(s) for s in range(11)}) >= 3
    csat = {r["score"] for r in zone.records("contact_centre/csat_surveys.csv")}
    assert {"0", "6", "10"} & csat
    amounts = [r["amount"] for r in zone.records("crm/orders.csv")] + [
        r["amount"] for r in zone.records("crm/deals.csv")
    ]
    assert any(not is_number(a) for a in amounts)
    assert any(r["contact_id"] == "" for r in zone.records("crm/orders.csv") + zone.records("crm/deals.csv"))
    timestamps = [m.data.get("timestamp") for m in zone.web if m.data]
    assert any(isinstance(t, str) and parse_ts(t) is None for t in timestamps)
    assert any(m.data.get("messageId") is None for m in zone.web if m.data)
    counts, _ = census(zone)
    assert {k.split(".", 1)[0] for k, v in counts.items() if v} == {"bad_value"}
    assert dict(counts) == {k: v for k, v in bad_value_zone.stats.planted_detail.items() if v} | {
        k: 0 for k, v in counts.items() if not v
    }


def test_deleted_contacts_existed_before(messy_zone: Generated) -> None:
    versions: dict[str, list[dict[str, str]]] = {}
    for record in messy_zone.zone.records("crm/contacts.csv"):
        if not BAD_ROW["crm/contacts.csv"](record):
            versions.setdefault(record["contact_id"], []).append(record)
    deleted = [cid for cid, rows in versions.items() if any(r["is_deleted"] == "true" for r in rows)]
    assert deleted
    with_history = [versions[contact_id] for contact_id in deleted if len(versions[contact_id]) > 1]
    assert len(with_history) >= 0.8 * len(deleted)
    for rows in with_history:
        assert rows[0]["is_deleted"] == "false"
        assert rows[-1]["is_deleted"] == "true"
        assert rows[-1]["updated_at"] > rows[0]["updated_at"]


def test_extra_csv_column_is_one_unknown_column_at_the_end(messy_zone: Generated) -> None:
    extra = [f for files in messy_zone.zone.csv_files.values() for f in files if f.extra_columns]
    assert extra
    for f in extra:
        assert len(f.extra_columns) == 1
        assert f.extra_columns[0] not in CSV_HEADERS[f"{f.file.split('/')[0]}/{f.file.split('/')[-1]}"]


def test_redelivered_drop_repeats_the_whole_drop_in_the_next_one(default_zone: Generated) -> None:
    zone: LandingZone = default_zone.zone
    root = zone.root
    copies = sorted(p for p in root.rglob("*-redelivery-*") if p.is_file())
    assert copies
    redelivered = set()
    for copy in copies:
        prefix, _, rest = copy.name.partition("-redelivery-")
        drop, number = rest[:10], rest[11:]
        redelivered.add(drop)
        source = copy.parent.parent
        assert copy.parent.name == (date.fromisoformat(drop) + timedelta(days=1)).isoformat()
        assert copy.read_bytes() == (source / drop / f"{prefix}-{number}").read_bytes()
    assert len(redelivered) == default_zone.stats.planted["redelivered_drops"] == 1
    drop = redelivered.pop()
    following = (date.fromisoformat(drop) + timedelta(days=1)).isoformat()
    originals = sorted((root / "web" / drop).iterdir()) + sorted((root / "contact_centre" / drop).glob("*.ndjson"))
    assert {f"{p.name.split('-')[0]}-redelivery-{drop}-{p.name.split('-')[1]}" for p in originals} <= {
        c.name for c in copies
    }
    for name, files in zone.csv_files.items():
        by_drop = {f.drop.isoformat(): f for f in files}
        if drop not in by_drop:
            continue
        earlier, later = by_drop[drop], by_drop[following]
        width = len(CSV_HEADERS[name])
        tail = [row[:width] for row in later.rows[-len(earlier.rows) :]]
        assert tail == [row[:width] for row in earlier.rows], name


def test_clean_zone_has_no_mess(clean_zone: Generated) -> None:
    counts, totals = census(clean_zone.zone)
    assert {k: v for k, v in counts.items() if v} == {}
    assert totals["web.messages"] > 10_000
    assert all(v == 0 for v in clean_zone.stats.planted.values())
    assert not list(clean_zone.zone.root.rglob("*-redelivery-*"))
    for line, message in clean_zone.zone.web_messages():
        assert line.drop == utc_date(message["timestamp"])
        assert line.drop == utc_date(message["receivedAt"])


def test_rates_scale_and_none() -> None:
    rates = MessRates()
    doubled = rates.scaled(2)
    assert doubled.duplicate == pytest.approx(2 * rates.duplicate)
    assert doubled.redelivered_drops == 2 * rates.redelivered_drops
    assert rates.scaled(1000).late == 1.0
    none = MessRates.none()
    assert all(getattr(none, name) == 0 for name in MESSES)
    assert none.redelivered_drops == 0
    assert rates.redelivered_drops >= 1
    for name in MESSES:
        assert 0.001 <= getattr(rates, name) <= 0.02, name
    with pytest.raises(ValueError):
        rates.scaled(-1)
