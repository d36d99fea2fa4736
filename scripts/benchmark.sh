#!/usr/bin/env bash
# Set up, then measure the pipeline at scales S, M and L against the bare-DuckDB limit.
# Writes benchmarks/results.json, BENCHMARKS.md and benchmarks/time_vs_scale.svg.
# Extra arguments go to `python -m benchmarks` (e.g. --scales S,M).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/python -m benchmarks "$@"
