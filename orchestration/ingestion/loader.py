"""Load the drops of one source into the ``raw`` schema, idempotently.

For a set of drop dates, everything the warehouse holds for those drops of the source
(raw rows, quarantine, file audit) is replaced in one transaction by what the landing
zone holds now. Readable records go to ``raw.<source>_<entity>`` exactly as delivered;
unreadable ones to ``raw.quarantine`` with file, line and reason. A file whose columns
break the contract fails its drop: nothing of that source's drop is written and the
previous load of it stays as it was.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from .contract import Entity, Format, entities_of
from .landing import LandedFile, drop_signature, entity_files
from .records import (
    csv_fields_expr,
    csv_records_sql,
    csv_well_formed_expr,
    lines_sql,
    quote_literal,
    reason_expr,
    strip_cr,
)
from .warehouse import RAW_SCHEMA, ensure_raw_schema, raw_columns

BATCH_BYTES = 128 * 1024 * 1024

Progress = Callable[[str], None]


@dataclass(frozen=True)
class FileReport:
    """Reconciliation of one file: read = loaded + quarantined."""

    entity: str
    file: str
    drop_date: date
    records_read: int
    records_loaded: int
    records_quarantined: int


@dataclass(frozen=True)
class SchemaProblem:
    """A file whose columns do not match the contract."""

    file: str
    drop_date: date
    column: str
    message: str


@dataclass
class SourceLoad:
    """What one load of a source did."""

    source: str
    drops: list[date]
    loaded_drops: list[date] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    problems: list[SchemaProblem] = field(default_factory=list)

    def entity_files(self, entity: str) -> list[FileReport]:
        return [f for f in self.files if f.entity == entity]

    def totals(self, entity: str) -> dict[str, int]:
        files = self.entity_files(entity)
        return {
            "files": len(files),
            "records_read": sum(f.records_read for f in files),
            "records_loaded": sum(f.records_loaded for f in files),
            "records_quarantined": sum(f.records_quarantined for f in files),
        }

    @property
    def failed_drops(self) -> list[date]:
        return sorted({p.drop_date for p in self.problems})


class _DriftFound(Exception):
    def __init__(self, problems: list[SchemaProblem]):
        super().__init__(problems)
        self.problems = problems


def load_source(
    conn: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    source: str,
    drops: list[date],
    progress: Progress | None = None,
) -> SourceLoad:
    """Replace the given drops of ``source`` in the warehouse by the landing zone's files."""
    ensure_raw_schema(conn)
    entities = entities_of(source)
    files = {e.name: entity_files(landing_dir, e, drops) for e in entities}
    problems = [p for e in entities if e.format is Format.CSV for f in files[e.name] for p in _header_problems(e, f)]
    while True:
        failed = {p.drop_date for p in problems}
        try:
            reports = _load_in_transaction(conn, landing_dir, source, drops, files, failed, progress)
        except _DriftFound as drift:
            problems.extend(drift.problems)
            continue
        break
    loaded = [d for d in drops if d not in failed and (landing_dir / source / d.isoformat()).is_dir()]
    return SourceLoad(source=source, drops=list(drops), loaded_drops=loaded, files=reports, problems=problems)


def _load_in_transaction(
    conn: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    source: str,
    drops: list[date],
    files: dict[str, list[LandedFile]],
    failed: set[date],
    progress: Progress | None,
) -> list[FileReport]:
    good = [d for d in drops if d not in failed]
    conn.execute("BEGIN TRANSACTION")
    try:
        _delete_drops(conn, source, good)
        reports: list[FileReport] = []
        for entity in entities_of(source):
            todo = [f for f in files[entity.name] if f.drop_date not in failed]
            reports.extend(_load_entity(conn, entity, todo, progress))
        _record_audit(conn, landing_dir, source, good, reports)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        _drop_scratch(conn)
    return reports


def _delete_drops(conn: duckdb.DuckDBPyConnection, source: str, drops: list[date]) -> None:
    for entity in entities_of(source):
        conn.execute(f"DELETE FROM {RAW_SCHEMA}.{entity.table} WHERE list_contains(?, _drop_date)", [drops])
    for table in ("quarantine", "loaded_files", "loaded_drops"):
        conn.execute(
            f"DELETE FROM {RAW_SCHEMA}.{table} WHERE source = ? AND list_contains(?, drop_date)",
            [source, drops],
        )


def _record_audit(
    conn: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    source: str,
    good: list[date],
    reports: list[FileReport],
) -> None:
    if reports:
        conn.executemany(
            f"INSERT INTO {RAW_SCHEMA}.loaded_files VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    source,
                    r.entity,
                    r.drop_date,
                    r.file,
                    r.records_read,
                    r.records_loaded,
                    r.records_quarantined,
                )
                for r in reports
            ],
        )
    present = [d for d in good if (landing_dir / source / d.isoformat()).is_dir()]
    if good:
        # Every replaced drop is logged, present or not: removing a drop's folder and reloading
        # it deletes its rows, which is a change downstream models must see.
        conn.executemany(
            f"INSERT INTO {RAW_SCHEMA}.load_log "
            "VALUES (?, ?, ?, CAST(get_current_timestamp() AT TIME ZONE 'UTC' AS TIMESTAMP))",
            [(source, d, sum(1 for r in reports if r.drop_date == d)) for d in good],
        )
    if present:
        conn.executemany(
            f"INSERT INTO {RAW_SCHEMA}.loaded_drops VALUES (?, ?, ?, ?)",
            [
                (source, d, sum(1 for r in reports if r.drop_date == d), drop_signature(landing_dir, source, d))
                for d in present
            ],
        )


