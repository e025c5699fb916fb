"""Shared tools for the reliability tests: run the real `handoff` in a child
process against the test's store, and inspect a store from the outside.
(tests/reliability/conftest.py puts this folder on sys.path.)"""

from __future__ import annotations

import json
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


def rows(db: Path) -> dict[str, list]:
    """Every row of every table (alembic_version included), straight from the file."""
    conn = sqlite3.connect(str(db))
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in names}
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


# The statement killer: one warm child process imports handoff once, then for
# each job (N, store) forks a process that runs `handoff ARGS` on that store and
# SIGKILLs itself right after its N-th statement that changes the store (N=0:
# never). It reports, per job, how the forked process ended and how many write
# statements it had made.
KILLER = r"""
import json, os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
import alembic.command, handoff_cli.store.models, handoff_cli.commands.accounts  # warm: the forks start fast
from handoff_cli.cli import app

if os.environ.get("RELIABILITY_MIGRATIONS"):  # a test's own migrations folder, with a future revision
    import handoff_cli, handoff_cli.store
    from pathlib import Path
    handoff_cli.store.migrations_dir = lambda: Path(os.environ["RELIABILITY_MIGRATIONS"])
    handoff_cli.SCHEMA_HEAD = handoff_cli.store.SCHEMA_HEAD = os.environ["RELIABILITY_HEAD"]

WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER")
state = {"n": 0, "seen": 0}

@event.listens_for(Engine, "after_cursor_execute")
def _after(conn, cursor, statement, params, context, executemany):
    if statement.lstrip().upper().startswith(WRITES):
        state["seen"] += 1
        if state["seen"] == state["n"]:
            os.kill(os.getpid(), signal.SIGKILL)

jobs, args = json.loads(sys.argv[1]), sys.argv[2:]
out = []
for n, db in jobs:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.environ["HANDOFF_DB"] = db
        state["n"] = n
        try:
            code = app(args, standalone_mode=False, prog_name="handoff") or 0
        except BaseException:
            code = 99
        os.write(w, str(state["seen"]).encode())
        os._exit(code)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    seen = os.read(r, 64).decode()
    os.close(r)
    out.append({"n": n, "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0,
                "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                "statements": int(seen) if seen else None})
print(json.dumps(out))
"""


def kill_runs(jobs: list[tuple[int, Path]], *args: str, **env: str) -> list[dict]:
    """Run `handoff ARGS` once per (N, store) job, each killed after its N-th write statement."""
    result = subprocess.run(
        [sys.executable, "-c", KILLER, json.dumps([(n, str(db)) for n, db in jobs]), *args],
        env=child_env(jobs[0][1], **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
