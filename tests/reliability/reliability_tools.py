"""Shared tools for the reliability tests: run the real `handoff` in a child
process against the test's store, and inspect a store from the outside.
(tests/reliability/conftest.py puts this folder on sys.path.)"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

HANDOFF = [sys.executable, "-m", "handoff_cli"]

# every table a store at schema 0001 holds, in dependency order
TABLES = ("account", "assignment", "milestone", "slip", "success_plan", "plan_criterion", "event", "handover")


def child_env(db: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["HANDOFF_DB"] = str(db)
    env.setdefault("HANDOFF_TODAY", "2026-06-01")
    env["NO_COLOR"] = "1"
    env.pop("HANDOFF_DEBUG", None)
    env.update(extra)
    return env


def run_handoff(db: Path, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """`handoff ARGS` in a child process, as cron or a second terminal would run it."""
    return subprocess.run(
        [*HANDOFF, *map(str, args)], env=child_env(db, **env), capture_output=True, text=True, timeout=timeout
    )


def integrity(db: Path) -> tuple[str, list]:
    """(PRAGMA integrity_check, PRAGMA foreign_key_check) of a store file."""
    conn = sqlite3.connect(str(db))
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        fks = conn.execute("PRAGMA foreign_key_check").fetchall()
        return ok, fks
    finally:
        conn.close()


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    finally:
        conn.close()


def has_command(*path: str) -> bool:
    """Whether the app has this command (other commands arrive over time)."""
    import typer.main

    from handoff_cli.cli import app

    cmd = typer.main.get_command(app)
    for part in path:
        if not hasattr(cmd, "get_command"):
            return False
        cmd = cmd.get_command(None, part)
        if cmd is None:
            return False
    return True
