"""Load the drops of one source into the ``raw`` schema, idempotently.

For a set of drop dates, everything the warehouse holds for those drops of the source
(raw rows, quarantine, file audit) is replaced in one transaction by what the landing
zone holds now. Readable records go to ``raw.<source>_<entity>`` exactly as delivered;
unreadable ones to ``raw.quarantine`` with file, line and reason. A file whose columns
break the contract, or that cannot be read at all, fails its drop: nothing of that source's
drop is written and the previous load of it stays as it was.

Every file is read as itself: DuckDB reads a scratch link or copy of it under a plain name
(DuckDB's readers take names as glob patterns), and only files inside the landing zone are read.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from .contract import Entity, Format, entities_of
from .landing import LandedFile, drop_signature, entity_files, inside
from .records import (
    INVALID_UTF8,
    blank_sql,
    csv_fields_expr,
    csv_records_sql,
    csv_well_formed_expr,
    file_scan_sql,
    is_blank,
    lines_sql,
    quote_literal,
    reason_expr,
    split_csv_header,
    strip_cr,
)
from .warehouse import RAW_SCHEMA, ensure_raw_schema, raw_columns

CSV_BATCH_BYTES = 128 * 1024 * 1024
"""CSV files are checked a batch of about this many bytes at a time (their records are rebuilt
from lines in scratch tables)."""
SCRATCH_BYTES = 2 * 1024 * 1024 * 1024
"""NDJSON files stream from the landing zone into the raw table, all of an entity's files in one
statement; only gzip files take scratch space (their content, decompressed), so a new batch starts
when the batch's decompressed files would exceed this."""
GZIP_EXPANSION = 6

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
    """A file that fails its drop: its columns do not match the contract (``column`` names the
    column), or it cannot be read at all (``column`` is ``(file)``). ``message`` is one line
    naming the file and the cause."""

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
    skipped: list[str] = field(default_factory=list)

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


class _DropsFailed(Exception):
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
    problems = [p for e in entities for f in files[e.name] for p in _file_problems(e, f)]
    while True:
        failed = {p.drop_date for p in problems}
        try:
            reports = _load_in_transaction(conn, landing_dir, source, drops, files, problems, progress)
        except _DropsFailed as found:
            problems.extend(found.problems)
            continue
        break
    loaded = [d for d in drops if d not in failed and (landing_dir / source / d.isoformat()).is_dir()]
    return SourceLoad(
        source=source,
        drops=list(drops),
        loaded_drops=loaded,
        files=reports,
        problems=problems,
        skipped=_outside_files(landing_dir, source, drops),
    )


def _outside_files(landing_dir: Path, source: str, drops: list[date]) -> list[str]:
    """Entries of the drop folders whose real path is outside the landing zone (never read)."""
    skipped = []
    for drop in drops:
        folder = landing_dir / source / drop.isoformat()
        if folder.is_symlink() and not inside(folder, landing_dir):
            skipped.append(folder.relative_to(landing_dir).as_posix())
        elif folder.is_dir():
            outside = [p for p in sorted(folder.iterdir()) if not inside(p, landing_dir)]
            skipped += [p.relative_to(landing_dir).as_posix() for p in outside]
    return skipped


def _load_in_transaction(
    conn: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    source: str,
    drops: list[date],
    files: dict[str, list[LandedFile]],
    problems: list[SchemaProblem],
    progress: Progress | None,
) -> list[FileReport]:
    failed = {p.drop_date for p in problems}
    good = [d for d in drops if d not in failed]
    # raw rows carry their file and line: the order they are stored in means nothing, and
    # DuckDB writes them faster when it need not keep it
    preserve_order = conn.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    conn.execute("SET preserve_insertion_order = false")
    conn.execute("BEGIN TRANSACTION")
    try:
        _delete_drops(conn, source, good)
        reports: list[FileReport] = []
        for entity in entities_of(source):
            todo = [f for f in files[entity.name] if f.drop_date not in failed]
            reports.extend(_load_entity(conn, entity, todo, progress))
        _record_audit(conn, landing_dir, source, good, reports)
        _record_rejected(conn, landing_dir, source, drops, problems)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        _drop_scratch(conn)
        conn.execute(f"SET preserve_insertion_order = {str(bool(preserve_order)).lower()}")
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


