#!/usr/bin/env bash
# Set up and run every test (unit, integration and end-to-end), after the linter.
# Extra arguments go to pytest (e.g. -m "not e2e" for the fast tests only).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# the Dagster UI test drives a real headless Chromium
JOURNEY_CHROMIUM="$(./scripts/install_browser.sh)"
export JOURNEY_CHROMIUM

.venv/bin/ruff check orchestration tests benchmarks
.venv/bin/python -m pytest "$@"
