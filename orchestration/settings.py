"""Where the project reads and writes, resolved from environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from orchestration.engines import DEFAULT_ENGINE, engine_from

DEFAULT_LANDING_DIR = "data/landing"
DEFAULT_DUCKDB_PATH = "data/warehouse.duckdb"


@dataclass(frozen=True)
class Settings:
    """Paths and options of one deployment.

    landing_dir: root of the landing zone (``JOURNEY_LANDING_DIR``).
    duckdb_path: the warehouse file the pipeline writes (``JOURNEY_DUCKDB_PATH``).
    first_drop_date: first partition of the daily drop partitions
        (``JOURNEY_FIRST_DROP_DATE``); by default the earliest drop in the landing zone.
    publish_dir: where validated marts are published for BI (``JOURNEY_PUBLISH_DIR``);
        by default ``published/`` next to the warehouse.
    data_docs_dir: the Great Expectations Data Docs site (``JOURNEY_DATA_DOCS_DIR``);
        by default ``data_docs/`` next to the warehouse.
    freshness_hours: age after which a mart's freshness check warns
        (``JOURNEY_FRESHNESS_HOURS``, default 26).
    engine: where dbt builds the models and the marts are validated and published from
        (``JOURNEY_ENGINE``: duckdb, postgres or spark; default duckdb). The DuckDB file is
        where ingestion lands the raw tables whatever the engine.
    """

    landing_dir: Path
    duckdb_path: Path
    first_drop_date: str | None = None
    publish_dir: Path | None = None
    data_docs_dir: Path | None = None
    freshness_hours: float = 26.0
    engine: str = DEFAULT_ENGINE

    def __post_init__(self) -> None:
        if self.publish_dir is None:
            object.__setattr__(self, "publish_dir", self.duckdb_path.parent / "published")
        if self.data_docs_dir is None:
            object.__setattr__(self, "data_docs_dir", self.duckdb_path.parent / "data_docs")

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            landing_dir=Path(env.get("JOURNEY_LANDING_DIR") or DEFAULT_LANDING_DIR).absolute(),
            duckdb_path=Path(env.get("JOURNEY_DUCKDB_PATH") or DEFAULT_DUCKDB_PATH).absolute(),
            first_drop_date=env.get("JOURNEY_FIRST_DROP_DATE") or None,
            publish_dir=_path(env.get("JOURNEY_PUBLISH_DIR")),
            data_docs_dir=_path(env.get("JOURNEY_DATA_DOCS_DIR")),
            freshness_hours=float(env.get("JOURNEY_FRESHNESS_HOURS") or 26.0),
            engine=engine_from(env.get("JOURNEY_ENGINE")),
        )

    @property
    def log_dir(self) -> Path:
        """Log files of the runs (``logs/`` next to the warehouse)."""
        return log_dir_of(self.duckdb_path)

    @property
    def dagster_home(self) -> Path:
        """Default ``DAGSTER_HOME``: next to the warehouse file."""
        return self.duckdb_path.parent / "dagster"


def log_dir_of(warehouse: Path) -> Path:
    """Where the runs on a warehouse keep their log files: ``logs/`` next to it."""
    return warehouse.parent / "logs"


def _path(value: str | None) -> Path | None:
    return Path(value).absolute() if value else None