def _record_rejected(
    conn: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    source: str,
    drops: list[date],
    problems: list[SchemaProblem],
) -> None:
    """Replace the rejections of these drops by this load's: one row per failed drop, with the
    signature of its folder and every reason."""
    conn.execute(
        f"DELETE FROM {RAW_SCHEMA}.rejected_drops WHERE source = ? AND list_contains(?, drop_date)", [source, drops]
    )
    rows = []
    for drop in sorted({p.drop_date for p in problems}):
        signature = drop_signature(landing_dir, source, drop)
        if signature is not None:
            reasons = "; ".join(p.message for p in problems if p.drop_date == drop)
            rows.append((source, drop, signature, reasons))
    if rows:
        conn.executemany(
            f"INSERT INTO {RAW_SCHEMA}.rejected_drops "
            "VALUES (?, ?, ?, ?, CAST(get_current_timestamp() AT TIME ZONE 'UTC' AS TIMESTAMP))",
            rows,
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
            records = _define_lines(conn, batch, Path(scratch), paths)
            if entity.format is Format.CSV:
                _check_csv(conn, entity, header or ())
                _insert_checked(conn, entity)
                reports.extend(_file_reports(conn, entity))
            else:
                reports.extend(_load_ndjson(conn, entity, records))
        done_files += len(batch)
        if progress:
            read = sum(r.records_read for r in reports)
            progress(f"{entity.table}: {done_files}/{len(files)} files, {read:,} records read")
    return reports


def _batches(entity: Entity, files: list[LandedFile]) -> Iterator[tuple[tuple[str, ...] | None, list[LandedFile]]]:
    """Files grouped by header (CSV) and cut into batches: of about CSV_BATCH_BYTES for CSV, of
    at most SCRATCH_BYTES of decompressed gzip files for NDJSON."""
    groups: dict[tuple[str, ...] | None, list[LandedFile]] = {}
    for f in files:
        header = _read_header(f) if entity.format is Format.CSV else None
        groups.setdefault(header if isinstance(header, tuple) else None, []).append(f)
    limit = CSV_BATCH_BYTES if entity.format is Format.CSV else SCRATCH_BYTES
    for header, group in groups.items():
        batch: list[LandedFile] = []
        size = 0
        for f in group:
            file_size = f.real_path.stat().st_size * (GZIP_EXPANSION if f.compressed else 1)
            if entity.format is Format.NDJSON and not f.compressed:
                file_size = 0  # read in place
            if batch and size + file_size > limit:
                yield header, batch
                batch, size = [], 0
            batch.append(f)
            size += file_size
        if batch:
            yield header, batch


def _glob_literal(path: Path) -> str:
    """``path`` as a DuckDB file pattern that matches only itself."""
    return re.sub(r"([*?\[])", r"[\1]", str(path))


def _read_path(scratch: Path, idx: int) -> Path:
    return scratch / f"{idx}.txt"


def _register_files(conn: duckdb.DuckDBPyConnection, batch: list[LandedFile], scratch: Path) -> list[str]:
    """Fill the ``_files`` scratch table and give every file of the batch a plain name in
    ``scratch``: a link to the file, or for gzip files the content streamed out. Returns the
    patterns DuckDB reads them by. A gzip file that cannot be read fails its drop."""
    rows = []
    for idx, f in enumerate(batch):
        read_path = _read_path(scratch, idx)
        if f.compressed:
            try:
                with gzip.open(f.real_path, "rb") as src, read_path.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except (OSError, EOFError, zlib.error) as error:
                if isinstance(error, OSError) and _is_full_disk(error):
                    raise
                raise _DropsFailed([_unreadable(f, error)]) from error
        else:
            os.symlink(f.real_path, read_path)
        rows.append((idx, str(read_path), f.relative_path, f.drop_date))
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _files (file_idx INTEGER, read_path VARCHAR, rel VARCHAR, drop_date DATE)"
    )
    conn.executemany("INSERT INTO _files VALUES (?, ?, ?, ?)", rows)
    return [_glob_literal(Path(row[1])) for row in rows]


