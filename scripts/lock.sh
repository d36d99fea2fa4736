#!/usr/bin/env bash
# Refresh requirements.lock: resolve pyproject.toml's dependencies and dev tools afresh in a
# throw-away virtual environment, and pin the exact version of every package installed there.
# Run it after changing the dependencies in pyproject.toml (or to take newer releases), then
# ./scripts/setup.sh installs the new pins. Resolved on Linux with Python 3.11.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/python.sh lock

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "lock: resolving pyproject.toml with $("$PYTHON" --version) in a fresh environment" >&2
"$PYTHON" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --upgrade pip
"$scratch/venv/bin/python" -m pip install --quiet ".[dev]"
{
  echo "# Exact versions of every package the project and its dev tools install (Linux, Python 3.11)."
  echo "# Installed by scripts/setup.sh; refreshed by scripts/lock.sh from pyproject.toml. Do not edit."
  "$scratch/venv/bin/python" -m pip freeze --all --exclude customer-journey-warehouse | LC_ALL=C sort -f -t= -k1,1
} > requirements.lock.new
mv requirements.lock.new requirements.lock
echo "lock: wrote requirements.lock ($(grep -c '==' requirements.lock) packages)" >&2
