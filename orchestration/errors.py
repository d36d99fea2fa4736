"""Errors an operator can act on, each said in one line."""

from __future__ import annotations

import errno


class UserError(Exception):
    """Bad input or settings: the command prints the message alone and exits 2."""


class OutOfSpace(Exception):
    """A device is full: the command prints the message alone and exits 1."""


_FULL_DISK_MARKERS = ("no space left on device", "database or disk is full", "disk is full")


def is_out_of_space(error: BaseException) -> bool:
    """Whether an error, or one it was raised from, says a device is full."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return True
        if any(marker in str(current).lower() for marker in _FULL_DISK_MARKERS):
            return True
        current = current.__cause__ or current.__context__
    return False


OUT_OF_SPACE = "no space left on the device of"


def out_of_space_message(what: str, path: object) -> str:
    return f"{OUT_OF_SPACE} {path} ({what}); free some space, then run again"
