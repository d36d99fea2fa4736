"""Hand the raw tables DuckDB loaded over to a PostgreSQL or Spark engine, and copy its marts back.

Ingestion reads the landing zone once, with DuckDB, whatever the engine: parsing, quarantine and
the file audit have one definition. For PostgreSQL the raw schema is then copied as it stands:
DuckDB writes each table as CSV to a scratch file and psycopg2 streams it into PostgreSQL with
COPY, replacing the table in one transaction. (DuckDB's postgres extension would write directly,
but extensions are not in the Python wheel and are not downloaded.)

For Spark, DuckDB writes each raw table as Parquet (COPY ... FORMAT parquet, in the wheel) into
``raw/<table>/`` of the Spark folder (``spark/`` beside the DuckDB file, or JOURNEY_SPARK_DIR); dbt's
Spark session registers them as the tables of schema ``raw`` before it builds (the macro
create_engine_functions). Spark keeps its catalog (a Derby metastore) and its tables (Parquet) in the
same folder, so the copy of the marts back is DuckDB reading Spark's Parquet files: no second
Spark process, and no JVM in the Dagster step.

The sentiment of NPS comments is scored here too, by the project's scorer (the DuckDB function of
orchestration/sentiment), into ``raw.comment_sentiment``: one row per distinct comment, keyed by
the MD5 of the comment as staging types it, which the models on engines without the function read.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import duckdb

from orchestration.engines import POSTGRES, SPARK
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


def spark_dir(duckdb_path: str | Path, environ: dict[str, str] | os._Environ[str] | None = None) -> Path:
    """The folder of the Spark engine's catalog and tables: JOURNEY_SPARK_DIR, else ``spark/``
    beside the DuckDB file."""
    env = os.environ if environ is None else environ
    chosen = env.get("JOURNEY_SPARK_DIR")
    return Path(chosen).absolute() if chosen else Path(duckdb_path).absolute().parent / "spark"


def java_home(environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    """JAVA_HOME for Spark: the variable when it names a Java, else Debian's Java 17; a UserError
    saying how to install it when there is none."""
    env = os.environ if environ is None else environ
    chosen = env.get("JAVA_HOME")
    if chosen and (Path(chosen) / "bin" / "java").exists():
        return chosen
    for found in sorted(Path("/usr/lib/jvm").glob("java-17-openjdk-*"), reverse=True):
        if (found / "bin" / "java").exists():
            return str(found)
    raise UserError("Spark needs Java 17 and none was found (JAVA_HOME): scripts/spark.sh install")


def engine_environment(engine: str, duckdb_path: str | Path) -> dict[str, str]:
    """What the dbt process of ``engine`` reads from its environment besides JOURNEY_DUCKDB_PATH."""
    if engine == SPARK:
        return {"JOURNEY_SPARK_DIR": str(spark_dir(duckdb_path)), "JAVA_HOME": java_home()}
    return {}


def check_engine(engine: str) -> None:
    """Raise a UserError before a run when its engine's server cannot be reached (PostgreSQL) or
    cannot start (Spark without Java)."""
    if engine == POSTGRES:
        _connect_postgres().close()
    elif engine == SPARK:
        java_home()


def _database_path(conn: duckdb.DuckDBPyConnection) -> str:
    (path,) = conn.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return path


def hand_off(conn: duckdb.DuckDBPyConnection, engine: str) -> dict[str, int]:
    """Give ``engine`` the raw tables of the DuckDB file; rows copied by table."""
    if engine == POSTGRES:
        return hand_off_to_postgres(conn)
    if engine == SPARK:
        return hand_off_to_spark(conn, spark_dir(_database_path(conn)))
    raise UserError(f"engine {engine} takes no raw tables from DuckDB")


def mirror(conn: duckdb.DuckDBPyConnection, engine: str) -> dict[str, int]:
    """Copy the marts ``engine`` built into the DuckDB file; rows copied by table."""
    if engine == POSTGRES:
        return mirror_from_postgres(conn)
    if engine == SPARK:
        return mirror_from_spark(conn, spark_dir(_database_path(conn)))
    raise UserError(f"engine {engine} has no copy of its marts into DuckDB")


def _raw_sources(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The raw tables of the DuckDB file, as (schema, table), and the comments' sentiment (a
    temporary table) when there are NPS responses."""
    tables = [
        t
        for (t,) in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? ORDER BY table_name", [RAW_SCHEMA]
        ).fetchall()
    ]
    sources = [(RAW_SCHEMA, t) for t in tables]
    if "crm_nps_responses" in tables:
        _sentiment_table(conn)
        sources.append(("temp.main", SENTIMENT_TABLE))
    return sources


def hand_off_to_spark(conn: duckdb.DuckDBPyConnection, directory: Path) -> dict[str, int]:
    """Write DuckDB's raw tables (and the comments' sentiment) as Parquet into ``directory/raw``,
    one folder per table, each replaced whole; rows written by table."""
    raw = directory / RAW_SCHEMA
    raw.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for schema, table in _raw_sources(conn):
        columns = conn.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema.split(".")[-1], table],
        ).fetchall()
        # JSON is text to Spark
        select = ", ".join(
            f'CAST("{name}" AS VARCHAR) AS "{name}"' if typ == "JSON" else f'"{name}"' for name, typ in columns
        )
        folder = raw / table
        scratch = raw / f".{table}.new"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        conn.execute(f"COPY (SELECT {select} FROM {schema}.{table}) TO '{scratch / 'part-0.parquet'}' (FORMAT parquet)")
        shutil.rmtree(folder, ignore_errors=True)
        scratch.rename(folder)
        written[table] = conn.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()[0]
    return written


def mirror_from_spark(conn: duckdb.DuckDBPyConnection, directory: Path) -> dict[str, int]:
    """Copy the marts Spark built (and what validation and the publication read beside them) into
    the DuckDB file from Spark's Parquet files, replacing its tables of those names. Rows copied by
    ``schema.table``."""
    warehouse = directory / "warehouse"
    marts = warehouse / "marts.db"
    if not marts.is_dir():
        raise UserError(f"Spark has built no marts in {marts}")
    tables = [("marts", p.name) for p in sorted(marts.iterdir()) if p.is_dir()] + list(MIRRORED_BESIDE_MARTS)
    copied: dict[str, int] = {}
    conn.execute("BEGIN")
    try:
        for schema, table in tables:
            folder = warehouse / f"{schema}.db" / table
            files = sorted(folder.glob("*.parquet"))
            if not files:
                raise UserError(f"Spark has no Parquet file for {schema}.{table} in {folder}")
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            conn.execute(
                f"CREATE OR REPLACE TABLE {schema}.{table} AS SELECT * FROM read_parquet(?)", [[str(f) for f in files]]
            )
            copied[f"{schema}.{table}"] = conn.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()[0]
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return copied


def hand_off_to_postgres(conn: duckdb.DuckDBPyConnection, dsn: str | None = None) -> dict[str, int]:
    """Replace PostgreSQL's raw schema by DuckDB's (and the comments' sentiment); rows copied by table."""

    sources = _raw_sources(conn)
    target = _connect_postgres(dsn)
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
