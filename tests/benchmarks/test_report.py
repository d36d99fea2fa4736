"""BENCHMARKS.md from results: the ratios it shows and the paths it keeps."""

from __future__ import annotations

from pathlib import Path

from benchmarks.measure import PROJECT_DIR, relative_to_project
from benchmarks.report import render_markdown


def _measurement(wall: float) -> dict:
    return {
        "wall_s": wall,
        "cpu_s": wall,
        "background_cpu_s": 0.0,
        "peak_rss_bytes": 2**30,
        "peak_tree_rss_bytes": 2**30,
        "rows": None,
        "rows_per_s": None,
        "log": "data/benchmarks/M/logs/x.log",
    }


def _results() -> dict:
    walls = {
        "ingest": 30.0,
        "limit_scan": 12.0,
        "limit_sql": 8.0,
        "journey_run": 50.0,
        "incremental": 10.0,
        "no_new_data": 3.0,
        "no_new_data_build": 20.0,
    }
    return {
        "environment": {
            "date": "2026-01-01T00:00:00+00:00",
            "machine": {"cpu_model": "cpu", "cores": 2, "memory_bytes": 2**34, "os": "os"},
            "versions": {"duckdb": "1"},
            "project": {"commit": "abc1234"},
        },
        "load_average_before": [3.0, 2.5, 2.0],
        "scales": [
            {
                "scale": "M",
                "customers": 10,
                "days": 90,
                "landing": {"bytes": 10**9, "files": 1, "records": 1000, "web_events": 900},
                "measurements": {name: _measurement(w) for name, w in walls.items()},
            }
        ],
        "latency": {
            "scale": "S",
            "drop": "2026-03-31",
            "seconds_to_published_actions": 95.0,
            "target_seconds": 120,
            "runs": [{"job": "ingest", "status": "SUCCESS", "started": None, "ended": None}],
        },
    }


def test_the_report_shows_the_ratios_and_the_latency_of_one_run() -> None:
    text = render_markdown(_results(), "plot.svg", "./scripts/benchmark.sh")
    # ingest 30 s against a 12 s scan; the run's 50 s against a limit of 12 + 8 s
    assert "| 30.0 | 12.0 | 2.50× |" in text
    assert "| 50.0 | 20.0 | 2.50× |" in text
    # below L, a target shows the largest scale's figure and is not judged
    assert "| ingestion vs one bare DuckDB scan of the same files, at L | ≤ 2.0× | 2.50× at M | – |" in text
    assert "| drop to published actions with `journey dev` running, at S | ≤ 120 s | 95 s | yes |" in text
    assert "Load average of the machine when the run started: 3.0, 2.5, 2.0" in text


def test_result_paths_are_relative_to_the_project(tmp_path: Path) -> None:
    assert relative_to_project(PROJECT_DIR / "data" / "benchmarks" / "S" / "logs" / "ingest.log") == (
        "data/benchmarks/S/logs/ingest.log"
    )
    assert not relative_to_project(tmp_path / "x.log").startswith("/")
