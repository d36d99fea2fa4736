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

# What an engine still lacks before `journey run` builds on it, said in one line; absent when ready.
_NOT_READY = {
    SPARK: "the models, validation and publication do not run on Spark yet",
}


def engine_from(value: str | None) -> str:
    """The engine named by ``value`` (a ``--engine`` argument or ``JOURNEY_ENGINE``), DuckDB when unset."""
    name = (value or DEFAULT_ENGINE).strip().lower()
    if name not in ENGINES:
        raise UserError(f"unknown engine {value!r} (JOURNEY_ENGINE or --engine): choose one of {', '.join(ENGINES)}")
    return name


def require_ready(engine: str) -> None:
    """Raise a UserError saying what is missing when the pipeline cannot run on ``engine`` yet."""
    reason = _NOT_READY.get(engine)
    if reason is not None:
        raise UserError(f"engine {engine} is not ready: {reason}; use --engine {DUCKDB}")
