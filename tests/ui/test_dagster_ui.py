"""The Dagster UI in a real headless Chromium: `journey dev` starts the webserver and the
daemon, and the UI lists the journey's assets, the checks of the journey fact table, the
schedule and the sensors.

The browser is Debian's chromium, installed by scripts/install_browser.sh (the README's
test command runs it). The expected names come from the project's definitions, not from a
list kept here.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import build_definitions
from orchestration.settings import Settings
from tests.ui.browser import chromium as chromium_path

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("dagster_ui")]

PROJECT_DIR = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 240
RUN_SECONDS = 300
PAGE_TIMEOUT_MS = 90_000
FACT_TABLE = ("marts", "fct_customer_journey")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _wait_until_up(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"journey dev exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{base_url}/server_info", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"the Dagster webserver did not answer within {STARTUP_SECONDS} s:\n{_tail(log)}")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("ui")
    landing = root / "landing"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "generate",
            "--out",
            str(landing),
            "--customers",
            "20",
            "--days",
            "2",
        ],
        check=True,
        capture_output=True,
    )
    return Settings(landing_dir=landing, duckdb_path=root / "warehouse.duckdb")


@pytest.fixture(scope="module")
def dev_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the console output of `journey dev` goes (a file: not a terminal)."""
    return tmp_path_factory.mktemp("ui-log") / "journey-dev.log"


@pytest.fixture(scope="module")
def dagster_ui(settings: Settings, dev_log: Path) -> Iterator[str]:
    """`journey dev` on the sample landing zone; the UI's base URL."""
    port = _free_port()
    log = dev_log
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNEY_", "DAGSTER_"))}
    command = [
        sys.executable,
        "-m",
        "orchestration.cli",
        "dev",
        "--landing",
        str(settings.landing_dir),
        "--warehouse",
        str(settings.duckdb_path),
        "--port",
        str(port),
    ]
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process, log)
        yield base_url
    finally:
        # dagster dev runs the webserver, the daemon and the code server as children
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def browser(dagster_ui: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


def _page_text(browser, url: str, wait_for: str, height: int = 1000) -> str:
    """The visible text of ``url`` once ``wait_for`` shows. The asset list renders only the
    rows in view: a tall window shows them all."""
    page = browser.new_page(viewport={"width": 1600, "height": height})
    try:
        page.goto(url)
        page.get_by_text(wait_for, exact=True).first.wait_for(timeout=PAGE_TIMEOUT_MS)
        return page.inner_text("body")
    finally:
        page.close()


def test_the_catalog_lists_every_journey_asset(settings: Settings, dagster_ui: str, browser) -> None:
    keys = build_definitions(settings).resolve_all_asset_keys()
    labels = sorted(" / ".join(key.path) for key in keys)
    assert " / ".join(FACT_TABLE) in labels and "raw / web_events" in labels

    text = _page_text(browser, f"{dagster_ui}/assets?view=flat", " / ".join(FACT_TABLE), height=150 * len(labels))

    missing = [label for label in labels if label not in text]
    assert not missing, f"assets not listed in the UI: {missing}"


def test_the_fact_table_shows_its_checks(settings: Settings, dagster_ui: str, browser) -> None:
    graph = build_definitions(settings).resolve_asset_graph()
    checks = sorted(k.name for k in graph.asset_check_keys if tuple(k.asset_key.path) == FACT_TABLE)
    assert "gx_fct_customer_journey" in checks
    assert "unique_combination_fct_customer_journey_customer_key__stage" in checks

    text = _page_text(browser, f"{dagster_ui}/assets/{'/'.join(FACT_TABLE)}?view=checks", "gx_fct_customer_journey")

    assert f"Checks ({len(checks)})" in text
    missing = [name for name in checks if name not in text]
    assert not missing, f"checks of {'.'.join(FACT_TABLE)} not shown: {missing}"


def test_automation_lists_the_schedule_and_sensors(settings: Settings, dagster_ui: str, browser) -> None:
    defs = build_definitions(settings)
    names = sorted([s.name for s in defs.schedules or []] + [s.name for s in defs.sensors or []])
    assert {"daily_schedule", "new_drop_sensor", "run_failure_alert"} <= set(names)

    text = _page_text(browser, f"{dagster_ui}/automation", "new_drop_sensor")

    missing = [name for name in names if name not in text]
    assert not missing, f"schedules or sensors not listed in the UI: {missing}"


def test_journey_dev_logs_the_runs_it_starts_at_info(settings: Settings, dagster_ui: str, dev_log: Path) -> None:
    # the new-drop sensor finds the sample drops unloaded and starts an ingest run
    deadline = time.monotonic() + RUN_SECONDS
    finished: list = []
    with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        while not finished and time.monotonic() < deadline:
            finished = instance.get_runs(
                filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE])
            )
            time.sleep(5)
    assert finished, f"no run finished within {RUN_SECONDS} s:\n{_tail(dev_log)}"
    console = dev_log.read_text(encoding="utf-8", errors="replace")
    assert finished[0].run_id in console  # the run's events reach the console...
    assert " - DEBUG - " not in console  # ...at INFO and above
    assert "\x1b[" not in console  # and without colour codes, the console being a file
