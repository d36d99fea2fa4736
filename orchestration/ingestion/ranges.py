"""The ranges of the raw contract, shared by ingestion and the dbt staging models.

They are dbt vars of ``dbt_project.yml`` (the one place they are defined): staging casts amounts
to ``amount_type``, and ingestion quarantines what staging could not cast or what cannot be
true, so that the dbt build never fails on a record ingestion loaded:

- an amount (``amount``, ``mrr``) that does not fit ``amount_type`` (DECIMAL(18, 2): at most 16
  digits before the point, rounded to 2 after);
- a timestamp outside the plausible window: before ``earliest_timestamp`` (1990-01-01 00:00 UTC),
  or more than ``latest_timestamp_days_after_drop`` day (24 hours) after the end (UTC) of the
  record's drop day: a record of the drop of 2026-03-01 may be dated up to 2026-03-03 00:00:00
  UTC (clocks run ahead, time zones differ), not later.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

DBT_PROJECT_DIR = Path(os.environ.get("JOURNEY_DBT_PROJECT_DIR") or Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class Ranges:
    amount_type: str
    earliest_timestamp: date
    latest_days_after_drop: int


@cache
def ranges() -> Ranges:
    """The ranges, read from the vars of ``dbt_project.yml``."""
    with (DBT_PROJECT_DIR / "dbt_project.yml").open(encoding="utf-8") as fh:
        variables = yaml.safe_load(fh)["vars"]
    return Ranges(
        amount_type=str(variables["amount_type"]).upper(),
        earliest_timestamp=date.fromisoformat(str(variables["earliest_timestamp"])),
        latest_days_after_drop=int(variables["latest_timestamp_days_after_drop"]),
    )
