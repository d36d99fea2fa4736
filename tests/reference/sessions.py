"""Web sessions: runs of one device's page/track messages with no gap over 30 minutes.

A session belongs to its device's customer, whatever userId its messages carry. A deleted
contact's messages are removed before the runs are cut, and a deleted device customer's
sessions are gone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timedelta
from typing import Any

from .identity import REMOVED, Identity
from .raw import Deduplicated, WebMessage
from .seeds import Seeds

SESSION_GAP = timedelta(minutes=30)


def _session_row(messages: list[WebMessage], identity: Identity) -> dict[str, Any] | None:
    first = messages[0]
    owner = identity.for_device(first.anonymous_id)
    if owner is REMOVED:
        return None
    pages = [m for m in messages if m.type == "page"]
    return {
        "session_id": hashlib.sha256(f"{first.anonymous_id}\x00{first.message_id}".encode()).hexdigest()[:32],
        "customer_key": owner,
        "anonymous_id": first.anonymous_id,
        "started_at": first.timestamp,
        "ended_at": messages[-1].timestamp,
        "page_views": len(pages),
        "events": sum(1 for m in messages if m.type == "track"),
        "landing_path": pages[0].page_path if pages else None,
        "utm_source": first.campaign("source"),
        "utm_medium": first.campaign("medium"),
        "utm_campaign": first.campaign("name"),
    }


def build_sessions(data: Deduplicated, identity: Identity, seeds: Seeds) -> list[dict[str, Any]]:
    by_device: dict[str, list[WebMessage]] = defaultdict(list)
    for m in data.web_events.values():
        if m.type in ("page", "track") and not seeds.is_bot(m.user_agent) and identity.for_web(m) is not REMOVED:
            by_device[m.anonymous_id].append(m)
    rows = []
    for messages in by_device.values():
        messages.sort(key=lambda m: (m.timestamp, m.message_id))
        run: list[WebMessage] = []
        for m in messages:
            if run and m.timestamp - run[-1].timestamp > SESSION_GAP:
                row = _session_row(run, identity)
                if row:
                    rows.append(row)
                run = []
            run.append(m)
        if run:
            row = _session_row(run, identity)
            if row:
                rows.append(row)
    rows.sort(key=lambda r: (r["anonymous_id"], r["started_at"]))
    return rows
