"""Future work of the simulation, by day."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[int, Any, Any], None]


class Agenda:
    """Tasks per day; a task added for the day being run joins that day's queue.

    Tasks after the last day are dropped, so people with nothing left to do in the
    window are released.
    """

    def __init__(self, days: int) -> None:
        self.days = days
        self.today = 0
        self._tasks: dict[int, list[tuple[Handler, Any, Any]]] = {}

    def add(self, day: int, handler: Handler, subject: Any, payload: Any = None) -> bool:
        day = max(day, self.today)
        if day >= self.days:
            return False
        self._tasks.setdefault(day, []).append((handler, subject, payload))
        return True

    def run(self, day: int) -> None:
        """Run the tasks of ``day`` in the order they were added, including those added meanwhile."""
        self.today = day
        tasks = self._tasks.setdefault(day, [])
        i = 0
        while i < len(tasks):
            handler, subject, payload = tasks[i]
            handler(day, subject, payload)
            i += 1
        del self._tasks[day]
