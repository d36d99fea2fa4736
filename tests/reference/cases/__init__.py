"""Hand-written landing zones and the figures computed by hand from the contract.

Each case is a ``write_<case>(root)`` function that lays out a landing zone under ``root``
and a ``<CASE>_EXPECTED`` dict:

- ``as_of``: midnight UTC after the latest loaded drop;
- ``row_counts``: exact row counts of some marts;
- ``rows``: mart -> key (see ``KEY_COLUMNS``) -> {column: expected value} (a subset of columns);
- ``touchpoint_counts``: (customer_key, touchpoint_type) -> count, complete for the case;
- ``absent_values``: substrings that no text value of any mart may contain.

``check_case(marts, expected)`` returns the list of differences (empty when all match); it
accepts rows as dicts keyed by column names, so it works on the dbt marts too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .bad_input import BAD_INPUT_EXPECTED, write_bad_input
from .builders import CONTACTS_HEADER, KEY_COLUMNS, NPS_HEADER, contact, nps, web, write_csv, write_ndjson, write_text
from .churn import CHURN_EXPECTED, write_churn
from .compare import check_case, same_value
from .fcr import FCR_EXPECTED, write_fcr
from .follow_ups import FOLLOW_UPS_EXPECTED, write_follow_ups
from .fx import FX_EXPECTED, write_fx
from .identity import IDENTITY_EXPECTED, write_identity
from .journey_analytics import (
    CLV_WITHOUT_CHURN_HISTORY_EXPECTED,
    JOURNEY_ANALYTICS_EXPECTED,
    write_clv_without_churn_history,
    write_journey_analytics,
)
from .paths import PATHS_EXPECTED, write_paths
from .rounding import ROUNDING_EXPECTED, write_rounding
from .sessions import SESSIONS_EXPECTED, write_sessions
from .shared_device import SHARED_DEVICE_EXPECTED, write_shared_device
from .stages import STAGES_EXPECTED, write_stages

CASES: dict[str, tuple[Callable[[Path], None], dict[str, Any]]] = {
    "identity": (write_identity, IDENTITY_EXPECTED),
    "stages": (write_stages, STAGES_EXPECTED),
    "fcr": (write_fcr, FCR_EXPECTED),
    "rounding": (write_rounding, ROUNDING_EXPECTED),
    "churn": (write_churn, CHURN_EXPECTED),
    "fx": (write_fx, FX_EXPECTED),
    "sessions": (write_sessions, SESSIONS_EXPECTED),
    "shared_device": (write_shared_device, SHARED_DEVICE_EXPECTED),
    "bad_input": (write_bad_input, BAD_INPUT_EXPECTED),
    "journey_analytics": (write_journey_analytics, JOURNEY_ANALYTICS_EXPECTED),
    "clv_without_churn_history": (write_clv_without_churn_history, CLV_WITHOUT_CHURN_HISTORY_EXPECTED),
    "paths": (write_paths, PATHS_EXPECTED),
    "follow_ups": (write_follow_ups, FOLLOW_UPS_EXPECTED),
}

__all__ = [
    "CASES",
    "CONTACTS_HEADER",
    "KEY_COLUMNS",
    "NPS_HEADER",
    "check_case",
    "contact",
    "nps",
    "same_value",
    "web",
    "write_bad_input",
    "write_csv",
    "write_ndjson",
    "write_text",
]
