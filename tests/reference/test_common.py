"""Exact rounding, half away from zero."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from .common import ratio, round_half_away


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Fraction(1, 8), 2, "0.13"),  # 0.125 -> away from zero (half-even would give 0.12)
        (Fraction(-1, 8), 2, "-0.13"),
        (Fraction(25, 4), 1, "6.3"),  # 6.25
        (Fraction(-25, 4), 1, "-6.3"),
        (Fraction("2.675"), 2, "2.68"),  # exact, not the binary float 2.67499..
        (Fraction("10.005"), 2, "10.01"),
        (Fraction(1, 3), 4, "0.3333"),
        (Fraction(2, 3), 4, "0.6667"),
        (Fraction(5), 2, "5.00"),
        (Fraction(0), 1, "0.0"),
        (Fraction(-1, 100), 1, "0.0"),
    ],
)
def test_round_half_away(value: Fraction, decimals: int, expected: str) -> None:
    result = round_half_away(value, decimals)
    assert result == Decimal(expected)
    assert str(result) == expected or (expected == "0.0" and str(result) in ("0.0", "-0.0"))


def test_ratio_of_nothing_is_null() -> None:
    assert ratio(0, 0, 4) is None
    assert ratio(1, 32, 4) == Decimal("0.0313")
