"""Finding drops and files in the landing zone."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

from .contract import SOURCES, Entity

_DROP_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class LandedFile:
    """One delivered file of an entity in one drop."""

    path: Path
    relative_path: str
    drop_date: date

    @property
    def compressed(self) -> bool:
        return self.path.name.endswith(".gz")


def drop_dates(landing_dir: Path, source: str) -> list[date]:
    """Drop dates present for a source, sorted. Folders not named YYYY-MM-DD are ignored."""
    root = landing_dir / source
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        if child.is_dir() and _DROP_NAME.match(child.name):
            try:
                found.append(date.fromisoformat(child.name))
            except ValueError:
                continue
    return sorted(found)


def all_drop_dates(landing_dir: Path) -> list[date]:
    """Every drop date present in any source, sorted."""
    return sorted({d for source in SOURCES for d in drop_dates(landing_dir, source)})


def entity_files(landing_dir: Path, entity: Entity, drops: list[date]) -> list[LandedFile]:
    """The files of an entity in the given drops, in drop then name order."""
    files = []
    for drop in drops:
        folder = landing_dir / entity.source / drop.isoformat()
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and any(fnmatch(path.name, g) for g in entity.file_globs):
                files.append(
                    LandedFile(
                        path=path,
                        relative_path=path.relative_to(landing_dir).as_posix(),
                        drop_date=drop,
                    )
                )
    return files


def drop_signature(landing_dir: Path, source: str, drop: date) -> str | None:
    """A fingerprint of a drop folder (names, sizes and modification times of its files), or
    None when the folder is absent. A re-delivered or edited drop gets a new signature."""
    folder = landing_dir / source / drop.isoformat()
    if not folder.is_dir():
        return None
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def landing_signatures(landing_dir: Path) -> dict[tuple[str, date], str]:
    """The signature of every drop folder of every source."""
    signatures = {}
    for source in SOURCES:
        for drop in drop_dates(landing_dir, source):
            signature = drop_signature(landing_dir, source, drop)
            if signature is not None:
                signatures[(source, drop)] = signature
    return signatures


def contiguous_ranges(drops: list[date]) -> list[tuple[date, date]]:
    """Sorted dates grouped into runs of consecutive days, as (first, last) pairs."""
    ranges: list[tuple[date, date]] = []
    for drop in sorted(set(drops)):
        if ranges and (drop - ranges[-1][1]).days == 1:
            ranges[-1] = (ranges[-1][0], drop)
        else:
            ranges.append((drop, drop))
    return ranges