def _is_full_disk(error: OSError) -> bool:
    return error.errno in (28, 122)  # ENOSPC, EDQUOT: the scratch space, not the file, is at fault


def _define_lines(
    conn: duckdb.DuckDBPyConnection, batch: list[LandedFile], scratch: Path, patterns: list[str]
) -> dict[int, int]:
    """Define ``_lines``, the numbered physical lines of the batch's files, as a view that reads
    the files each time it is queried. The files DuckDB cannot decode (invalid UTF-8) are read
    line by line: every line that is not valid UTF-8 is kept with its bytes escaped (``\\xff``)
    and marked, to be quarantined. Returns the lines that are not blank, per file index."""
    scanned = conn.execute(file_scan_sql(patterns)).fetchall()
    invalid = sorted(idx for idx, is_invalid, _ in scanned if is_invalid)
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _escaped_lines "
        "(file_idx INTEGER, line_number BIGINT, line VARCHAR, invalid_utf8 BOOLEAN)"
    )
    for idx in invalid:
        escaped = scratch / f"{idx}.escaped.txt"
        bad_lines = []
        with _read_path(scratch, idx).open("rb") as src, escaped.open("w", encoding="utf-8", newline="") as dst:
            for number, line in enumerate(src, start=1):
                try:
                    dst.write(line.decode("utf-8"))
                except UnicodeDecodeError:
                    bad_lines.append(number)
                    dst.write(line.decode("utf-8", errors="backslashreplace"))
        conn.execute(
            "INSERT INTO _escaped_lines SELECT file_idx, line_number, line, list_contains(?, line_number) "
            f"FROM ({lines_sql('_files', [_glob_literal(escaped)])})",
            [bad_lines],
        )
    records = {idx: n for idx, is_invalid, n in scanned if not is_invalid}
    records.update(
        conn.execute(
            f"SELECT file_idx, count(*) FILTER (WHERE NOT {blank_sql('line')}) FROM _escaped_lines GROUP BY file_idx"
        ).fetchall()
    )
    valid = [pattern for idx, pattern in enumerate(patterns) if idx not in invalid]
    read = f"{lines_sql('_files', valid)} UNION ALL " if valid else ""
    conn.execute(f"CREATE OR REPLACE TEMP VIEW _lines AS {read}SELECT * FROM _escaped_lines")
    return records


def _unreadable(f: LandedFile, error: BaseException) -> SchemaProblem:
    if isinstance(error, EOFError):
        cause = "truncated gzip file (it ends before its end-of-stream marker)"
    elif isinstance(error, gzip.BadGzipFile):
        cause = f"not a gzip file ({error})"
    elif isinstance(error, zlib.error):
        cause = f"corrupt gzip data ({error})"
    elif isinstance(error, PermissionError):
        cause = "permission denied"
    elif isinstance(error, OSError):
        cause = error.strerror or str(error)
    else:
        cause = str(error)
    return SchemaProblem(f.relative_path, f.drop_date, "(file)", f"{f.relative_path}: cannot be read: {cause}")


def _file_problems(entity: Entity, f: LandedFile) -> list[SchemaProblem]:
    """What fails the drop of a file before it is read: it cannot be opened, it is named .gz
    and is not gzip, or (CSV) its header breaks the contract."""
    try:
        with f.real_path.open("rb") as fh:
            magic = fh.read(2)
        if f.compressed and magic and magic != b"\x1f\x8b":
            raise gzip.BadGzipFile("it does not start with the gzip magic bytes")
        if entity.format is Format.CSV:
            return _header_problems(entity, f)
    except (OSError, EOFError, zlib.error) as error:
        return [_unreadable(f, error)]
    return []


