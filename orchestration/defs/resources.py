"""Resources shared by every system: the warehouse file and the landing zone."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from orchestration.ingestion.warehouse import connect


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file the pipeline writes (``JOURNEY_DUCKDB_PATH``)."""

    path: str

    def connect(self) -> duckdb.DuckDBPyConnection:
        return connect(Path(self.path))


class LandingZone(dg.ConfigurableResource):
    """Root folder of the raw exports (``JOURNEY_LANDING_DIR``)."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)
