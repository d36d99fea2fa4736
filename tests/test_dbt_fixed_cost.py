"""What a dbt step pays before its first model: the dbt version and the project's parse."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from orchestration.defs.dbt.assets import keep_warm, start_warm, warm_parse_path
from orchestration.defs.dbt.project import dbt_cli, dbt_executable, dbt_project


def test_the_dbt_version_is_the_one_the_executable_reports() -> None:
    reported = subprocess.run([dbt_executable(), "--version"], capture_output=True, text=True, check=True).stdout
    core = re.search(r"installed:\s*(\d+\.\d+\.\d+)", reported)
    assert core is not None
    assert str(dbt_cli(dbt_project())._cli_version) == core.group(1)


def test_each_profile_keeps_its_own_parse(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "warehouse.duckdb", tmp_path / "b" / "warehouse.duckdb"
    assert warm_parse_path(tmp_path, "duckdb", a) == warm_parse_path(tmp_path, "duckdb", a)
    assert warm_parse_path(tmp_path, "duckdb", a) != warm_parse_path(tmp_path, "duckdb", b)
    assert warm_parse_path(tmp_path, "duckdb", a) != warm_parse_path(tmp_path, "postgres", a)


def _parse(target: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """dbt parse on the warehouse's profile, as the dbt step runs it; dbt's log."""
    monkeypatch.setenv("JOURNEY_DUCKDB_PATH", str(warehouse))
    warm = warm_parse_path(target.parent / "warm", "duckdb", warehouse)
    start_warm(target, warm)
    invocation = dbt_cli(dbt_project()).cli(["parse"], target_path=target).wait()
    assert invocation.is_successful()
    assert invocation.adapter is None  # no adapter loaded in this process: dbt's own process loads it
    keep_warm(target, warm)
    return (target / "dbt.log").read_text(encoding="utf-8")


@pytest.mark.e2e
def test_a_parse_is_reused_after_a_parse_for_another_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    _parse(tmp_path / "1", a, monkeypatch)
    log = _parse(tmp_path / "2", b, monkeypatch)
    assert "Unable to do partial parsing" in log  # nothing kept for b yet: a full parse
    log = _parse(tmp_path / "3", a, monkeypatch)
    assert "Unable to do partial parsing" not in log
    assert "Partial parsing enabled" in log
