"""The engine switch: `--engine` and JOURNEY_ENGINE choose the dbt target; DuckDB is the default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.definitions import build_definitions
from orchestration.errors import UserError
from orchestration.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _journey(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    landing = tmp_path / "landing"
    landing.mkdir(exist_ok=True)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("JOURNEY_")}
    environ |= {
        "JOURNEY_LANDING_DIR": str(landing),
        "JOURNEY_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_duckdb_is_the_default_engine_and_its_dbt_target(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"JOURNEY_LANDING_DIR": str(tmp_path / "landing"), "JOURNEY_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    )
    assert settings.engine == "duckdb"
    (tmp_path / "landing").mkdir()
    defs = build_definitions(settings)
    assert defs.resources["dbt"].target == "duckdb"


def test_the_definitions_follow_the_engine(tmp_path: Path) -> None:
    (tmp_path / "landing").mkdir()
    settings = Settings.from_env(
        {
            "JOURNEY_LANDING_DIR": str(tmp_path / "landing"),
            "JOURNEY_DUCKDB_PATH": str(tmp_path / "w.duckdb"),
            "JOURNEY_ENGINE": "postgres",
        }
    )
    defs = build_definitions(settings)
    assert defs.resources["dbt"].target == "postgres"
    assert defs.resources["warehouse"].engine == "postgres"
    spark = Settings(landing_dir=tmp_path / "landing", duckdb_path=tmp_path / "w.duckdb", engine="spark")
    defs = build_definitions(spark)
    assert defs.resources["dbt"].target == "spark"
    assert defs.resources["warehouse"].engine == "spark"


def test_an_engine_name_is_read_case_blind_and_unknown_ones_are_refused(tmp_path: Path) -> None:
    base = {"JOURNEY_LANDING_DIR": str(tmp_path), "JOURNEY_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    assert Settings.from_env({**base, "JOURNEY_ENGINE": " Postgres "}).engine == "postgres"
    assert Settings.from_env({**base, "JOURNEY_ENGINE": ""}).engine == "duckdb"
    with pytest.raises(UserError, match="unknown engine 'oracle'.*duckdb, postgres, spark"):
        Settings.from_env({**base, "JOURNEY_ENGINE": "oracle"})


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (
            ["status"],
            {"JOURNEY_ENGINE": "Oracle"},
            "journey status: unknown engine 'Oracle' (JOURNEY_ENGINE or --engine)",
        ),
        (["run", "--engine", "oracle"], {}, "journey run: unknown engine 'oracle' (JOURNEY_ENGINE or --engine)"),
        (["dev", "--engine", "db2"], {}, "journey dev: unknown engine 'db2' (JOURNEY_ENGINE or --engine)"),
        (
            ["run", "--engine", "postgres"],
            {"JOURNEY_POSTGRES_PORT": "1"},
            "journey run: cannot connect to PostgreSQL (JOURNEY_POSTGRES_*): ",
        ),
    ],
)
def test_an_unknown_or_unreachable_engine_is_one_line_and_exit_2(
    args: list[str], env: dict[str, str], expected: str, tmp_path: Path
) -> None:
    done = _journey(args, tmp_path, **env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(expected), done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    # nothing was started or written
    assert not (tmp_path / "warehouse.duckdb").exists()