def _load_entity(
    conn: duckdb.DuckDBPyConnection,
    entity: Entity,
    files: list[LandedFile],
    progress: Progress | None,
) -> list[FileReport]:
    reports: list[FileReport] = []
    done_files = 0
    for header, batch in _batches(entity, files):
        with tempfile.TemporaryDirectory(prefix="journey-ingest-") as scratch:
            paths = _register_files(conn, batch, Path(scratch))
            conn.execute(f"CREATE OR REPLACE TEMP TABLE _lines AS {lines_sql('_files', paths)}")
            if entity.format is Format.CSV:
                _check_csv(conn, entity, header or ())
            else:
                _check_ndjson(conn, entity)
        _insert_checked(conn, entity)
        reports.extend(_file_reports(conn, entity))
        done_files += len(batch)
        if progress:
            read = sum(r.records_read for r in reports)
            progress(f"{entity.table}: {done_files}/{len(files)} files, {read:,} records read")
    return reports


def _batches(entity: Entity, files: list[LandedFile]) -> Iterator[tuple[tuple[str, ...] | None, list[LandedFile]]]:
    """Files grouped by header (CSV) and cut into batches of about BATCH_BYTES."""
    groups: dict[tuple[str, ...] | None, list[LandedFile]] = {}
    for f in files:
        header = _read_header(f) if entity.format is Format.CSV else None
        groups.setdefault(header, []).append(f)
    for header, group in groups.items():
        batch: list[LandedFile] = []
        size = 0
        for f in group:
            file_size = f.path.stat().st_size * (6 if f.compressed else 1)
            if batch and size + file_size > BATCH_BYTES:
                yield header, batch
                batch, size = [], 0
            batch.append(f)
            size += file_size
        if batch:
            yield header, batch


def _register_files(conn: duckdb.DuckDBPyConnection, batch: list[LandedFile], scratch: Path) -> list[str]:
    """Fill the ``_files`` scratch table; gzip files are streamed out to ``scratch`` first."""
    rows = []
    for idx, f in enumerate(batch):
        read_path = f.path
        if f.compressed:
            read_path = scratch / f"{idx}-{f.path.name[:-3]}"
            with gzip.open(f.path, "rb") as src, read_path.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        rows.append((idx, str(read_path), f.relative_path, f.drop_date))
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _files (file_idx INTEGER, read_path VARCHAR, rel VARCHAR, drop_date DATE)"
    )
    conn.executemany("INSERT INTO _files VALUES (?, ?, ?, ?)", rows)
    return [row[1] for row in rows]


def _read_header(f: LandedFile) -> tuple[str, ...] | None:
    """Column names on line 1, or None for an empty file."""
    opener = gzip.open if f.compressed else open
    with opener(f.path, "rt", encoding="utf-8-sig", newline="") as fh:  # type: ignore[operator]
        first = fh.readline()
    if not first.strip():
        return None
    return tuple(c.strip() for c in next(csv.reader(io.StringIO(first))))


def _header_problems(entity: Entity, f: LandedFile) -> list[SchemaProblem]:
    header = _read_header(f)
    if header is None:
        if f.path.stat().st_size == 0:
            return []
        return [
            SchemaProblem(
                f.relative_path,
                f.drop_date,
                "(header)",
                f"{f.relative_path}: line 1 is empty, expected a header row",
            )
        ]
    return [
        SchemaProblem(
            f.relative_path,
            f.drop_date,
            col.label,
            f"{f.relative_path}: required column '{col.path}' is missing (header: {', '.join(header)})",
        )
        for col in entity.required_columns
        if col.path not in header
    ]