def _read_header(f: LandedFile) -> tuple[str, ...] | str | None:
    """Column names on line 1, None for an empty file, or what is wrong with line 1."""
    opener = gzip.open if f.compressed else open
    with opener(f.real_path, "rb") as fh:  # type: ignore[operator]
        first = fh.readline()
    try:
        text = first.decode("utf-8").removeprefix("\ufeff").rstrip("\n").removesuffix("\r")
    except UnicodeDecodeError:
        return "the header (line 1) is not valid UTF-8: " + first.decode("utf-8", "backslashreplace").strip()
    if is_blank(text):
        return None
    return split_csv_header(text)


def _header_problems(entity: Entity, f: LandedFile) -> list[SchemaProblem]:
    header = _read_header(f)
    if isinstance(header, str):
        return [SchemaProblem(f.relative_path, f.drop_date, "(header)", f"{f.relative_path}: {header}")]
    if header is None:
        if f.real_path.stat().st_size == 0:
            return []
        return [
            SchemaProblem(
                f.relative_path,
                f.drop_date,
                "(header)",
                f"{f.relative_path}: line 1 is empty, expected a header row",
            )
        ]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    return [
        SchemaProblem(
            f.relative_path,
            f.drop_date,
            col,
            f"{f.relative_path}: column '{col}' appears {header.count(col)} times in the header",
        )
        for col in duplicated
    ] + [
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
        f"CASE WHEN invalid_utf8 THEN '{INVALID_UTF8}' END",
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
            SELECT file_idx, line_number, raw_text, unterminated, invalid_utf8,
                   {csv_fields_expr("raw_text")} AS fields,
                   {csv_well_formed_expr("raw_text")} AS well_formed, drop_date
            FROM _records JOIN _files USING (file_idx)
            WHERE line_number > 1
        )
        SELECT file_idx, line_number, raw_text, {columns},
               {extra_expr} AS _extra_columns,
               {reason_expr(structural, entity, value_of)} AS reason
        FROM r
        """
    )


def _ndjson_checked_sql(entity: Entity, lines: str, presence: bool = False) -> str:
    """The records (lines that are not blank) of ``lines`` with their values, the checks of
    their fields and the reason they cannot be loaded, or NULL; with ``presence``, also whether
    each object holds each required field (``_has_<field>``, ``_is_object``)."""
    # each document is parsed once for all its values (and once for all their presences)
    paths = ", ".join(f"'{f.path}'" for f in entity.fields)
    value_of = {f.name: f"_values[{i}]" for i, f in enumerate(entity.fields, start=1)}
    columns = ", ".join(f'{value_of[f.name]} AS "{f.name}"' for f in entity.fields)
    has = f", json_exists(doc, [{paths}]) AS _has" if presence else ""
    present = "".join(
        f', _has[{i}] AS "_has_{f.name}"' for i, f in enumerate(entity.fields, start=1) if f.column_must_exist
    )
    presences = f", coalesce(_type = 'OBJECT', false) AS _is_object{present}" if presence else ""
    structural = [
        f"CASE WHEN invalid_utf8 THEN '{INVALID_UTF8}' END",
        "CASE WHEN doc IS NULL THEN 'not valid JSON' END",
        "CASE WHEN _type <> 'OBJECT' THEN 'not a JSON object' END",
    ]
    return f"""
        WITH r AS (
            SELECT file_idx, line_number, {strip_cr("line")} AS raw_text, invalid_utf8, drop_date, rel
            FROM {lines} JOIN _files USING (file_idx)
            WHERE NOT {blank_sql("line")}
        ), d AS (
            SELECT *, try_cast(raw_text AS JSON) AS doc FROM r
        ), v AS (
            SELECT *, json_type(doc) AS _type, json_extract_string(doc, [{paths}]) AS _values{has} FROM d
        )
        SELECT file_idx, line_number, raw_text, drop_date, rel, {columns}, doc AS payload{presences},
               {reason_expr(structural, entity, value_of)} AS reason
        FROM v
    """


def _load_ndjson(conn: duckdb.DuckDBPyConnection, entity: Entity, records: dict[int, int]) -> list[FileReport]:
    """Load the batch's NDJSON files: the records that pass go to the raw table in one statement
    that streams the files (read, parsed and checked in parallel); the lines that are not blank
    and were not loaded are read again, numbered, and quarantined with their reason."""
    table = f"{RAW_SCHEMA}.{entity.table}"
    names = [name for name, _, _ in raw_columns(entity) if not name.startswith("_")]
    target = ", ".join(f'"{n}"' for n in names)
    conn.execute(
        f"""
        INSERT INTO {table} ({target}, _drop_date, _file, _line_number)
        SELECT {target}, drop_date, rel, line_number
        FROM ({_ndjson_checked_sql(entity, "_lines")})
        WHERE reason IS NULL
        """
    )
    # the rows just loaded, by file: the drops of the batch held nothing else (they were deleted)
    loaded_rows = f"""
        SELECT f.file_idx, r.*
        FROM {table} AS r JOIN _files AS f ON r._file = f.rel AND r._drop_date = f.drop_date
        WHERE r._drop_date BETWEEN (SELECT min(drop_date) FROM _files) AND (SELECT max(drop_date) FROM _files)
    """
    non_null = ", ".join(f'count("{f.name}")' for f in entity.required_columns)
    loaded: dict[int, tuple[int, ...]] = {
        idx: tuple(counts)
        for idx, *counts in conn.execute(
            f"SELECT file_idx, count(*), {non_null} FROM ({loaded_rows}) GROUP BY file_idx"
        ).fetchall()
    }
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _unloaded AS
        SELECT l.* FROM _lines AS l
        ANTI JOIN (SELECT file_idx, _line_number AS line_number FROM ({loaded_rows})) AS k
            USING (file_idx, line_number)
        WHERE NOT {blank_sql("l.line")}
        """
    )
    conn.execute(
        f"""
        INSERT INTO {RAW_SCHEMA}.quarantine
        SELECT {quote_literal(entity.source)}, {quote_literal(entity.name)}, drop_date, rel,
               line_number, raw_text, reason
        FROM ({_ndjson_checked_sql(entity, "_unloaded")})
        WHERE reason IS NOT NULL
        ORDER BY file_idx, line_number
        """
    )
    # A required field absent from every object of a file is a renamed or missing column. A file
    # that loaded a value of every required field has them; the others are looked at closely.
    doubtful = [idx for idx in records if idx not in loaded or any(n == 0 for n in loaded[idx][1:])]
    if doubtful:
        _raise_on_drift(
            conn,
            entity,
            _ndjson_checked_sql(
                entity, f"(SELECT * FROM _lines WHERE list_contains({doubtful}, file_idx))", presence=True
            ),
        )
    quarantined = dict(
        conn.execute(
            f"""
            SELECT f.file_idx, count(*) FROM {RAW_SCHEMA}.quarantine q
            JOIN _files f ON q.file = f.rel AND q.drop_date = f.drop_date
            WHERE q.source = ? AND q.entity = ?
            GROUP BY f.file_idx
            """,
            [entity.source, entity.name],
        ).fetchall()
    )
    files = conn.execute("SELECT file_idx, rel, drop_date FROM _files ORDER BY file_idx").fetchall()
    return [
        FileReport(
            entity.name,
            rel,
            drop,
            records.get(idx, 0),
            loaded.get(idx, (0,))[0],
            quarantined.get(idx, 0),
        )
        for idx, rel, drop in files
    ]


def _raise_on_drift(conn: duckdb.DuckDBPyConnection, entity: Entity, checked: str) -> None:
    """A required field absent from every object of a file is a renamed or missing column."""
    counts = ", ".join(f'count(*) FILTER (WHERE "_has_{f.name}")' for f in entity.required_columns)
    rows = conn.execute(
        f"""
        SELECT rel, drop_date, {counts}
        FROM ({checked})
        WHERE _is_object
        GROUP BY rel, drop_date
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
        raise _DropsFailed(problems)


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
    conn.execute("DROP VIEW IF EXISTS temp._lines")
    for table in ("_files", "_escaped_lines", "_records", "_checked", "_unloaded"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
