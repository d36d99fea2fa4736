"""The engines the dbt project builds on, chosen by ``--engine`` or ``JOURNEY_ENGINE``.

Ingestion always reads the landing zone with DuckDB (one reader: parsing, quarantine and the file
audit are defined once); the engine is where dbt builds the models and where validation and the
publication read the marts. Each engine is a dbt profile target of the same name in profiles.yml.
"""

from __future__ import annotations

from orchestration.errors import UserError

DUCKDB = "duckdb"
POSTGRES = "postgres"
SPARK = "spark"
ENGINES = (DUCKDB, POSTGRES, SPARK)
DEFAULT_ENGINE = DUCKDB
# Spark's plain Parquet tables take no DELETE: its incremental models are rebuilt whole at every
# build (macros/spark.sql: is_incremental() is false there).
REBUILDS_WHOLE = (SPARK,)


def engine_from(value: str | None) -> str:
    """The engine named by ``value`` (a ``--engine`` argument or ``JOURNEY_ENGINE``), DuckDB when unset."""
    name = (value or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise UserError(f"unknown engine {value!r} (JOURNEY_ENGINE or --engine): choose one of {', '.join(ENGINES)}")
    return name
