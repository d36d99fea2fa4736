"""Segment-spec web messages (page, track, identify) rendered straight to NDJSON lines."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .catalog import Page, js
from .clock import DAY_MS, HOUR_MS, Clock
from .ids import new_uuid
from .messes import WEB_EXTRA_FIELDS, Fate, MessPlanter
from .writers import LandingWriter


@dataclass(frozen=True)
class Visit:
    """Who is browsing and how: the context shared by every message of a session."""

    anonymous_id: str
    offset_minutes: int
    suffix: str
    user_agent_json: str
    ip: str
    locale: str
    campaign: tuple[str, str, str] | None


def page_object(page: Page, url_json: str, referrer_json: str) -> str:
    """The JSON page object used as page properties and as ``context.page``."""
    return f'{{"path":{page.path_json},"url":{url_json},"referrer":{referrer_json},"title":{page.title_json}}}'


class WebEmitter:
    """Renders a session's messages, plants web mess and hands lines to the writer."""

    def __init__(self, clock: Clock, rng: random.Random, planter: MessPlanter, writer: LandingWriter) -> None:
        self.clock = clock
        self.rng = rng
        self.planter = planter
        self.writer = writer
        self.messages = 0
        self._lines: list[str] = []
        self._visit: Visit | None = None
        self._context_tail = ""
        self._last_day = clock.days - 1
        self._start_ms = clock.start_ms
        self._end_ms = clock.end_ms
        self._mess_draw = planter.rng.random
        self._event_json: dict[str, str] = {}

    def start(self, visit: Visit) -> None:
        self._visit = visit
        campaign = ""
        if visit.campaign:
            source, medium, name = visit.campaign
            campaign = f',"campaign":{{"source":"{source}","medium":"{medium}","name":"{name}"}}'
        self._context_tail = (
            f'{campaign},"userAgent":{visit.user_agent_json},"ip":"{visit.ip}","locale":"{visit.locale}"}}'
        )

    def finish(self) -> None:
        if self._lines:
            self.writer.web_lines_now(self._lines)
            self._lines = []

    def page(self, t: int, page_json: str, page: Page, user_id: str | None) -> bool:
        rest = f'"name":{page.name_json},"properties":{page_json},"context":{{"page":{page_json}{self._context_tail}'
        return self._emit(t, "page", user_id, rest, True)

    def track(
        self, t: int, event: str, properties: str, page_json: str, user_id: str | None, messy: bool = True
    ) -> bool:
        event_json = self._event_json.get(event)
        if event_json is None:
            event_json = self._event_json[event] = js(event)
        rest = f'"event":{event_json},"properties":{properties},"context":{{"page":{page_json}{self._context_tail}'
        return self._emit(t, "track", user_id, rest, messy)

    def identify(self, t: int, traits: str, page_json: str, user_id: str | None) -> bool:
        rest = f'"traits":{traits},"context":{{"page":{page_json}{self._context_tail}'
        return self._emit(t, "identify", user_id, rest, True)

    def _emit(self, t: int, kind: str, user_id: str | None, rest: str, messy: bool) -> bool:
        """Render one message at ``t`` with its planted mess and route it to its drop."""
        if t >= self._end_ms:
            return False
        visit = self._visit
        assert visit is not None
        clock = self.clock
        rng = self.rng
        planter = self.planter
        day = (t - self._start_ms) // DAY_MS
        u = self._mess_draw()
        fate, late, extra = (
            planter.message(u, WEB_EXTRA_FIELDS, True) if u < planter.message_mess else (Fate.CLEAN, 0, None)
        )
        if not messy and (fate is Fate.MALFORMED or fate is Fate.BAD_VALUE):
            fate = Fate.CLEAN
        message_id = new_uuid(rng)
        timestamp = clock.local(t, visit.offset_minutes, visit.suffix)
        if fate is Fate.BAD_VALUE:
            if planter.pick(2):
                line = f'{{"messageId":"{message_id}",'
                timestamp = planter.bad_timestamp(t)
            else:
                line = '{"messageId":null,'
            planter.count("bad_value.web")
        else:
            line = f'{{"messageId":"{message_id}",'
        drop = day
        if late:
            drop = min(day + late, self._last_day)
        if drop > day:
            planter.count("late.web")
            received = clock.day_start(drop) + int(rng.random() * 6 * HOUR_MS)
        else:
            received = min(t + 80 + int(rng.random() * 1500), self._start_ms + (day + 1) * DAY_MS - 1)
        user = f'"{user_id}"' if user_id else "null"
        line = (
            f'{line}"type":"{kind}","anonymousId":"{visit.anonymous_id}","userId":{user},'
            f'"timestamp":"{timestamp}","receivedAt":"{clock.utc(received)}",{rest}'
        )
        if extra:
            planter.count("extra_column.web")
            line = f"{line},{extra}}}\n"
        else:
            line += "}\n"
        if fate is Fate.MALFORMED:
            line = planter.truncate(line)
            planter.count("malformed.web")
        writer = self.writer
        if drop == writer.day:
            self._lines.append(line)
        else:
            writer.web_line_later(line, drop)
        if fate is Fate.DUPLICATE:
            writer.web_line_later(line, min(drop + planter.duplicate_delay(), self._last_day))
            planter.count("duplicate.web")
        self.messages += 1
        return True
