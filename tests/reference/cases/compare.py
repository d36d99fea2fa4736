"""Comparing marts with the figures computed by hand."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .builders import (
    KEY_COLUMNS,
)


def _as_utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _is_null(value: Any) -> bool:
    if value is None or type(value).__name__ == "NaTType":
        return True
    return isinstance(value, float) and math.isnan(value)


def same_value(actual: Any, expected: Any) -> bool:
    """Equality as the marts mean it: instants in UTC, decimals by value, floats to 1e-9 days."""
    if _is_null(expected) or _is_null(actual):
        return _is_null(expected) and _is_null(actual)
    if isinstance(expected, datetime) or isinstance(actual, datetime):
        return _as_utc(actual) == _as_utc(expected)
    if isinstance(expected, float) or isinstance(actual, float):
        return math.isclose(float(actual), float(expected), rel_tol=0, abs_tol=1e-9)
    if isinstance(expected, Decimal):
        if isinstance(actual, bool) or not isinstance(actual, Decimal | int):
            return False
        same_scale = not isinstance(actual, Decimal) or actual.as_tuple().exponent == expected.as_tuple().exponent
        return Decimal(actual) == expected and same_scale
    if isinstance(expected, bool):
        return type(actual).__name__ in ("bool", "bool_") and bool(actual) == expected
    return bool(actual == expected)


def _key(row: dict[str, Any], columns: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_as_utc(row[c]) for c in columns)


def check_case(
    marts: dict[str, list[dict[str, Any]]], expected: dict[str, Any], as_of: datetime | None = None
) -> list[str]:
    """Differences between ``marts`` and a case's expected figures."""
    problems: list[str] = []
    if as_of is not None and not same_value(as_of, expected["as_of"]):
        problems.append(f"as_of: {as_of} != {expected['as_of']}")
    for mart, count in expected.get("row_counts", {}).items():
        if len(marts[mart]) != count:
            problems.append(f"{mart}: {len(marts[mart])} rows, expected {count}")
    for mart, rows in expected.get("rows", {}).items():
        index = {_key(r, KEY_COLUMNS[mart]): r for r in marts[mart]}
        for key, columns in rows.items():
            row = index.get(tuple(_as_utc(k) for k in key))
            if row is None:
                problems.append(f"{mart}{key}: missing row")
                continue
            for column, value in columns.items():
                if not same_value(row[column], value):
                    problems.append(f"{mart}{key}.{column}: {row[column]!r} != {value!r}")
    counts = expected.get("touchpoint_counts")
    if counts is not None:
        actual = Counter((r["customer_key"], r["touchpoint_type"]) for r in marts["fct_touchpoints"])
        for key in sorted(set(actual) | set(counts)):
            if actual.get(key, 0) != counts.get(key, 0):
                problems.append(f"touchpoints{key}: {actual.get(key, 0)} != {counts.get(key, 0)}")
    for needle in expected.get("absent_values", []):
        for mart, rows in marts.items():
            for row in rows:
                for column, value in row.items():
                    if column.endswith("_id") and column not in ("customer_key", "anonymous_id"):
                        continue
                    if isinstance(value, str) and needle in value and mart != "dim_journey_stages":
                        problems.append(f"{mart}.{column} holds {needle!r}: {value!r}")
    return problems
