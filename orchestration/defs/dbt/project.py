"""Where the dbt project lives and how its manifest is kept up to date."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from orchestration.engines import DEFAULT_ENGINE

PROJECT_DIR = Path(os.environ.get("JOURNEY_DBT_PROJECT_DIR") or Path(__file__).resolve().parents[3])
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
# what a parse leaves in target/ beside the manifest, for the next parse and for MetricFlow's `mf`
PARSE_ARTIFACTS = (PARTIAL_PARSE_FILE, "semantic_manifest.json")
_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/dbt")


def dbt_executable() -> str:
    """dbt next to the running Python (the project's virtualenv), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else shutil.which("dbt") or "dbt"


class JourneyDbtCli(DbtCliResource):
    """dagster-dbt's dbt resource without two costs of each invocation that the project does not use.

    - dagster-dbt runs ``dbt --version`` once per resource, so once per run: a whole dbt process
      start (seconds) that also looks up the latest release online. The dbt next to the running
      Python is the dbt-core installed with it; any other executable is still asked.
    - Before each invocation it loads the profile and the adapter in this process (seconds: dbt's
      adapter and its plugins are imported, the project read). That handle serves only the
      optional column and row-count metadata (``fetch_column_metadata``, ``fetch_row_counts``),
      which the project does not ask for; dbt's own process loads its adapter as always.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable) == Path(sys.executable).parent / "dbt":
            return version.parse(installed_version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def dbt_cli(project: DbtProject, engine: str = DEFAULT_ENGINE) -> DbtCliResource:
    """dbt on the project, building on ``engine``: the profile target of the same name."""
    return JourneyDbtCli(project_dir=project, dbt_executable=dbt_executable(), target=engine)


def dbt_project() -> DbtProject:
    return DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


def target_dir(project: DbtProject) -> Path:
    """The project's ``target/`` folder, whatever the current directory."""
    return project.project_dir / project.target_path


def _newest_source_mtime(root: Path) -> float:
    newest = 0.0
    for name in _SOURCES:
        path = root / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            for child in path.rglob("*"):
                if child.is_file():
                    newest = max(newest, child.stat().st_mtime)
    return newest


def _stale(manifest: Path, project_dir: Path) -> bool:
    return not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(project_dir)


def ensure_manifest(project: DbtProject) -> Path:
    """Parse the project when its manifest is missing or older than a model, macro or seed.

    Many processes may ask at once (a run, ``journey dev``'s code server, the UI): one parses, under
    a lock, into a folder of its own, and each file it wrote that others read (the manifest, the
    semantic manifest, dbt's saved parse) replaces the old one in one rename, so a reader never
    sees a half-written file.
    """
    manifest = project.manifest_path
    if not _stale(manifest, project.project_dir):
        return manifest
    target = target_dir(project)
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _stale(manifest, project.project_dir):
            with tempfile.TemporaryDirectory(prefix="parse-", dir=target) as scratch:
                scratch = Path(scratch)
                if (target / PARTIAL_PARSE_FILE).exists():
                    shutil.copyfile(target / PARTIAL_PARSE_FILE, scratch / PARTIAL_PARSE_FILE)
                dbt_cli(project).cli(["parse", "--quiet"], target_path=scratch).wait()
                # the manifest last: its date is what says the others are up to date
                for name in (*PARSE_ARTIFACTS, manifest.name):
                    if (scratch / name).exists():
                        os.replace(scratch / name, target / name)
    return manifest
