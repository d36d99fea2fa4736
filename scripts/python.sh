# Sourced by setup.sh and lock.sh: set PYTHON to a Python 3.11 or 3.12 (the PYTHON variable,
# or the first of python3.11, python3, python on PATH), or exit 2 saying so as "$1: ...".
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON="$candidate"; break; fi
  done
fi
if [ -z "$PYTHON" ] || ! "$PYTHON" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
  echo "$1: Python 3.11 or 3.12 is required (set PYTHON=/path/to/python3.11)" >&2
  exit 2
fi
