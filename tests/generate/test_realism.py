"""The sample data behaves like real customer journeys."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

import pytest

from .conftest import START, Generated
from .journeys import FOLLOW_UP_WINDOW, TOUCH_CHANNELS, Journeys
from .landing_files import CURRENCIES, is_bot, normalise_phone, parse_ts, utc_date
from .mess_census import BAD_ROW


def _clean(g: Generated, name: str) -> list[dict[str, str]]:
    return [r for r in g.zone.records(name) if not BAD_ROW[name](r)]


def _human(g: Generated) -> list[dict[str, Any]]:
    return [
        m for _, m in g.zone.web_messages() if parse_ts(m.get("timestamp")) and not is_bot(m["context"]["userAgent"])
    ]


def _latest(records: list[dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    latest: dict[str, dict[str, str]] = {}
    for r in records:
        if r[key] not in latest or r["updated_at"] >= latest[r[key]]["updated_at"]:
            latest[r[key]] = r
    return latest


@pytest.fixture(scope="module")
def human(default_zone: Generated) -> list[dict[str, Any]]:
    return _human(default_zone)


def test_the_funnel_narrows_stage_by_stage(default_zone: Generated, human: list[dict[str, Any]]) -> None:
    people = default_zone.customers
    devices = {m["anonymousId"] for m in human}
    considering = {m["anonymousId"] for m in human if m["context"]["page"]["path"].startswith(("/pricing", "/product"))}
    contacts = {r["contact_id"] for r in _clean(default_zone, "crm/contacts.csv")}
    orders = _clean(default_zone, "crm/orders.csv")
    buyers = {r["contact_id"] for r in orders}
    orders_per_buyer = Counter(r["contact_id"] for r in _latest(orders, "order_id").values())
    as_of = datetime.combine(START + timedelta(days=default_zone.days), datetime.min.time()).astimezone()
    kept = {
        r["contact_id"]
        for r in _latest(_clean(default_zone, "crm/subscriptions.csv"), "subscription_id").values()
        if parse_ts(r["started_at"]) + timedelta(days=30) <= as_of
        and (not r["cancelled_at"] or parse_ts(r["cancelled_at"]) > parse_ts(r["started_at"]) + timedelta(days=30))
    }
    retained = kept | {c for c, n in orders_per_buyer.items() if n >= 2}
    promoters = {r["contact_id"] for r in _clean(default_zone, "crm/nps_responses.csv") if int(r["score"]) >= 9}
    reviewers = {
        m["userId"]
        for m in human
        if m["type"] == "track"
        and m["event"] == "Referral Sent"
        or (m["type"] == "track" and m["event"] == "Review Submitted" and m["properties"]["rating"] >= 4)
    }
    advocates = (promoters | reviewers) - {"", None}
    assert len(devices) >= people
    assert 0.25 * len(devices) < len(considering) < 0.7 * len(devices)
    assert 0.1 * people < len(contacts) < 0.45 * people
    assert 0.1 * len(contacts) < len(buyers) < 0.5 * len(contacts)
    assert 0 < len(retained) < len(buyers)
    assert 0 < len(advocates) < len(contacts)
    assert reviewers - {None}


def test_several_currencies_and_channels(default_zone: Generated, human: list[dict[str, Any]]) -> None:
    currencies = {r["currency"] for r in _clean(default_zone, "crm/orders.csv")}
    assert len(currencies) >= 3 and currencies <= CURRENCIES
    sources = Counter(
        r["original_source"] for r in _latest(_clean(default_zone, "crm/contacts.csv"), "contact_id").values()
    )
    assert len(sources) >= 6
    campaigns = {m["context"]["campaign"]["source"] for m in human if "campaign" in m["context"]}
    assert len(campaigns) >= 4
    referrers = {m["context"]["page"]["referrer"] for m in human}
    assert any("google" in r for r in referrers) and "" in referrers


def test_people_browse_anonymously_then_identify(default_zone: Generated, human: list[dict[str, Any]]) -> None:
    identifies = [m for m in human if m["type"] == "identify"]
    assert identifies
    assert any(m["userId"] is None for m in identifies), "some identify only by e-mail"
    emails = {r["email"].strip().lower() for r in _clean(default_zone, "crm/contacts.csv") if r["email"].strip()}
    matched = sum(1 for m in identifies if m["traits"]["email"].strip().lower() in emails)
    assert matched >= 0.8 * len(identifies)
    by_device: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in human:
        by_device[m["anonymousId"]].append(m)
    anonymous_first = 0
    for messages in by_device.values():
        messages.sort(key=lambda m: parse_ts(m["timestamp"]))
        users = [m["userId"] for m in messages]
        if users[0] is None and any(users):
            anonymous_first += 1
    assert anonymous_first >= 20
    devices_per_user: dict[str, set[str]] = defaultdict(set)
    for m in human:
        if m["userId"]:
            devices_per_user[m["userId"]].add(m["anonymousId"])
    assert sum(1 for d in devices_per_user.values() if len(d) >= 2) >= 10


def test_order_completed_is_the_crm_order(default_zone: Generated, human: list[dict[str, Any]]) -> None:
    crm_orders = {r["order_id"]: r for r in _clean(default_zone, "crm/orders.csv")}
    completed = [m for m in human if m["type"] == "track" and m["event"] == "Order Completed"]
    assert completed
    matched = [m for m in completed if m["properties"]["order_id"] in crm_orders]
    assert len(matched) >= 0.9 * len(completed)
    for m in matched:
        order = crm_orders[m["properties"]["order_id"]]
        assert float(order["amount"]) == pytest.approx(m["properties"]["revenue"])
        assert order["currency"] == m["properties"]["currency"]
        assert m["userId"] == order["contact_id"]


def test_bots_are_anonymous_crawlers(default_zone: Generated) -> None:
    bots = [m for _, m in default_zone.zone.web_messages() if is_bot(m["context"]["userAgent"])]
    assert bots
    assert all(m["userId"] is None and m["type"] == "page" for m in bots)
    agents = {m["context"]["userAgent"] for m in bots}
    assert len(agents) >= 4


def test_weekends_are_quieter(default_zone: Generated, human: list[dict[str, Any]]) -> None:
    per_day = Counter(utc_date(m["timestamp"]) for m in human)
    weekend = [n for day, n in per_day.items() if day.weekday() >= 5]
    weekday = [n for day, n in per_day.items() if day.weekday() < 5]
    assert sum(weekend) / len(weekend) < 0.8 * sum(weekday) / len(weekday)


def test_local_time_offsets_follow_the_visitor(human: list[dict[str, Any]]) -> None:
    locales_by_offset: dict[str, set[str]] = defaultdict(set)
    for m in human:
        locales_by_offset[m["timestamp"][23:]].add(m["context"]["locale"])
    assert "fr-FR" in locales_by_offset["+01:00"]
    assert "en-US" in locales_by_offset["-05:00"]
    assert "en-GB" in locales_by_offset["Z"]


def test_crm_contacts_look_typed_by_people(default_zone: Generated) -> None:
    contacts = _latest(_clean(default_zone, "crm/contacts.csv"), "contact_id").values()
    emails = [r["email"] for r in contacts]
    assert any(e != e.strip() for e in emails)
    assert any(e != e.lower() for e in emails)
    assert any(e == "" for e in emails)
    assert any(r["phone"] == "" for r in contacts)
    phones = [r for r in contacts if r["phone"]]
    by_country = defaultdict(list)
    for r in phones:
        by_country[r["country"]].append(r["phone"])
    assert {"US", "FR", "GB", "DE"} <= set(by_country)
    assert len(by_country) >= 6
    assert any(p.startswith("0") and " " in p for p in by_country["FR"])
    assert any(p.startswith("(") for p in by_country["US"])
    normalised = [normalise_phone(r["phone"], r["country"]) for r in phones]
    assert sum(1 for n in normalised if n and 11 <= len(n) <= 16) >= 0.95 * len(phones)


def test_lifecycle_and_deals_progress(default_zone: Generated) -> None:
    contacts = _clean(default_zone, "crm/contacts.csv")
    stages_by_contact: dict[str, list[str]] = defaultdict(list)
    for r in contacts:
        stages_by_contact[r["contact_id"]].append(r["lifecycle_stage"])
    assert sum(1 for s in stages_by_contact.values() if len(set(s)) >= 3) >= 10
    final = Counter(s[-1] for s in stages_by_contact.values())
    assert {"subscriber", "lead", "customer", "evangelist"} <= set(final)
    deals = _clean(default_zone, "crm/deals.csv")
    stages = Counter(r["deal_stage"] for r in deals)
    assert stages["closedwon"] and stages["closedlost"] and stages["appointmentscheduled"]
    assert max(Counter(r["deal_id"] for r in deals).values()) >= 3


def test_subscriptions_churn_at_different_speeds(default_zone: Generated) -> None:
    subscriptions = _latest(_clean(default_zone, "crm/subscriptions.csv"), "subscription_id").values()
    tenure = [
        (parse_ts(r["cancelled_at"]) - parse_ts(r["started_at"])).days for r in subscriptions if r["cancelled_at"]
    ]
    assert any(t < 30 for t in tenure) and any(t >= 30 for t in tenure)
    assert sum(1 for r in subscriptions if not r["cancelled_at"]) > len(tenure)
    statuses = {r["status"] for r in _clean(default_zone, "crm/orders.csv")}
    assert statuses == {"completed", "refunded", "cancelled"}


def test_nps_has_promoters_passives_and_detractors(default_zone: Generated) -> None:
    responses = _clean(default_zone, "crm/nps_responses.csv")
    scores = [int(r["score"]) for r in responses]
    assert any(s >= 9 for s in scores) and any(7 <= s <= 8 for s in scores) and any(s <= 6 for s in scores)
    emails = {r["email"].strip().lower() for r in _clean(default_zone, "crm/contacts.csv")}
    anonymous = [r for r in responses if not r["contact_id"]]
    assert len(anonymous) < 0.35 * len(responses)
    assert any(r["email"].strip().lower() in emails for r in anonymous)
    assert any(r["email"].strip().lower() not in emails for r in anonymous)


def test_contact_centre_has_queues_abandonment_and_repeat_contacts(default_zone: Generated) -> None:
    records = [
        line.data
        for line in default_zone.zone.contact_records
        if line.data and not line.redelivered and isinstance(line.data.get("ContactId"), str)
    ]
    inbound = [r for r in records if r["InitiationMethod"] == "INBOUND"]
    assert len(inbound) > 0.6 * len(records)
    abandoned = [r for r in inbound if r["Queue"] and r["Agent"] is None]
    answered = [r for r in inbound if r["Agent"]]
    assert abandoned and 0.02 < len(abandoned) / (len(abandoned) + len(answered)) < 0.4
    assert any(r["Attributes"]["contact_reason"] == "sales_question" for r in inbound)
    assert any(r["Attributes"]["resolved"] == "false" for r in answered)
    waits = [r["Queue"]["Duration"] for r in answered if r["Queue"] and r["Channel"] == "VOICE"]
    assert 10 < sum(waits) / len(waits) < 600
    starts = [
        (r["CustomerEndpoint"]["Address"], r["Attributes"]["contact_reason"], parse_ts(r["InitiationTimestamp"]))
        for r in inbound
        if parse_ts(r["InitiationTimestamp"])
    ]
    starts.sort(key=lambda s: (s[0], s[1], s[2]))
    repeats = sum(
        1
        for a, b in zip(starts, starts[1:], strict=False)
        if a[:2] == b[:2] and timedelta(0) < b[2] - a[2] <= timedelta(days=7)
    )
    assert repeats >= 5
    contacts = _clean(default_zone, "crm/contacts.csv")
    phones = {normalise_phone(r["phone"], r["country"]) for r in contacts if r["phone"]}
    voice = [r["CustomerEndpoint"]["Address"] for r in records if r["Channel"] == "VOICE"]
    assert any(v in phones for v in voice) and any(v not in phones for v in voice)
    csat = Counter(r["score"] for r in _clean(default_zone, "contact_centre/csat_surveys.csv"))
    assert len(csat) >= 4


@pytest.fixture(scope="module")
def journeys(default_zone: Generated) -> Journeys:
    return Journeys(default_zone.zone)


def _shares(counts: Counter[str]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()}


def test_personas_get_in_touch_through_channels_of_their_own(journeys: Journeys) -> None:
    customers = journeys.customers
    mix: dict[str, Counter[str]] = defaultdict(Counter)
    for c in journeys.contact_records:
        if c.customer in customers and c.method == "INBOUND":
            mix[customers[c.customer].persona][c.channel] += 1
    personas = sorted(p for p in mix if p != "unassigned")
    assert len(personas) >= 3
    shares = {p: _shares(mix[p]) for p in personas}
    favourites = {p: max(shares[p], key=shares[p].__getitem__) for p in personas}
    assert len(set(favourites.values())) == len(personas), favourites
    for i, a in enumerate(personas):
        for b in personas[i + 1 :]:
            distance = sum(abs(shares[a].get(ch, 0) - shares[b].get(ch, 0)) for ch in TOUCH_CHANNELS) / 2
            assert distance >= 0.2, (a, b, shares)


def test_paths_and_channel_flows_differ_by_persona(journeys: Journeys) -> None:
    """What mart_channel_flows and mart_conversion_paths show per persona: the contact-centre
    channel most often among the first six steps of its customers' paths."""
    steps: dict[str, Counter[str]] = defaultdict(Counter)
    first_steps: dict[str, set[str]] = defaultdict(set)
    for c in journeys.customers.values():
        if c.persona == "unassigned":
            continue
        path = c.path()[:6]
        steps[c.persona].update(ch for ch in path if ch in TOUCH_CHANNELS.values())
        if c.first_order_at is not None and path:
            first_steps[c.persona].add(path[0])
    assert len(steps) >= 3
    favourites = {p: s.most_common(1)[0][0] for p, s in steps.items()}
    assert len(set(favourites.values())) == len(steps), steps
    assert any(len(f) >= 2 for f in first_steps.values()), "some paths to buying start elsewhere than on the web"


