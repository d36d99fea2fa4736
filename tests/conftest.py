"""Shared fixtures: hand-written landing zones in temporary folders."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.warehouse import Build, session_root, shared_build

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


# One warehouse built from a generated landing zone for the whole session, whatever the number of
# xdist workers (tests/warehouse.py: shared_build): the reference, semantic layer, publication and
# dashboard tests read it. They share the xdist group "generated", so that one worker builds it
# while the other runs other tests, rather than waiting for the build.
@pytest.fixture(scope="session")
def generated_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return shared_build(session_root(tmp_path_factory))


@pytest.fixture(scope="session")
def generated_landing(generated_build: Build) -> Path:
    return generated_build.landing


@pytest.fixture(scope="session")
def built_warehouse(generated_build: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This worker's own copy of the shared build's warehouse, for the tests that run dbt on it."""
    warehouse = tmp_path_factory.mktemp("built") / "warehouse.duckdb"
    shutil.copy(generated_build.warehouse, warehouse)
    return warehouse
