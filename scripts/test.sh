#!/usr/bin/env bash
# Set up and run every test (unit, integration and end-to-end), after the linter, in five
# announced phases. About 24 minutes on 2 cores (306 tests), nearly all of it in pytest, which prints
# a line per test as it finishes. Extra arguments go to pytest (e.g. -m "not e2e" for the quick
# set: 4 minutes on 2 busy cores).
set -euo pipefail
cd "$(dirname "$0")/.."

phase() { echo "test: [$1/5] $2 (${SECONDS} s so far)" >&2; }

phase 1 "setup: .venv with the versions pinned in requirements.lock"
./scripts/setup.sh
phase 2 "Chromium for the Dagster UI test (scripts/install_browser.sh: Debian's chromium, with apt-get when missing)"
# the Dagster UI test drives a real headless Chromium
JOURNEY_CHROMIUM="$(./scripts/install_browser.sh)"
export JOURNEY_CHROMIUM
phase 3 "PostgreSQL and Java for the engine tests (scripts/postgres.sh install, scripts/spark.sh install: Debian's postgresql and openjdk-17-jre-headless, with apt-get when missing)"
./scripts/postgres.sh install
./scripts/spark.sh install
phase 4 "ruff: lint and format"
.venv/bin/ruff check orchestration tests benchmarks
.venv/bin/ruff format --check orchestration tests benchmarks
phase 5 "pytest: every test on 2 workers, about 23 minutes on 2 cores; a line per test as it finishes"
exec .venv/bin/python -m pytest -v "$@"
