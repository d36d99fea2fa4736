"""The dbt manifest when several processes need it at once, as on a fresh clone: a run, the
Dagster UI's code server and the test workers all ask for it while it does not exist yet."""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.defs.dbt.project import PROJECT_DIR, ensure_manifest

PROCESSES = 3


def _ensure(target: str) -> str:
    project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR, target_path=target)
    return str(ensure_manifest(project))


def test_processes_asking_at_once_never_see_a_half_written_manifest(tmp_path: Path) -> None:
    target = tmp_path / "target"
    manifest = target / "manifest.json"
    unreadable: list[str] = []
    reads = 0
    done = threading.Event()

    def read_while_parsing() -> None:
        nonlocal reads
        while not done.is_set():
            try:
                text = manifest.read_bytes()
            except FileNotFoundError:
                time.sleep(0.01)
                continue
            reads += 1
            try:
                json.loads(text)
            except ValueError as error:
                unreadable.append(f"{len(text)} bytes: {error}")

    reader = threading.Thread(target=read_while_parsing)
    reader.start()
    try:
        with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
            paths = pool.map(_ensure, [str(target)] * PROCESSES)
    finally:
        done.set()
        reader.join()

    assert paths == [str(manifest)] * PROCESSES
    assert unreadable == []
    assert reads > 0
    assert json.loads(manifest.read_bytes())["metadata"]["project_name"] == "customer_journey"
    # the parse's own folders are gone: the manifest, dbt's saved parse and the semantic manifest
    # (MetricFlow's `mf` reads it) are what is left
    assert sorted(p.name for p in target.iterdir() if not p.name.startswith(".")) == [
        "manifest.json",
        "partial_parse.msgpack",
        "semantic_manifest.json",
    ]