def _check_csv(conn: duckdb.DuckDBPyConnection, entity: Entity, header: tuple[str, ...]) -> None:
    conn.execute(f"CREATE OR REPLACE TEMP TABLE _records AS {csv_records_sql('_lines')}")
    position = {name: i + 1 for i, name in enumerate(header)}
    value_of = {
        f.name: (f"fields[{position[f.path]}]" if f.path in position else "NULL::VARCHAR") for f in entity.fields
    }
    known = {f.path for f in entity.fields}
    extras = [(name, i) for name, i in position.items() if name not in known]
    extra_expr = (
        "json_object(" + ", ".join(f"{quote_literal(n)}, fields[{i}]" for n, i in extras) + ")"
        if extras
        else "NULL::JSON"
    )
    structural = [
        "CASE WHEN unterminated THEN 'unterminated quoted field' END",
        "CASE WHEN NOT well_formed THEN 'malformed CSV quoting' END",
        f"CASE WHEN len(fields) <> {len(header)} "
        f"THEN 'wrong number of fields: expected {len(header)}, found ' || len(fields) END",
    ]
    columns = ", ".join(f'{value_of[f.name]} AS "{f.name}"' for f in entity.fields)
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _checked AS
        WITH r AS (
            SELECT file_idx, line_number, raw_text, unterminated,
                   {csv_fields_expr("raw_text")} AS fields,
                   {csv_well_formed_expr("raw_text")} AS well_formed
            FROM _records
            WHERE line_number > 1
        )
        SELECT file_idx, line_number, raw_text, {columns},
               {extra_expr} AS _extra_columns,
               {reason_expr(structural, entity, value_of)} AS reason
        FROM r
        """
    )


def _check_ndjson(conn: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    # each document is parsed once for all its fields: one list of values, one of presences
    paths = ", ".join(f"'{f.path}'" for f in entity.fields)
    value_of = {f.name: f"_values[{i}]" for i, f in enumerate(entity.fields, start=1)}
    has = {f.name: f"_has[{i}]" for i, f in enumerate(entity.fields, start=1)}
    columns = ", ".join(f'{value_of[f.name]} AS "{f.name}"' for f in entity.fields)
    present = ", ".join(f'{has[f.name]} AS "_has_{f.name}"' for f in entity.required_columns)
    structural = [
        "CASE WHEN doc IS NULL THEN 'not valid JSON' END",
        "CASE WHEN json_type(doc) <> 'OBJECT' THEN 'not a JSON object' END",
    ]
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _checked AS
        WITH r AS (
            SELECT file_idx, line_number, {strip_cr("line")} AS raw_text
            FROM _lines
            WHERE trim(line) <> ''
        ), d AS (
            SELECT *, try_cast(raw_text AS JSON) AS doc FROM r
        ), v AS (
            SELECT *, json_extract_string(doc, [{paths}]) AS _values, json_exists(doc, [{paths}]) AS _has FROM d
        )
        SELECT file_idx, line_number, raw_text, {columns}, doc AS payload,
               coalesce(json_type(doc) = 'OBJECT', false) AS _is_object, {present},
               {reason_expr(structural, entity, value_of)} AS reason
        FROM v
        """
    )
    _raise_on_drift(conn, entity)


def _raise_on_drift(conn: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """A required field absent from every object of a file is a renamed or missing column."""
    counts = ", ".join(f'count(*) FILTER (WHERE "_has_{f.name}")' for f in entity.required_columns)
    rows = conn.execute(
        f"""
        SELECT f.rel, f.drop_date, {counts}
        FROM _checked c JOIN _files f USING (file_idx)
        WHERE c._is_object
        GROUP BY f.rel, f.drop_date
        """
    ).fetchall()
    problems = [
        SchemaProblem(
            rel,
            drop,
            col.label,
            f"{rel}: required field '{col.label}' is missing from every record",
        )
        for rel, drop, *present in rows
        for col, n in zip(entity.required_columns, present, strict=True)
        if n == 0
    ]
    if problems:
        raise _DriftFound(problems)


def _insert_checked(conn: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    names = [name for name, _, _ in raw_columns(entity) if not name.startswith("_") or name == "_extra_columns"]
    select = ", ".join(f'c."{n}"' for n in names)
    target = ", ".join(f'"{n}"' for n in names)
    conn.execute(
        f"""
        INSERT INTO {RAW_SCHEMA}.{entity.table} ({target}, _drop_date, _file, _line_number)
        SELECT {select}, f.drop_date, f.rel, c.line_number
        FROM _checked c JOIN _files f USING (file_idx)
        WHERE c.reason IS NULL
        ORDER BY c.file_idx, c.line_number
        """
    )
    conn.execute(
        f"""
        INSERT INTO {RAW_SCHEMA}.quarantine
        SELECT {quote_literal(entity.source)}, {quote_literal(entity.name)}, f.drop_date, f.rel,
               c.line_number, c.raw_text, c.reason
        FROM _checked c JOIN _files f USING (file_idx)
        WHERE c.reason IS NOT NULL
        ORDER BY c.file_idx, c.line_number
        """
    )


def _file_reports(conn: duckdb.DuckDBPyConnection, entity: Entity) -> list[FileReport]:
    rows = conn.execute(
        """
        SELECT f.rel, f.drop_date, count(c.line_number),
               count(c.line_number) FILTER (WHERE c.reason IS NULL),
               count(c.line_number) FILTER (WHERE c.reason IS NOT NULL)
        FROM _files f LEFT JOIN _checked c USING (file_idx)
        GROUP BY f.file_idx, f.rel, f.drop_date
        ORDER BY f.file_idx
        """
    ).fetchall()
    return [
        FileReport(entity.name, rel, drop, read, loaded, quarantined) for rel, drop, read, loaded, quarantined in rows
    ]


def _drop_scratch(conn: duckdb.DuckDBPyConnection) -> None:
    for table in ("_files", "_lines", "_records", "_checked"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
