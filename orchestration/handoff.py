"""Hand the raw tables DuckDB loaded over to a PostgreSQL engine.

Ingestion reads the landing zone once, with DuckDB, whatever the engine: parsing, quarantine and
the file audit have one definition. For PostgreSQL the raw schema is then copied as it stands:
DuckDB writes each table as CSV to a scratch file and psycopg2 streams it into PostgreSQL with
COPY, replacing the table in one transaction. (DuckDB's postgres extension would write directly,
but extensions are not in the Python wheel and are not downloaded.)

The sentiment of NPS comments is scored here too, by the project's scorer (the DuckDB function of
orchestration/sentiment), into ``raw.comment_sentiment``: one row per distinct comment, keyed by
the MD5 of the comment as staging types it, which the models on engines without the function read.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import duckdb

from orchestration.errors import UserError
from orchestration.ingestion.warehouse import RAW_SCHEMA

SENTIMENT_TABLE = "comment_sentiment"

_TYPES = {
    "VARCHAR": "text",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "SMALLINT": "smallint",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "BOOLEAN": "boolean",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "JSON": "text",
}


def postgres_type(duckdb_type: str) -> str:
    """The PostgreSQL type holding the values of a DuckDB column type."""
    decimal = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", duckdb_type)
    if decimal:
        return f"numeric({decimal[1]}, {decimal[2]})"
    if duckdb_type not in _TYPES:
        raise UserError(f"a raw column of DuckDB type {duckdb_type} has no PostgreSQL type in the handoff")
    return _TYPES[duckdb_type]


def postgres_dsn(environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    """The connection of the postgres target, from the same variables as profiles.yml."""
    env = os.environ if environ is None else environ
    parts = {
        "host": env.get("JOURNEY_POSTGRES_HOST") or "127.0.0.1",
        "port": env.get("JOURNEY_POSTGRES_PORT") or "54329",
        "user": env.get("JOURNEY_POSTGRES_USER") or "journey",
        "password": env.get("JOURNEY_POSTGRES_PASSWORD") or "",
        "dbname": env.get("JOURNEY_POSTGRES_DATABASE") or "journey",
        "sslmode": env.get("JOURNEY_POSTGRES_SSLMODE") or "prefer",
    }
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def _sentiment_table(conn: duckdb.DuckDBPyConnection) -> None:
    from orchestration.sentiment.duckdb_function import register_sentiment_function

    register_sentiment_function(conn)
    # the comment as staging types it (stg_crm__nps_responses): nullif(trim(comment), '')
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {SENTIMENT_TABLE} AS
        SELECT md5(comment) AS comment_md5, cast(sentiment_score(comment) AS DOUBLE) AS sentiment_score
        FROM (SELECT DISTINCT nullif(trim(comment), '') AS comment FROM {RAW_SCHEMA}.crm_nps_responses)
        WHERE comment IS NOT NULL
        """
    )


def hand_off_to_postgres(conn: duckdb.DuckDBPyConnection, dsn: str | None = None) -> dict[str, int]:
    """Replace PostgreSQL's raw schema by DuckDB's (and the comments' sentiment); rows copied by table."""
    import psycopg2

    tables = [
        t
        for (t,) in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? ORDER BY table_name", [RAW_SCHEMA]
        ).fetchall()
    ]
    try:
        target = psycopg2.connect(dsn or postgres_dsn())
    except psycopg2.OperationalError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(f"cannot connect to PostgreSQL (JOURNEY_POSTGRES_*): {first}") from error
    sources = [(RAW_SCHEMA, t) for t in tables]
    if "crm_nps_responses" in tables:
        _sentiment_table(conn)
        sources.append(("temp.main", SENTIMENT_TABLE))
    copied: dict[str, int] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="journey-handoff-") as scratch, target, target.cursor() as cur:
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
            for schema, table in sources:
                columns = conn.execute(
                    "SELECT column_name, data_type FROM duckdb_columns() "
                    "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
                    [schema.split(".")[-1], table],
                ).fetchall()
                ddl = ", ".join(f'"{name}" {postgres_type(typ)}' for name, typ in columns)
                cur.execute(f"DROP TABLE IF EXISTS {RAW_SCHEMA}.{table}")
                cur.execute(f"CREATE TABLE {RAW_SCHEMA}.{table} ({ddl})")
                path = Path(scratch) / f"{table}.csv"
                # NULL is an empty field, an empty string a quoted one: COPY's CSV reads them back so
                conn.execute(
                    f"COPY (SELECT * FROM {schema}.{table}) TO '{path}' "
                    "(FORMAT csv, HEADER true, FORCE_QUOTE *, NULL '')"
                )
                with path.open("rb") as fh:
                    cur.copy_expert(f"COPY {RAW_SCHEMA}.{table} FROM STDIN WITH (FORMAT csv, HEADER true)", fh)
                copied[table] = cur.rowcount
                path.unlink()
    finally:
        target.close()
    return copied
