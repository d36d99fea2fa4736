"""Contact-centre activity: Amazon Connect contact trace records and CSAT surveys."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .catalog import AGENTS, CONTACT_REASON_QUEUES, RESOLUTION_RATES, js
from .clock import DAY_MS, HOUR_MS, MINUTE_MS, Clock
from .delivery import BadValue, RowDelivery
from .ids import new_uuid
from .messes import CTR_EXTRA_FIELDS, Fate, MessPlanter
from .writers import LandingWriter

_CSAT_BAD: tuple[BadValue, ...] = (("csat", 2),) * 6 + (("id", 0), ("id", 1), ("timestamp", 3))
_RESOLVED_CSAT = (0.03, 0.05, 0.12, 0.35, 0.45)
_UNRESOLVED_CSAT = (0.25, 0.25, 0.25, 0.15, 0.10)


@dataclass(frozen=True)
class Caller:
    """How a person reaches the contact centre."""

    phone: str
    email: str
    offset_minutes: int


@dataclass(frozen=True)
class ContactResult:
    """The outcome of one customer contact (the last leg when transferred or called back)."""

    contact_id: str
    answered: bool
    resolved: bool
    ended: int


@dataclass
class _Leg:
    contact_id: str
    method: str
    start: int
    queue: str | None
    wait: int
    agent: str | None
    talk: int
    disconnect_reason: str
    resolved: bool
    initial_id: str | None = None
    previous_id: str | None = None


def open_hours(channel: str, weekday: int) -> tuple[int, int] | None:
    """Local opening hours (start, end) of a channel on a weekday; None when closed."""
    if channel == "EMAIL":
        return (0, 24)
    if weekday == 6:
        return None
    return (9, 17) if weekday == 5 else (8, 20)


class ContactCentre:
    """Simulates queues, agents, transfers and callbacks, and writes what happened."""

    def __init__(
        self, clock: Clock, rng: random.Random, planter: MessPlanter, writer: LandingWriter, delivery: RowDelivery
    ) -> None:
        self.clock = clock
        self.rng = rng
        self.planter = planter
        self.writer = writer
        self.delivery = delivery
        self.records = 0
        self._survey = 0

    def start_time(self, day: int, channel: str, offset_minutes: int, not_before: int | None) -> int | None:
        """When a contact starts on ``day`` in opening hours; None when closed or too late that day."""
        hours = open_hours(channel, self.clock.weekday(day))
        if hours is None:
            return None
        rng = self.rng
        start_h, end_h = hours
        local = int((start_h + (end_h - start_h) * rng.betavariate(2.0, 2.6)) * HOUR_MS)
        t = self.clock.day_start(day) + (local - offset_minutes * MINUTE_MS) % DAY_MS
        if not_before is not None and t < not_before:
            t = not_before + int(rng.random() * 2 * HOUR_MS)
            local_now = (t + offset_minutes * MINUTE_MS) % DAY_MS
            if self.clock.day_of(t) != day or not start_h * HOUR_MS <= local_now < end_h * HOUR_MS:
                return None
        return t

    def contact(self, caller: Caller, channel: str, method: str, reason: str, t: int) -> ContactResult:
        """One contact from ``t``: queue, maybe abandon or call back, agent, maybe a transfer."""
        rng = self.rng
        contact_id = new_uuid(rng)
        endpoint = caller.phone if channel == "VOICE" else caller.email
        if method == "OUTBOUND":
            leg = _Leg(
                contact_id,
                method,
                t,
                None,
                0,
                rng.choice(AGENTS),
                self._talk(reason),
                "AGENT_DISCONNECT",
                rng.random() < RESOLUTION_RATES[reason],
            )
            self._write(leg, channel, endpoint, reason)
            return ContactResult(contact_id, True, leg.resolved, self._ended(leg))
        queue = CONTACT_REASON_QUEUES[reason]
        wait = self._wait(channel, t)
        if channel == "VOICE" and wait > 120_000 and rng.random() < 0.4:
            hold = 20_000 + int(rng.random() * 40_000)
            first = _Leg(contact_id, method, t, queue, hold, None, 0, "CONTACT_FLOW_DISCONNECT", False)
            self._write(first, channel, endpoint, reason)
            back = t + wait + int(rng.random() * 20 * MINUTE_MS)
            callback = _Leg(
                new_uuid(rng),
                "CALLBACK",
                back,
                queue,
                5_000 + int(rng.random() * 40_000),
                rng.choice(AGENTS),
                self._talk(reason),
                self._disconnect(),
                rng.random() < RESOLUTION_RATES[reason],
                contact_id,
                contact_id,
            )
            self._write(callback, channel, endpoint, reason)
            return ContactResult(callback.contact_id, True, callback.resolved, self._ended(callback))
        patience = self._patience(channel)
        if patience < wait:
            leg = _Leg(contact_id, method, t, queue, int(patience), None, 0, "CUSTOMER_DISCONNECT", False)
            self._write(leg, channel, endpoint, reason)
            return ContactResult(contact_id, False, False, self._ended(leg))
        resolved = rng.random() < RESOLUTION_RATES[reason]
        if channel == "VOICE" and rng.random() < 0.07:
            first = _Leg(
                contact_id,
                method,
                t,
                queue,
                wait,
                rng.choice(AGENTS),
                60_000 + int(rng.random() * 120_000),
                "AGENT_DISCONNECT",
                False,
            )
            self._write(first, channel, endpoint, reason)
            second_queue = "Support" if queue != "Support" else "Billing"
            transfer = _Leg(
                new_uuid(rng),
                "TRANSFER",
                self._ended(first, after_work=False),
                second_queue,
                10_000 + int(rng.random() * 90_000),
                rng.choice(AGENTS),
                self._talk(reason),
                self._disconnect(),
                resolved,
                contact_id,
                contact_id,
            )
            self._write(transfer, channel, endpoint, reason)
            return ContactResult(transfer.contact_id, True, resolved, self._ended(transfer))
        leg = _Leg(
            contact_id, method, t, queue, wait, rng.choice(AGENTS), self._talk(reason), self._disconnect(), resolved
        )
        self._write(leg, channel, endpoint, reason)
        return ContactResult(contact_id, True, resolved, self._ended(leg))

    def _wait(self, channel: str, t: int) -> int:
        rng = self.rng
        if channel == "EMAIL":
            return int(rng.expovariate(1 / (30 * MINUTE_MS)))
        busy = 1.6 if self.clock.weekday(self.clock.day_of(t)) == 0 else 1.0
        mean = (90_000 if channel == "VOICE" else 45_000) * busy
        return int(rng.expovariate(1 / mean))

    def _patience(self, channel: str) -> float:
        if channel == "EMAIL":
            return float("inf")
        return self.rng.expovariate(1 / (420_000 if channel == "VOICE" else 600_000))

    def _talk(self, reason: str) -> int:
        mean = 540_000 if reason in ("technical", "complaint") else 300_000
        return 30_000 + int(self.rng.expovariate(1 / mean))

    def _disconnect(self) -> str:
        return "CUSTOMER_DISCONNECT" if self.rng.random() < 0.6 else "AGENT_DISCONNECT"

    @staticmethod
    def _ended(leg: _Leg, after_work: bool = True) -> int:
        return leg.start + leg.wait + leg.talk + (1000 if after_work else 0)

    def _write(self, leg: _Leg, channel: str, endpoint: str, reason: str) -> None:
        clock, planter, rng = self.clock, self.planter, self.rng
        end = leg.start + leg.wait + leg.talk
        drop = clock.day_of(end)
        if drop > self.writer.last_day:
            return
        fate, _, extra = planter.message(planter.rng.random(), CTR_EXTRA_FIELDS, False)
        contact_id = f'"{leg.contact_id}"'
        initiated = clock.utc_seconds(leg.start)
        if fate is Fate.BAD_VALUE:
            if planter.pick(2):
                initiated = planter.bad_timestamp(leg.start)
            else:
                contact_id = "null"
            planter.count("bad_value.contact_centre.contacts")
        endpoint_type = "TELEPHONE_NUMBER" if channel == "VOICE" else "EMAIL_ADDRESS"
        queue = "null"
        if leg.queue is not None:
            dequeued = leg.start + leg.wait
            queue = (
                f'{{"Name":"{leg.queue}","EnqueueTimestamp":"{clock.utc_seconds(leg.start)}",'
                f'"DequeueTimestamp":"{clock.utc_seconds(dequeued)}","Duration":{leg.wait // 1000}}}'
            )
        agent = "null"
        if leg.agent is not None:
            after_work = 10 + int(rng.random() * 110)
            agent = (
                f'{{"Username":"{leg.agent}","ConnectedToAgentTimestamp":"{clock.utc_seconds(leg.start + leg.wait)}",'
                f'"AgentInteractionDuration":{leg.talk // 1000},"AfterContactWorkDuration":{after_work}}}'
            )
        initial = f'"{leg.initial_id}"' if leg.initial_id else "null"
        previous = f'"{leg.previous_id}"' if leg.previous_id else "null"
        line = (
            f'{{"ContactId":{contact_id},"InitialContactId":{initial},"PreviousContactId":{previous},'
            f'"Channel":"{channel}","InitiationMethod":"{leg.method}","InitiationTimestamp":"{initiated}",'
            f'"DisconnectTimestamp":"{clock.utc_seconds(end)}",'
            f'"CustomerEndpoint":{{"Type":"{endpoint_type}","Address":{js(endpoint)}}},"Queue":{queue},'
            f'"Agent":{agent},"DisconnectReason":"{leg.disconnect_reason}",'
            f'"Attributes":{{"contact_reason":"{reason}","resolved":"{"true" if leg.resolved else "false"}"}}'
        )
        if extra:
            planter.count("extra_column.contact_centre.contacts")
            line = f"{line},{extra}}}\n"
        else:
            line += "}\n"
        if fate is Fate.MALFORMED:
            line = planter.truncate(line)
            planter.count("malformed.contact_centre.contacts")
        self.writer.contact_line(line, drop)
        if fate is Fate.DUPLICATE:
            self.writer.contact_line(line, min(drop + planter.duplicate_delay(), self.writer.last_day), defer=True)
            planter.count("duplicate.contact_centre.contacts")
        self.records += 1

    def csat(self, contact_id: str, resolved: bool, t: int) -> int:
        """A CSAT survey answer about contact ``contact_id``, submitted at ``t``: its score (0 when it
        falls after the last drop)."""
        rng = self.rng
        weights = _RESOLVED_CSAT if resolved else _UNRESOLVED_CSAT
        score = rng.choices(range(1, 6), weights)[0]
        self._survey += 1
        cells = [f"CSAT-{self._survey:07d}", contact_id, str(score), self.clock.utc_seconds(t)]
        delivered = self.delivery.row("contact_centre/csat_surveys", cells, t, duplicable=True, bad_values=_CSAT_BAD)
        return score if delivered else 0
