"""A database of its own on the project's local PostgreSQL server, for the engine tests."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2

from orchestration.handoff import postgres_dsn

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "postgres.sh"


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """Start the server of scripts/postgres.sh when it is not running (and stop it after then),
    create a database ``<prefix>_<pid>`` and yield its name; drop it after."""
    was_running = subprocess.run([SCRIPT, "status"], capture_output=True).returncode == 0
    started = subprocess.run([SCRIPT, "start"], capture_output=True, text=True, timeout=900)
    assert started.returncode == 0, started.stderr
    name = f"{prefix}_{os.getpid()}"
    admin = psycopg2.connect(postgres_dsn({"JOURNEY_POSTGRES_DATABASE": "postgres"}))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name}")
        cur.execute(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
        if not was_running:
            subprocess.run([SCRIPT, "stop"], capture_output=True, timeout=120)
