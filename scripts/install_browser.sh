#!/usr/bin/env bash
# Install the headless Chromium the UI test drives (Debian's chromium package).
# Prints the browser's path. Does nothing when a Chromium is already there; set
# JOURNEY_CHROMIUM=/path/to/chromium to use another one.
set -euo pipefail

find_chromium() {
  if [ -n "${JOURNEY_CHROMIUM:-}" ]; then
    [ -x "$JOURNEY_CHROMIUM" ] && { echo "$JOURNEY_CHROMIUM"; return 0; }
    echo "install_browser: JOURNEY_CHROMIUM=$JOURNEY_CHROMIUM is not an executable" >&2
    exit 2
  fi
  for name in chromium chromium-browser; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  done
  return 1
}

if find_chromium; then exit 0; fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_browser: no chromium found and no apt-get to install it;" \
       "install Chromium and set JOURNEY_CHROMIUM to its path" >&2
  exit 2
fi
# shellcheck source=scripts/debian.sh
source "${BASH_SOURCE[0]%/*}/debian.sh"
apt_install install_browser chromium fonts-liberation
find_chromium
