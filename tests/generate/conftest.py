"""Landing zones generated once per test session, at small sizes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from orchestration.generate import GenerationStats, MessRates, generate_landing_zone

from .landing_files import LandingZone

START = date(2026, 1, 1)
MESSY = MessRates(
    duplicate=0.03,
    late=0.04,
    bot=0.05,
    malformed=0.02,
    bad_value=0.03,
    unknown_event=0.05,
    deleted_contact=0.08,
    extra_column=0.06,
    redelivered_drops=0,
)


@dataclass
class Generated:
    zone: LandingZone
    stats: GenerationStats
    customers: int
    days: int
    rates: MessRates
    progress: list[str]


def _generate(root: Path, customers: int, days: int, rates: MessRates, seed: int = 42) -> Generated:
    lines: list[str] = []
    stats = generate_landing_zone(
        root, customers=customers, days=days, start=START, seed=seed, rates=rates, progress=lines.append
    )
    return Generated(LandingZone(root), stats, customers, days, rates, lines)


@pytest.fixture(scope="session")
def default_zone(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The command's defaults: 1000 people, 60 drops, default mess."""
    return _generate(tmp_path_factory.mktemp("default"), 1000, 60, MessRates())


@pytest.fixture(scope="session")
def messy_zone(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """High mess rates so that every kind is frequent enough to measure its rate."""
    return _generate(tmp_path_factory.mktemp("messy"), 1500, 30, MESSY)


@pytest.fixture(scope="session")
def clean_zone(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return _generate(tmp_path_factory.mktemp("clean"), 700, 40, MessRates.none())


@pytest.fixture(scope="session")
def bad_value_zone(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Only bad values, frequent: enough surveys to see every kind of spoiled score."""
    rates = MessRates.none()
    rates = MessRates(**{**rates.__dict__, "bad_value": 0.3})
    return _generate(tmp_path_factory.mktemp("bad"), 800, 45, rates)
