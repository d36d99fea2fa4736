"""Finding drops and files in the landing zone.

Only what lies inside the landing zone is read: a file, drop folder or source folder whose real
path (symbolic links resolved) is outside it is left out and reported by ``landing_warnings``.
Folders of a source that are not valid drop dates are reported too, with what they hold.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import zlib
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

from .contract import SOURCES, Entity

_DROP_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class LandedFile:
    """One delivered file of an entity in one drop.

    path: the file's path in the landing zone; real_path: where it really is (links resolved,
    always inside the landing zone), the path every reader opens.
    """

    path: Path
    relative_path: str
    drop_date: date
    real_path: Path

    @property
    def compressed(self) -> bool:
        return self.path.name.endswith(".gz")


def inside(path: Path, landing_dir: Path) -> bool:
    """Whether ``path``, links resolved, lies inside the landing zone."""
    try:
        return path.resolve().is_relative_to(landing_dir.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def _drop_date(name: str) -> date | None:
    if not _DROP_NAME.match(name):
        return None
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None


def drop_dates(landing_dir: Path, source: str) -> list[date]:
    """Drop dates present for a source, sorted. Folders not named after a real date (YYYY-MM-DD)
    and folders outside the landing zone are left out (``landing_warnings`` lists them)."""
    root = landing_dir / source
    if not root.is_dir() or not inside(root, landing_dir):
        return []
    found = []
    for child in root.iterdir():
        drop = _drop_date(child.name)
        if drop is not None and child.is_dir() and inside(child, landing_dir):
            found.append(drop)
    return sorted(found)


def all_drop_dates(landing_dir: Path) -> list[date]:
    """Every drop date present in any source, sorted."""
    return sorted({d for source in SOURCES for d in drop_dates(landing_dir, source)})


def entity_files(landing_dir: Path, entity: Entity, drops: list[date]) -> list[LandedFile]:
    """The files of an entity in the given drops, in drop then name order."""
    files = []
    for drop in drops:
        folder = landing_dir / entity.source / drop.isoformat()
        if not folder.is_dir() or not inside(folder, landing_dir):
            continue
        for path in sorted(folder.iterdir()):
            if not any(fnmatch(path.name, g) for g in entity.file_globs):
                continue
            if path.is_file() and inside(path, landing_dir):
                files.append(
                    LandedFile(
                        path=path,
                        relative_path=path.relative_to(landing_dir).as_posix(),
                        drop_date=drop,
                        real_path=path.resolve(),
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


def _line_count(path: Path) -> int | None:
    """Lines of a file (a last line without a newline counts), or None when it cannot be read."""
    opener = gzip.open if path.name.endswith(".gz") else open
    lines, last = 0, b"\n"
    try:
        with opener(path, "rb") as fh:  # type: ignore[operator]
            while chunk := fh.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except (OSError, EOFError, zlib.error):
        return None
    return lines + (last != b"\n")


def _folder_contents(folder: Path, landing_dir: Path) -> str:
    files = lines = unreadable = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if inside(Path(dirpath) / d, landing_dir)]
        for name in filenames:
            path = Path(dirpath) / name
            if not path.is_file() or not inside(path, landing_dir):
                continue
            files += 1
            count = _line_count(path)
            if count is None:
                unreadable += 1
            else:
                lines += count
    text = f"{files} file{'s' if files != 1 else ''}, {lines:,} line{'s' if lines != 1 else ''}"
    return text + (f" ({unreadable} unreadable)" if unreadable else "")


def _outside(path: Path, landing_dir: Path) -> str:
    try:
        target = str(path.resolve())
    except (OSError, RuntimeError):
        target = "a link loop"
    kind = "a link" if path.is_symlink() else "a path"
    return f"{path.relative_to(landing_dir).as_posix()} is {kind} to {target}, outside the landing zone: not read"


def landing_warnings(landing_dir: Path) -> list[str]:
    """What the landing zone holds that is not loaded, one line each: source folders, drop
    folders and files whose real path is outside the landing zone (never read), and folders
    of a source that are not named after a real drop date, with their file and line counts."""
    warnings: list[str] = []
    if not landing_dir.is_dir():
        return warnings
    for source in SOURCES:
        root = landing_dir / source
        if not (root.is_dir() or root.is_symlink()):
            continue
        if not inside(root, landing_dir):
            warnings.append(_outside(root, landing_dir))
            continue
        for child in sorted(root.iterdir()):
            if child.name.startswith("."):
                continue
            if not inside(child, landing_dir):
                warnings.append(_outside(child, landing_dir))
            elif child.is_dir() and _drop_date(child.name) is None:
                warnings.append(
                    f"{source}/{child.name} is not a drop date (a real date, YYYY-MM-DD): "
                    f"{_folder_contents(child, landing_dir)} not loaded"
                )
            elif child.is_dir():
                warnings.extend(_outside(p, landing_dir) for p in sorted(child.iterdir()) if not inside(p, landing_dir))
    return warnings
