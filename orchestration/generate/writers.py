"""Streaming writers: every record goes to the drop of its delivery day.

Only the current drop's files are open. Records due in a later drop (late or
duplicate deliveries, activity just after midnight) wait in small per-day buffers
until that drop is opened.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO

from .clock import Clock

CSV_HEADERS: dict[str, tuple[str, ...]] = {
    "crm/contacts": (
        "contact_id",
        "email",
        "phone",
        "first_name",
        "last_name",
        "country",
        "lifecycle_stage",
        "original_source",
        "persona",
        "created_at",
        "updated_at",
        "is_deleted",
    ),
    "crm/deals": ("deal_id", "contact_id", "deal_stage", "amount", "currency", "created_at", "closed_at", "updated_at"),
    "crm/orders": ("order_id", "contact_id", "ordered_at", "status", "amount", "currency", "updated_at"),
    "crm/subscriptions": (
        "subscription_id",
        "contact_id",
        "plan",
        "mrr",
        "currency",
        "started_at",
        "cancelled_at",
        "cancel_reason",
        "updated_at",
    ),
    "crm/nps_responses": ("response_id", "contact_id", "email", "score", "comment", "submitted_at"),
    "contact_centre/csat_surveys": ("survey_id", "contact_record_id", "score", "submitted_at"),
}


def _open_text(path: Path, compress: bool) -> IO[str]:
    if not compress:
        return open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)  # noqa: SIM115
    raw = open(path, "wb")  # noqa: SIM115
    zipped = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=3)
    return _GzipText(raw, zipped)


class _GzipText(io.TextIOWrapper):
    """Text written UTF-8 encoded into a gzip stream whose underlying file is closed with it."""

    def __init__(self, raw: IO[bytes], zipped: gzip.GzipFile) -> None:
        super().__init__(zipped, encoding="utf-8", newline="")  # type: ignore[arg-type]
        self._raw = raw

    def close(self) -> None:
        super().close()
        self._raw.close()


class NdjsonParts:
    """NDJSON lines written to ``<prefix>-0001.ndjson``, ``-0002``, ... rotating every ``lines_per_file``."""

    def __init__(self, folder: Path, prefix: str, compress: bool, lines_per_file: int) -> None:
        self.folder = folder
        self.prefix = prefix
        self.compress = compress
        self.lines_per_file = lines_per_file
        self.paths: list[Path] = []
        self.lines = 0
        self._file: IO[str] | None = None
        self._in_file = 0

    def _next_file(self) -> IO[str]:
        if self._file is not None:
            self._file.close()
        suffix = ".ndjson.gz" if self.compress else ".ndjson"
        path = self.folder / f"{self.prefix}-{len(self.paths) + 1:04d}{suffix}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.paths.append(path)
        self._file = _open_text(path, self.compress)
        self._in_file = 0
        return self._file

    def write(self, lines: Sequence[str]) -> None:
        if not lines:
            return
        f = self._file
        if f is None or self._in_file >= self.lines_per_file:
            f = self._next_file()
        f.write("".join(lines))
        self._in_file += len(lines)
        self.lines += len(lines)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class CsvFile:
    """One CSV file of a drop, created with its first row; may carry an extra unknown column."""

    def __init__(self, path: Path, header: Sequence[str], extra_column: str | None, extra_cell: Callable[[], str]):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.extra_column = extra_column
        self._extra_cell = extra_cell
        self._file = open(path, "w", encoding="utf-8", newline="", buffering=1 << 16)  # noqa: SIM115
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow([*header, extra_column] if extra_column else header)
        self.rows = 0

    def write(self, cells: Sequence[str]) -> None:
        if self.extra_column:
            self._writer.writerow([*cells, self._extra_cell()])
        else:
            self._writer.writerow(cells)
        self.rows += 1

    def close(self) -> None:
        self._file.close()


class DropFiles:
    """The open files of one drop date."""

    def __init__(self, root: Path, clock: Clock, day: int, compress: bool, lines_per_file: int) -> None:
        self.day = day
        self.name = clock.drop_date(day).isoformat()
        self.root = root
        self.web = NdjsonParts(root / "web" / self.name, "events", compress, lines_per_file)
        self.contacts = NdjsonParts(root / "contact_centre" / self.name, "contacts", compress, lines_per_file)
        self.csv: dict[str, CsvFile] = {}
        self.kept_rows: dict[str, list[Sequence[str]]] | None = None
        self.extra_paths: list[Path] = []

    def paths(self) -> list[Path]:
        return [*self.web.paths, *self.contacts.paths, *(f.path for f in self.csv.values()), *self.extra_paths]

    def close(self) -> None:
        self.web.close()
        self.contacts.close()
        for f in self.csv.values():
            f.close()


class LandingWriter:
    """Routes records to drops by delivery day and writes them; keeps the counts."""

    def __init__(
        self,
        root: Path,
        clock: Clock,
        *,
        compress: bool,
        redelivered: Iterable[int],
        csv_extra_column: Callable[[], str | None],
        extra_cell: Callable[[], str],
        lines_per_file: int = 100_000,
    ) -> None:
        self.root = root
        self.clock = clock
        self.compress = compress
        self.last_day = clock.days - 1
        self.redelivered = frozenset(redelivered)
        self._csv_extra_column = csv_extra_column
        self._extra_cell = extra_cell
        self._lines_per_file = lines_per_file
        self._pending_web: dict[int, list[str]] = {}
        self._pending_contacts: dict[int, list[str]] = {}
        self._pending_csv: dict[int, list[tuple[str, Sequence[str]]]] = {}
        self._previous: DropFiles | None = None
        self.current: DropFiles | None = None
        self.day = -1
        self.files = 0
        self.bytes = 0
        self.drops = 0
        self.web_lines = 0
        self.contact_lines = 0
        self.csv_rows: dict[str, int] = {key: 0 for key in CSV_HEADERS}
        self.extra_column_files: dict[str, int] = {}
        self.redelivered_drops = 0

    def open_day(self, day: int) -> None:
        """Open the drop of ``day`` and write what was waiting for it."""
        self.day = day
        self.current = DropFiles(self.root, self.clock, day, self.compress, self._lines_per_file)
        if day in self.redelivered:
            self.current.kept_rows = {}
        self._flush_pending(day)

    def _flush_pending(self, day: int) -> None:
        current = self.current
        assert current is not None
        web = self._pending_web.pop(day, None)
        if web:
            current.web.write(web)
        contacts = self._pending_contacts.pop(day, None)
        if contacts:
            current.contacts.write(contacts)
        for key, cells in self._pending_csv.pop(day, ()):
            self._write_csv(key, cells)

    def close_day(self) -> None:
        """Write the rest of the drop (same-day duplicates, a re-delivered previous drop) and close it."""
        current = self.current
        assert current is not None
        self._flush_pending(self.day)
        previous = self._previous
        if previous is not None and previous.day in self.redelivered:
            self._redeliver(previous, current)
        current.close()
        paths = current.paths()
        self.files += len(paths)
        self.bytes += sum(p.stat().st_size for p in paths)
        self.web_lines += current.web.lines
        self.contact_lines += current.contacts.lines
        if paths:
            self.drops += 1
        self._previous = current if current.day in self.redelivered else None
        self.current = None

    def _redeliver(self, previous: DropFiles, current: DropFiles) -> None:
        for parts, folder in ((previous.web, current.web.folder), (previous.contacts, current.contacts.folder)):
            for path in parts.paths:
                folder.mkdir(parents=True, exist_ok=True)
                stem, _, suffix = path.name.partition(".")
                prefix, _, number = stem.rpartition("-")
                copy = folder / f"{prefix}-redelivery-{previous.name}-{number}.{suffix}"
                shutil.copyfile(path, copy)
                current.extra_paths.append(copy)
        self.web_lines += previous.web.lines
        self.contact_lines += previous.contacts.lines
        assert previous.kept_rows is not None
        for key, rows in previous.kept_rows.items():
            for cells in rows:
                self._write_csv(key, cells)
        if previous.web.paths or previous.contacts.paths or previous.kept_rows:
            self.redelivered_drops += 1

    def web_lines_now(self, lines: Sequence[str]) -> None:
        """Lines due in the current drop."""
        assert self.current is not None
        self.current.web.write(lines)

    def web_line_later(self, line: str, day: int) -> bool:
        """A line due in drop ``day`` (current or later); False when past the last drop."""
        if day > self.last_day:
            return False
        self._pending_web.setdefault(day, []).append(line)
        return True

    def contact_line(self, line: str, day: int, defer: bool = False) -> bool:
        """A contact trace record due in drop ``day``; ``defer`` puts it at the end of the drop."""
        if day > self.last_day:
            return False
        if day == self.day and not defer:
            assert self.current is not None
            self.current.contacts.write((line,))
        else:
            self._pending_contacts.setdefault(day, []).append(line)
        return True

    def csv_row(self, key: str, cells: Sequence[str], day: int, defer: bool = False) -> bool:
        """A CSV row due in drop ``day``; False when past the last drop; ``defer`` puts it at the end."""
        if day > self.last_day:
            return False
        if day == self.day and not defer:
            self._write_csv(key, cells)
        else:
            self._pending_csv.setdefault(day, []).append((key, cells))
        return True

    def _write_csv(self, key: str, cells: Sequence[str]) -> None:
        current = self.current
        assert current is not None
        f = current.csv.get(key)
        if f is None:
            source, name = key.split("/")
            extra = self._csv_extra_column()
            if extra:
                self.extra_column_files[key] = self.extra_column_files.get(key, 0) + 1
            f = CsvFile(self.root / source / current.name / f"{name}.csv", CSV_HEADERS[key], extra, self._extra_cell)
            current.csv[key] = f
        f.write(cells)
        self.csv_rows[key] += 1
        if current.kept_rows is not None:
            current.kept_rows.setdefault(key, []).append(cells)
