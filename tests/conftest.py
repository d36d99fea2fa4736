"""Shared fixtures: hand-written landing zones in temporary folders."""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.warehouse import journey_run

CONTACTS_HEADER = (
    "contact_id,email,phone,first_name,last_name,country,lifecycle_stage,original_source,"
    "created_at,updated_at,is_deleted"
)
NPS_HEADER = "response_id,contact_id,email,score,comment,submitted_at"
CSAT_HEADER = "survey_id,contact_record_id,score,submitted_at"
DEALS_HEADER = "deal_id,contact_id,deal_stage,amount,currency,created_at,closed_at,updated_at"

WriteFile = Callable[[str, str], Path]


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    root.mkdir()
    return root


@pytest.fixture
def write_file(landing: Path) -> WriteFile:
    """Write ``text`` at ``relative`` inside the landing zone (gzip when the name ends in .gz)."""

    def write(relative: str, text: str) -> Path:
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        if path.name.endswith(".gz"):
            path.write_bytes(gzip.compress(data, mtime=0))
        else:
            path.write_bytes(data)
        return path

    return write


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


# One warehouse built from a generated landing zone, shared by the modules that read it (the
# reference test and the semantic layer test, both in xdist group "reference": one worker, one build).
@pytest.fixture(scope="session")
def generated_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reference")
    landing = root / "landing"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "generate",
            "--out",
            str(landing),
            "--customers",
            "300",
            "--days",
            "45",
            "--seed",
            "11",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return landing


@pytest.fixture(scope="session")
def built_warehouse(generated_landing: Path) -> Path:
    warehouse = generated_landing.parent / "warehouse.duckdb"
    journey_run(generated_landing, warehouse, generated_landing.parent / "dagster")
    return warehouse
