"""The reference against every hand-computed case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from . import as_of, compute_reference
from .cases import CASES, check_case


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_hand_computed_figures(name: str, tmp_path: Path) -> None:
    write, expected = CASES[name]
    root = tmp_path / "landing"
    write(root)
    marts = compute_reference(root)
    problems = check_case(marts, expected, as_of=as_of(root))
    assert problems == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_keys_are_unique(name: str, tmp_path: Path) -> None:
    write, _ = CASES[name]
    root = tmp_path / "landing"
    write(root)
    marts = compute_reference(root)
    keys = {
        "fct_customer_journey": ("customer_key", "stage"),
        "fct_touchpoints": ("touchpoint_id",),
        "fct_web_sessions": ("session_id",),
        "dim_customers": ("customer_key",),
        "dim_journey_stages": ("stage",),
        "mart_cx_kpis_monthly": ("month",),
        "mart_journey_funnel": ("cohort_month", "stage"),
        "mart_stage_experience_monthly": ("month", "stage"),
        "fct_support_cases": ("case_id",),
        "fct_survey_responses": ("survey_type", "response_id"),
        "mart_persona_journey": ("persona", "stage"),
    }
    for mart, columns in keys.items():
        values = [tuple(r[c] for c in columns) for r in marts[mart]]
        assert len(values) == len(set(values)), mart


def test_same_landing_zone_gives_the_same_marts(tmp_path: Path) -> None:
    for name, (write, _) in CASES.items():
        write(tmp_path / name)
    for name in CASES:
        assert compute_reference(tmp_path / name) == compute_reference(tmp_path / name)


def test_check_case_reports_differences(tmp_path: Path) -> None:
    write, expected = CASES["rounding"]
    write(tmp_path)
    marts = compute_reference(tmp_path)
    wrong = {
        **expected,
        "rows": {"mart_cx_kpis_monthly": {k: dict(v) for k, v in expected["rows"]["mart_cx_kpis_monthly"].items()}},
    }
    wrong["rows"]["mart_cx_kpis_monthly"][(date(2026, 1, 1),)]["nps"] = Decimal("6.2")  # half-even
    wrong["rows"]["mart_cx_kpis_monthly"][(date(2026, 1, 1),)]["net_revenue_eur"] = Decimal("10.0")  # scale
    problems = check_case(marts, wrong)
    assert len(problems) == 2
