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

from orchestration.engines import POSTGRES
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


def _connect_postgres(dsn: str | None = None):
    """A connection to the postgres target, or a UserError saying in one line why there is none."""
    import psycopg2

    try:
        return psycopg2.connect(dsn or postgres_dsn(), connect_timeout=15)
    except psycopg2.OperationalError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(
            f"cannot connect to PostgreSQL (JOURNEY_POSTGRES_*): {first}; a local server: scripts/postgres.sh start"
        ) from error


def check_engine(engine: str) -> None:
    """Raise a UserError before a run when its engine's server cannot be reached."""
    if engine == POSTGRES:
        _connect_postgres().close()


def hand_off(conn: duckdb.DuckDBPyConnection, engine: str) -> dict[str, int]:
    """Give ``engine`` the raw tables of the DuckDB file; rows copied by table."""
    if engine == POSTGRES:
        return hand_off_to_postgres(conn)
    raise UserError(f"engine {engine} takes no raw tables from DuckDB yet")


def mirror(conn: duckdb.DuckDBPyConnection, engine: str) -> dict[str, int]:
    """Copy the marts ``engine`` built into the DuckDB file; rows copied by table."""
    if engine == POSTGRES:
        return mirror_from_postgres(conn)
    raise UserError(f"engine {engine} has no copy of its marts into DuckDB yet")


def hand_off_to_postgres(conn: duckdb.DuckDBPyConnection, dsn: str | None = None) -> dict[str, int]:
    """Replace PostgreSQL's raw schema by DuckDB's (and the comments' sentiment); rows copied by table."""

    tables = [
        t
        for (t,) in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? ORDER BY table_name", [RAW_SCHEMA]
        ).fetchall()
    ]
    target = _connect_postgres(dsn)
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


_DUCKDB_TYPES = {
    "text": "VARCHAR",
    "character varying": "VARCHAR",
    "character": "VARCHAR",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "smallint": "SMALLINT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp without time zone": "TIMESTAMP",
    "timestamp with time zone": "TIMESTAMP WITH TIME ZONE",
    "double precision": "DOUBLE",
    "real": "FLOAT",
}

# What validation and the publication read besides the marts: the as_of of the build and the
# attribution models a consistency query lists.
MIRRORED_BESIDE_MARTS = (("intermediate", "int_drops_summarised"), ("staging", "attribution_models"))


def duckdb_type(data_type: str, precision: int | None, scale: int | None) -> str:
    """The DuckDB type of a PostgreSQL column (information_schema's data_type and numeric size)."""
    if data_type == "numeric":
        return f"DECIMAL({precision}, {scale})" if precision is not None else "DECIMAL(38, 10)"
    if data_type not in _DUCKDB_TYPES:
        raise UserError(f"a PostgreSQL column of type {data_type} has no DuckDB type in the copy of the marts")
    return _DUCKDB_TYPES[data_type]


def mirror_from_postgres(conn: duckdb.DuckDBPyConnection, dsn: str | None = None) -> dict[str, int]:
    """Copy the marts PostgreSQL built (and what validation and the publication read beside them)
    into the DuckDB file, replacing its tables of those names: validation and the publication then
    read the target's marts, row for row. Rows copied by ``schema.table``."""

    source = _connect_postgres(dsn)
    copied: dict[str, int] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="journey-mirror-") as scratch, source, source.cursor() as cur:
            cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY table_name"
            )
            tables = [("marts", t) for (t,) in cur.fetchall()] + list(MIRRORED_BESIDE_MARTS)
            conn.execute("BEGIN")
            try:
                for schema, table in tables:
                    cur.execute(
                        "SELECT column_name, data_type, numeric_precision, numeric_scale "
                        "FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
                        "ORDER BY ordinal_position",
                        (schema, table),
                    )
                    columns = [(name, duckdb_type(typ, p, s)) for name, typ, p, s in cur.fetchall()]
                    if not columns:
                        raise UserError(f"PostgreSQL has no table {schema}.{table} to copy")
                    path = Path(scratch) / f"{schema}.{table}.csv"
                    with path.open("wb") as fh:
                        cur.copy_expert(
                            f'COPY (SELECT * FROM "{schema}"."{table}") TO STDOUT '
                            "WITH (FORMAT csv, HEADER true, FORCE_QUOTE *)",
                            fh,
                        )
                    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                    ddl = ", ".join(f'"{name}" {typ}' for name, typ in columns)
                    conn.execute(f"CREATE OR REPLACE TABLE {schema}.{table} ({ddl})")
                    # an unquoted empty field is NULL, a quoted one an empty string
                    conn.execute(
                        f"INSERT INTO {schema}.{table} SELECT * FROM read_csv(?, header = true, "
                        "allow_quoted_nulls = false, auto_detect = false, columns = "
                        + "{"
                        + ", ".join(f"'{name}': '{typ}'" for name, typ in columns)
                        + "})",
                        [str(path)],
                    )
                    copied[f"{schema}.{table}"] = conn.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()[0]
                    path.unlink()
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    finally:
        source.close()
    return copied
