"""Shared fixtures: hand-written landing zones in temporary folders."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

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
