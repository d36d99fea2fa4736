"""The headless Chromium the browser tests drive: Debian's chromium, installed by
scripts/install_browser.sh (the README's test command runs it), or ``JOURNEY_CHROMIUM``."""

from __future__ import annotations

import os
import shutil

import pytest


def chromium() -> str:
    configured = os.environ.get("JOURNEY_CHROMIUM")
    found = configured or shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "no Chromium: run scripts/install_browser.sh (the README's test command does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
