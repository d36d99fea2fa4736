#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the project with its dev tools, at the exact
# versions pinned in requirements.lock (refreshed by scripts/lock.sh).
# Re-running is cheap: nothing is reinstalled while requirements.lock and pyproject.toml are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/python.sh setup

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $("$PYTHON" --version)" >&2
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.journey-installed
wanted=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "setup: installing the project and the versions pinned in requirements.lock into .venv" >&2
  # the lock pins pip too: take its pip first, then everything else (one resolution: a pin that
  # no longer satisfies pyproject.toml fails here; run ./scripts/lock.sh to refresh the lock)
  .venv/bin/python -m pip install --quiet "$(grep -i '^pip==' requirements.lock)"
  .venv/bin/python -m pip install --quiet -r requirements.lock -e ".[dev]"
  echo "$wanted" > "$stamp"
fi
