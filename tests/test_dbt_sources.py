"""The dbt sources document exactly the raw tables ingestion writes."""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestration.ingestion.contract import ENTITIES, SOURCES
from orchestration.ingestion.warehouse import raw_columns

ROOT = Path(__file__).resolve().parents[1]


def test_sources_match_raw_tables() -> None:
    documented: dict[str, list[str]] = {}
    for source in SOURCES:
        spec = yaml.safe_load((ROOT / f"models/staging/{source}/_{source}__sources.yml").read_text())
        [src] = spec["sources"]
        assert src["schema"] == "raw"
        for table in src["tables"]:
            assert table["description"].strip()
            assert all(c["description"].strip() for c in table["columns"])
            documented[table["identifier"]] = [c["name"] for c in table["columns"]]
    expected = {e.table: [name for name, _, _ in raw_columns(e)] for e in ENTITIES}
    assert documented == expected
