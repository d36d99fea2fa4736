"""Same arguments, same bytes; another seed, other data; gzip changes the encoding only."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import asdict
from datetime import date
from pathlib import Path

from orchestration.generate import generate_landing_zone

SMALL = {"customers": 250, "days": 14, "start": date(2026, 3, 2)}


def tree(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``root``."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = generate_landing_zone(tmp_path / "a", seed=7, **SMALL)
    second = generate_landing_zone(tmp_path / "b", seed=7, **SMALL)
    files = tree(tmp_path / "a")
    assert len(files) > 40
    assert files == tree(tmp_path / "b")
    assert {k: v for k, v in asdict(first).items() if k != "seconds"} == {
        k: v for k, v in asdict(second).items() if k != "seconds"
    }


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    generate_landing_zone(tmp_path / "a", seed=7, **SMALL)
    generate_landing_zone(tmp_path / "b", seed=8, **SMALL)
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    common = set(a) & set(b)
    assert common
    assert all(a[name] != b[name] for name in common if "/web/" in f"/{name}")
    assert sum(a[name] != b[name] for name in common) > 0.9 * len(common)


def test_gzip_is_deterministic_and_holds_the_plain_content(tmp_path: Path) -> None:
    generate_landing_zone(tmp_path / "plain", seed=3, **SMALL)
    generate_landing_zone(tmp_path / "gz1", seed=3, gzip=True, **SMALL)
    generate_landing_zone(tmp_path / "gz2", seed=3, gzip=True, **SMALL)
    zipped = tree(tmp_path / "gz1")
    assert zipped == tree(tmp_path / "gz2")
    plain = tree(tmp_path / "plain")
    assert {name.removesuffix(".gz") for name in zipped} == set(plain)
    compressed = [name for name in zipped if name.endswith(".ndjson.gz")]
    assert compressed and all(not name.endswith(".ndjson") for name in zipped)
    for name in zipped:
        data = (tmp_path / "gz1" / name).read_bytes()
        if name.endswith(".gz"):
            assert data[:2] == b"\x1f\x8b"
            assert data[4:8] == b"\x00\x00\x00\x00", "gzip mtime must be 0"
            assert not data[3] & 0x08, "no file name in the gzip header"
            data = gzip.decompress(data)
        assert data == (tmp_path / "plain" / name.removesuffix(".gz")).read_bytes(), name