def test_unhappy_answers_are_called_back_on_time_late_or_never(journeys: Journeys) -> None:
    """Detractor NPS and dissatisfied CSAT answers of known customers (a week old at least)."""
    week_before_end = journeys.as_of - timedelta(days=7)
    answers = [(c, t) for c, t in journeys.detractor_responses() if t < week_before_end]
    delays = journeys.follow_up_delays(answers)
    assert len(delays) >= 5
    on_time = sum(1 for d in delays if d is not None and d <= FOLLOW_UP_WINDOW)
    late = sum(1 for d in delays if d is not None and FOLLOW_UP_WINDOW < d <= timedelta(days=7))
    never = sum(1 for d in delays if d is None)
    assert on_time >= 0.3 * len(delays), (on_time, late, never)
    assert late >= 1 and never >= 1, (on_time, late, never)


def test_customers_call_to_cancel_until_the_last_days(journeys: Journeys) -> None:
    customers = journeys.customers
    calls = [c for c in journeys.contact_records if c.customer in customers and c.reason == "cancellation"]
    recent = [c for c in calls if journeys.as_of - timedelta(days=7) <= c.initiated_at < journeys.as_of]
    assert len({c.customer for c in recent}) >= 2
    called_at: dict[str, list[datetime]] = defaultdict(list)
    for c in calls:
        called_at[c.customer].append(c.initiated_at)  # type: ignore[index]
    still_subscribed = journeys.subscribed_at_end()
    assert any(c in still_subscribed for c in called_at), "the retention team keeps some who call to cancel"
