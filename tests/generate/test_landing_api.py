"""The entry point the ``journey generate`` command calls."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from orchestration.generate import GenerationStats, MessRates, generate_landing_zone

from .conftest import Generated


def test_progress_reports_along_the_way_and_a_final_summary(default_zone: Generated) -> None:
    lines = default_zone.progress
    assert len(lines) >= 5
    assert "events/s" in lines[-1] and "MB/s" in lines[-1]
    assert f"{default_zone.stats.web_events:,}" in lines[-1]


def test_stats_describe_what_was_written(default_zone: Generated) -> None:
    stats: GenerationStats = default_zone.stats
    zone = default_zone.zone
    files = zone.all_files()
    assert stats.files == len(files)
    assert stats.bytes == sum(p.stat().st_size for p in files)
    assert stats.web_events == len(zone.web)
    assert stats.contact_records == len(zone.contact_records)
    assert stats.csat_surveys == sum(len(f.rows) for f in zone.csv_files["contact_centre/csat_surveys.csv"])
    for name in ("contacts", "deals", "orders", "subscriptions", "nps_responses"):
        assert stats.crm_rows[name] == sum(len(f.rows) for f in zone.csv_files[f"crm/{name}.csv"]), name
    assert stats.people == 1000
    assert stats.drops == 60
    assert stats.seconds > 0
    assert 35 <= stats.web_messages / stats.people <= 60


def test_one_day_one_person_still_works(tmp_path: Path) -> None:
    stats = generate_landing_zone(tmp_path, customers=1, days=1, start=date(2026, 6, 1))
    assert stats.people == 1
    assert [p.name for p in (tmp_path / "web").iterdir()] == ["2026-06-01"]
    assert stats.planted["redelivered_drops"] == 0


def test_rejects_empty_runs(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_landing_zone(tmp_path, customers=0)
    with pytest.raises(ValueError):
        generate_landing_zone(tmp_path, days=0)


def test_mess_scale_zero_is_clean(tmp_path: Path) -> None:
    stats = generate_landing_zone(tmp_path, customers=150, days=10, rates=MessRates().scaled(0))
    assert sum(stats.planted.values()) == 0


def test_refuses_to_mix_with_existing_exports(tmp_path: Path) -> None:
    generate_landing_zone(tmp_path, customers=20, days=2)
    with pytest.raises(FileExistsError):
        generate_landing_zone(tmp_path, customers=20, days=2)
