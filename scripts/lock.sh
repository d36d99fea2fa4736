#!/usr/bin/env bash
# Refresh requirements.lock: resolve pyproject.toml's dependencies and dev tools afresh in a
# throw-away virtual environment, and pin the exact version of every package installed there.
# Run it after changing the dependencies in pyproject.toml (or to take newer releases), then
# ./scripts/setup.sh installs the new pins. Resolved on Linux with Python 3.11.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON="$candidate"; break; fi
  done
fi
if [ -z "$PYTHON" ] || ! "$PYTHON" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
  echo "lock: Python 3.11 or 3.12 is required (set PYTHON=/path/to/python3.11)" >&2
  exit 2
fi

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
