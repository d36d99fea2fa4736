"""Finding drops and files in the landing zone."""

from __future__ import annotations

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
