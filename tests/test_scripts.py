"""The README's commands and the scripts behind them, as a new user runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from orchestration.ingestion import connect
from orchestration.ingestion.landing import all_drop_dates

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo")]


def test_demo_generates_runs_and_lists_the_warehouse(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    env = {
        **os.environ,
        "JOURNEY_LANDING_DIR": str(tmp_path / "landing"),
        "JOURNEY_DUCKDB_PATH": str(warehouse),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    done = subprocess.run(
        [str(ROOT / "scripts" / "demo.sh"), "--customers", "40", "--days", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    listed = dict(re.findall(r"^\s+(\w+\.\w+)\s+([\d,]+) rows$", done.stdout, flags=re.MULTILINE))
    conn = connect(warehouse, read_only=True)
    try:
        for name in ("marts.fct_customer_journey", "raw.web_events", "raw.quarantine"):
            assert int(listed[name].replace(",", "")) == conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    finally:
        conn.close()
    assert int(listed["marts.fct_customer_journey"].replace(",", "")) > 0
    # the sample drops end yesterday, so the demo looks current in the Dagster UI
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    assert all_drop_dates(tmp_path / "landing") == [yesterday - timedelta(days=n) for n in (2, 1, 0)]

    # the README's read-only commands, word for word, in a checkout whose data/ is this demo's
    checkout = tmp_path / "checkout"
    (checkout / "data").mkdir(parents=True)
    (checkout / "data" / "published").symlink_to(tmp_path / "published")
    (checkout / ".venv").symlink_to(ROOT / ".venv")
    commands = _readme_block_after("Connect a BI tool, the DuckDB shell or Python read-only:")
    assert [c.split()[0] for c in commands] == [".venv/bin/duckdb", ".venv/bin/python"]
    outputs = []
    for command in commands:
        ran = subprocess.run(["bash", "-c", command], cwd=checkout, capture_output=True, text=True, timeout=120)
        assert ran.returncode == 0, ran.stderr
        outputs.append(ran.stdout)
    assert "nps" in outputs[0] and "csat_pct" in outputs[0]
    assert "awareness" in outputs[1] and "customers" in outputs[1]


def _readme_block_after(marker: str) -> list[str]:
    """The lines of the first code block after ``marker`` in README.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme[readme.index(marker) :], flags=re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def _locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def test_lock_pins_every_dependency_within_pyproject_ranges() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]
    pins = _locked()
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run ./scripts/lock.sh"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement}: run ./scripts/lock.sh"
        )
    for tool in ("ruff", "pytest", "pytest-xdist"):
        assert tool in pins


def test_setup_installed_the_locked_versions() -> None:
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    pins = _locked()
    different = {
        name: (version, installed.get(name)) for name, version in pins.items() if installed.get(name) != version
    }
    assert not different, f"locked vs installed: {different}"
    unpinned = set(installed) - set(pins) - {canonicalize_name("customer-journey-warehouse")}
    assert not unpinned, f"installed but not in requirements.lock: {sorted(unpinned)}"


def test_setup_again_installs_nothing() -> None:
    done = subprocess.run([str(ROOT / "scripts" / "setup.sh")], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "installing" not in done.stderr


def test_building_the_package_warns_of_nothing_deprecated(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    output = done.stdout + done.stderr
    assert "deprecat" not in output.lower(), output[-3000:]
    assert list(tmp_path.glob("customer_journey_warehouse-*.whl"))


def test_the_test_command_announces_its_phases_and_shows_progress() -> None:
    # any executable stands for Chromium here: no test of this run drives it
    env = {**os.environ, "JOURNEY_CHROMIUM": "/bin/true"}
    done = subprocess.run(
        [str(ROOT / "scripts" / "test.sh"), "-n", "0", "tests/test_dbt_sources.py"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    phases = re.findall(r"^test: \[(\d)/5\] (.*)$", done.stderr, flags=re.MULTILINE)
    assert [n for n, _ in phases] == ["1", "2", "3", "4", "5"], done.stderr
    assert re.search(r"about \d+ minutes", phases[4][1])
    # pytest names each test as it finishes
    assert re.search(r"^tests/test_dbt_sources\.py::test_sources_match_raw_tables PASSED", done.stdout, re.MULTILINE)


def test_readme_states_at_the_top_the_system_packages_the_test_command_installs() -> None:
    packages = []
    for name in ("install_browser.sh", "postgres.sh", "spark.sh"):
        script = (ROOT / "scripts" / name).read_text(encoding="utf-8")
        installs = re.findall(r"^\s*apt_install \S+ (.*)$", script, flags=re.MULTILINE)
        assert len(installs) == 1, name
        packages += installs[0].split()
    assert packages == ["chromium", "fonts-liberation", "postgresql", "openjdk-17-jre-headless"]
    top = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ")[0]
    assert "apt-get" in top
    for package in packages:
        assert f"`{package}`" in top
