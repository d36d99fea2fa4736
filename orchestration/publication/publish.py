"""Publish the marts as a read-only DuckDB file plus one Parquet file per mart, and exports.

The pipeline writes ``warehouse.duckdb``; BI tools read the publication. A publication is one
unit, a *release* folder written whole before anyone can see it::

    $JOURNEY_PUBLISH_DIR/
      releases/<time>-<run>/        journey.duckdb, parquet/<mart>.parquet, exports/, publication.json
      current -> releases/<time>-<run>
      journey.duckdb -> current/journey.duckdb
      parquet -> current/parquet
      exports -> current/exports
      publication.json -> current/publication.json

``exports/<name>.parquet`` and ``exports/<name>.csv`` are copies of a mart for the tools that
import files rather than read a database (CRM tasks, marketing suppression lists); they are
keyed by ``customer_key``, so a purge of deleted customers rewrites them too. A release without
exports has no ``exports`` folder, and then no ``exports`` link.

A new release is written in ``releases/.<name>.tmp`` and renamed into place, then ``current``
is switched to it by renaming a new symbolic link over it (an atomic step on POSIX). So at any
moment the three published paths resolve into the same release: a reader never sees the DuckDB
file of one run beside the Parquet files or metadata of another, a reader that has files open
keeps reading them, and the writer never waits for readers. A release that is no longer current
is kept for readers that resolved the paths before the switch: the one before the current one
always, the others for ``JOURNEY_RELEASE_GRACE_SECONDS`` (600 by default) after the release that
replaced them was published. Older ones, and the leftovers of a run killed while writing one,
are removed by the next publication.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.errors import is_out_of_space, out_of_space_message

PUBLISHED_DATABASE = "journey.duckdb"
PARQUET_DIR = "parquet"
METADATA_FILE = "publication.json"
EXPORTS_DIR = "exports"
RELEASES_DIR = "releases"
CURRENT = "current"
PUBLISHED_ENTRIES = (PUBLISHED_DATABASE, PARQUET_DIR, EXPORTS_DIR, METADATA_FILE)
KEPT_RELEASES = 2
RELEASE_GRACE_SECONDS = 600
_RELEASE_TIME = "%Y%m%dT%H%M%S%fZ"
_TMP_SUFFIX = ".tmp"


class PublicationError(Exception):
    """A publication that could not be written; the previous one stays in place."""


@dataclass(frozen=True)
class Publication:
    """What a publication holds (also stored as ``publication.json`` and table ``marts._publication``)."""

    run_id: str
    published_at: str
    as_of: str | None
    row_counts: dict[str, int]
    validation: dict[str, Any]
    database: str
    parquet: dict[str, str]
    release: str = ""
    purges: list[dict[str, Any]] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)


def publish_marts(
    conn: duckdb.DuckDBPyConnection,
    marts: list[str],
    publish_dir: Path,
    run_id: str,
    validation: dict[str, Any],
    exports: dict[str, str] | None = None,
) -> Publication:
    """Copy ``marts.<mart>`` of the warehouse into a new release and make it the current one.

    ``exports`` maps a published mart to the name of its export files (``exports/<name>.parquet``
    and ``exports/<name>.csv``)."""
    exports = dict(exports or {})
    unknown = sorted(set(exports) - set(marts))
    if unknown:
        raise PublicationError(f"exports of marts that are not published: {', '.join(unknown)}")
    as_of = conn.execute("SELECT max(as_of) FROM intermediate.int_drops_summarised").fetchone()[0]
    row_counts = {m: conn.execute(f"SELECT count(*) FROM marts.{m}").fetchone()[0] for m in marts}
    now = datetime.now(UTC)
    release = f"{now:{_RELEASE_TIME}}-{run_id[:8]}"
    publication = Publication(
        run_id=run_id,
        published_at=now.isoformat(timespec="seconds"),
        as_of=as_of.isoformat() if as_of else None,
        row_counts=row_counts,
        validation=validation,
        database=str(publish_dir / PUBLISHED_DATABASE),
        parquet={m: str(publish_dir / PARQUET_DIR / f"{m}.parquet") for m in marts},
        release=release,
        exports=exports,
    )

    def write(folder: Path) -> None:
        database = folder / PUBLISHED_DATABASE
        conn.execute(f"ATTACH {_literal(database)} AS publication")
        try:
            conn.execute("CREATE SCHEMA publication.marts")
            for mart in marts:
                conn.execute(f"CREATE TABLE publication.marts.{mart} AS SELECT * FROM marts.{mart}")
            _write_metadata_table(conn, "publication", publication)
        finally:
            conn.execute("DETACH publication")
        for mart in marts:
            conn.execute(f"COPY marts.{mart} TO {_literal(folder / PARQUET_DIR / f'{mart}.parquet')} (FORMAT parquet)")
        write_exports(conn, "marts", folder, exports)
        _write_json(folder / METADATA_FILE, publication)

    _release(publish_dir, release, write)
    return publication


def rewrite_current(
    publish_dir: Path, run_id: str, change: Callable[[duckdb.DuckDBPyConnection, Path, Publication], Publication]
) -> Publication:
    """A new release made from the current one: ``change`` gets a connection to a copy of the
    current database (attached as ``publication``), the folder of the new release (with a copy of
    the current Parquet files) and the current metadata; it returns the new metadata."""
    current = read_publication(publish_dir)
    if current is None:
        raise PublicationError(f"nothing is published in {publish_dir}")
    source = (publish_dir / CURRENT).resolve()
    release = f"{datetime.now(UTC):{_RELEASE_TIME}}-{run_id[:8]}"
    old = Publication(**{k: v for k, v in current.items() if k in Publication.__dataclass_fields__})

    def write(folder: Path) -> None:
        shutil.copy2(source / PUBLISHED_DATABASE, folder / PUBLISHED_DATABASE)
        for parquet in sorted((source / PARQUET_DIR).glob("*.parquet")):
            shutil.copy2(parquet, folder / PARQUET_DIR / parquet.name)
        if (source / EXPORTS_DIR).is_dir():
            shutil.copytree(source / EXPORTS_DIR, folder / EXPORTS_DIR)
        conn = duckdb.connect()
        try:
            conn.execute(f"ATTACH {_literal(folder / PUBLISHED_DATABASE)} AS publication")
            new = change(conn, folder, old)
            new = Publication(**{**asdict(new), "release": release})
            conn.execute("DROP TABLE publication.marts._publication")
            _write_metadata_table(conn, "publication", new)
            conn.execute("DETACH publication")
        finally:
            conn.close()
        _write_json(folder / METADATA_FILE, new)

    _release(publish_dir, release, write)
    return Publication(**read_publication(publish_dir))


def write_exports(conn: duckdb.DuckDBPyConnection, schema: str, folder: Path, exports: dict[str, str]) -> None:
    """``exports/<name>.parquet`` and ``exports/<name>.csv`` of each exported mart, read from
    ``<schema>.<mart>``, ordered by their first columns so that files of equal marts are equal."""
    for mart, name in exports.items():
        (folder / EXPORTS_DIR).mkdir(exist_ok=True)
        table = f"{schema}.{mart}"
        columns = [row[0] for row in conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
        ordered = f"SELECT * FROM {table} ORDER BY {', '.join(columns[:3])}"
        conn.execute(f"COPY ({ordered}) TO {_literal(folder / EXPORTS_DIR / f'{name}.parquet')} (FORMAT parquet)")
        conn.execute(
            f"COPY ({ordered}) TO {_literal(folder / EXPORTS_DIR / f'{name}.csv')} "
            "(FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ')"
        )


def read_publication(publish_dir: Path) -> dict[str, Any] | None:
    """The metadata of the current publication, or None when nothing was published yet."""
    path = publish_dir / METADATA_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def remove_leftovers(publish_dir: Path) -> list[Path]:
    """Remove what a publication killed half-way left behind (temporary releases and links, files
    of the layout before releases) and the superseded releases past their grace period; the
    removed paths."""
    removed: list[Path] = []
    if not publish_dir.is_dir():
        return removed
    for path in sorted(publish_dir.iterdir()):
        if path.name.startswith(".") and path.name.endswith(_TMP_SUFFIX):
            _remove(path)
            removed.append(path)
    releases = publish_dir / RELEASES_DIR
    if releases.is_dir():
        current = (publish_dir / CURRENT).resolve() if (publish_dir / CURRENT).exists() else None
        done = sorted(p for p in releases.iterdir() if not p.name.startswith("."))
        kept = {p for p in done if p.resolve() == current}
        if current is not None:
            earlier = [p for p in done if p.name < current.name]
            kept.update(earlier[-(KEPT_RELEASES - 1) :])
        grace = release_grace_seconds()
        now = datetime.now(UTC)
        for older, newer in zip(done, done[1:], strict=False):
            superseded_at = _published_at(newer)
            if superseded_at is not None and (now - superseded_at).total_seconds() < grace:
                kept.add(older)
        for path in sorted(releases.iterdir()):
            if path.name.startswith(".") or path not in kept:
                _remove(path)
                removed.append(path)
    return removed


def release_grace_seconds() -> float:
    """How long a superseded release stays readable (``JOURNEY_RELEASE_GRACE_SECONDS``)."""
    raw = os.environ.get("JOURNEY_RELEASE_GRACE_SECONDS", "")
    try:
        return max(float(raw), 0.0) if raw.strip() else RELEASE_GRACE_SECONDS
    except ValueError:
        return RELEASE_GRACE_SECONDS


def _published_at(release: Path) -> datetime | None:
    """When a release was published, from its name (``<time>-<run>``)."""
    try:
        return datetime.strptime(release.name.split("-", 1)[0], _RELEASE_TIME).replace(tzinfo=UTC)
    except ValueError:
        return None


def _release(publish_dir: Path, release: str, write: Callable[[Path], None]) -> None:
    with _space_errors(publish_dir):
        publish_dir.mkdir(parents=True, exist_ok=True)
        remove_leftovers(publish_dir)
        releases = publish_dir / RELEASES_DIR
        releases.mkdir(exist_ok=True)
        staging = releases / f".{release}{_TMP_SUFFIX}"
        try:
            (staging / PARQUET_DIR).mkdir(parents=True)
            write(staging)
            _sync_tree(staging)
            os.rename(staging, releases / release)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _switch(publish_dir, release)
        remove_leftovers(publish_dir)


def _switch(publish_dir: Path, release: str) -> None:
    """Point ``current`` at the release, atomically, and the published paths at ``current``."""
    _link(publish_dir / CURRENT, Path(RELEASES_DIR) / release)
    for name in PUBLISHED_ENTRIES:
        path = publish_dir / name
        target = Path(CURRENT) / name
        if name == EXPORTS_DIR and not (publish_dir / RELEASES_DIR / release / name).exists():
            if path.is_symlink():
                path.unlink()  # a publication without exports has no exports link
            continue
        if path.is_symlink() and Path(os.readlink(path)) == target:
            continue
        _link(path, target)


def _link(path: Path, target: Path) -> None:
    """Make ``path`` a symbolic link to ``target`` by renaming a new link over it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}{_TMP_SUFFIX}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)  # a folder of the layout before releases: a link cannot replace it
    os.replace(tmp, path)
    _sync_dir(path.parent)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _write_metadata_table(conn: duckdb.DuckDBPyConnection, catalog: str, publication: Publication) -> None:
    conn.execute(
        f"CREATE TABLE {catalog}.marts._publication AS SELECT ? AS run_id, ? AS published_at, "
        "? AS as_of, ? AS metadata_json",
        [publication.run_id, publication.published_at, publication.as_of, json.dumps(asdict(publication))],
    )


def _write_json(path: Path, publication: Publication) -> None:
    path.write_text(json.dumps(asdict(publication), indent=2, default=str) + "\n", encoding="utf-8")


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _sync_tree(folder: Path) -> None:
    """Flush the release to disk before it is switched in (a crash never exposes a torn file)."""
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _sync_dir(folder)


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _space_errors(publish_dir: Path) -> Iterator[None]:
    """A full disk or a folder that cannot be written becomes one clear PublicationError."""
    try:
        yield
    except (OSError, duckdb.Error) as error:
        if is_out_of_space(error):
            message = out_of_space_message("publication; the last publication stays", publish_dir)
            raise PublicationError(message) from error
        if isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise PublicationError(f"cannot write the publication in {publish_dir}: {error.strerror}") from error
        raise
