"""Identifiers: random UUIDs for messages and devices, sequential ids as the CRM hands them out."""

from __future__ import annotations

import random

_VERSION_MASK = ~(0xF << 76) & ~(0x3 << 62)
_VERSION_BITS = (0x4 << 76) | (0x2 << 62)


def new_uuid(rng: random.Random) -> str:
    """A random (version 4) UUID drawn from ``rng``."""
    h = f"{(rng.getrandbits(128) & _VERSION_MASK) | _VERSION_BITS:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class IdSequence:
    """Counters for contact, deal, order, subscription and NPS response ids."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def _take(self, kind: str) -> int:
        n = self._next.get(kind, 0) + 1
        self._next[kind] = n
        return n

    def contact(self) -> str:
        return f"C{self._take('contact'):06d}"

    def deal(self) -> str:
        return f"D{self._take('deal'):06d}"

    def order(self) -> str:
        return f"ORD-{self._take('order'):06d}"

    def subscription(self) -> str:
        return f"SUB-{self._take('subscription'):06d}"

    def nps_response(self) -> str:
        return f"NPS-{self._take('nps'):07d}"
