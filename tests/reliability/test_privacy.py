"""Privacy (PRODUCT.md section 7): the store and every copy of it are readable by
their owner only; a PostgreSQL password is never printed; and no command leaves
customer data anywhere but the store and the files the user names."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_tools import child_env, kill_runs, run_handoff

PRIVATE = 0o600


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The most permissive umask: modes must come from handoff, not from the user's umask."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.mark.sqlite_only
def test_store_wal_and_shm_are_private(tmp_path, open_umask):
    db = tmp_path / "handoff.db"
    made = run_handoff(db, "account", "add", "Acme", "--signed", "2026-01-05")
    assert made.returncode == 0, made.stderr
    assert _mode(db) == PRIVATE
    # a writer killed mid-transaction leaves its -wal and -shm behind, as handoff created them
    (run,) = kill_runs([(1, db)], "event", "log", "Acme", "note", "--note", "private")
    assert run["signal"] == signal.SIGKILL, run
    wal, shm = db.with_name("handoff.db-wal"), db.with_name("handoff.db-shm")
    assert wal.exists() and shm.exists()
    assert (_mode(wal), _mode(shm)) == (PRIVATE, PRIVATE)


@pytest.mark.sqlite_only
def test_backups_and_exports_are_private(tmp_path, open_umask):
    db = tmp_path / "store" / "handoff.db"
    made = run_handoff(db, "account", "add", "Acme", "--signed", "2026-01-05")
    assert made.returncode == 0, made.stderr
    out = tmp_path / "out"
    out.mkdir()
    backup = run_handoff(db, "db", "backup", out / "copy.db")
    assert backup.returncode == 0, backup.stderr
    exported = run_handoff(db, "export", "--output", out / "all.jsonl")
    assert exported.returncode == 0, exported.stderr
    # an export over a file the user had made world-readable ends up private too
    old = out / "old.jsonl"
    old.write_text("stale\n")
    old.chmod(0o644)
    again = run_handoff(db, "export", "--output", old, "--force")
    assert again.returncode == 0, again.stderr
    assert '"Acme"' in old.read_text()
    files = sorted(p.name for p in out.iterdir())
    assert set(files) >= {"copy.db", "all.jsonl", "old.jsonl"}
    assert {name: _mode(out / name) for name in files} == {name: PRIVATE for name in files}
    # (the automatic pre-upgrade backup: test_upgrades.py asserts its 0600 mode)


SECRET = "s3cret"
PG_URL = f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/db"
_PG_COMMANDS = [
    ["account", "list"],
    ["account", "add", "Acme", "--signed", "2026-01-05"],
    ["status"],
    ["report", "breaches"],
    ["db", "path"],
    ["db", "upgrade"],
    ["db", "check"],
    ["export"],
]


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
def test_postgres_password_is_never_printed(handoff, monkeypatch, debug):
    monkeypatch.setenv("HANDOFF_DB", PG_URL)
    monkeypatch.setenv("HANDOFF_BUSY_TIMEOUT", "2")
    seen = 0
    for args in _PG_COMMANDS:
        for how in ("env", "--db"):
            argv = (["--debug"] if debug else []) + (["--db", PG_URL] if how == "--db" else []) + args
            result = handoff(*argv)
            output = result.stdout + result.stderr
            assert SECRET not in output, (argv, output[-2000:])
            if args != ["db", "path"]:
                assert result.exit_code != 0, argv  # nothing listens on port 1
                if not debug:
                    lines = result.stderr.strip().splitlines()
                    assert len(lines) == 1 and lines[0].startswith("handoff: "), (argv, result.stderr)
            else:
                assert result.stdout.strip() == "postgresql+psycopg://u:***@127.0.0.1:1/db"
            seen += 1
    assert seen == 2 * len(_PG_COMMANDS)


# One child process, a working day of commands, with HOME, the XDG folders, TMPDIR
# and the working directory all pointing at empty folders.
DAY = r"""
import json, sys
from handoff_cli.cli import app
failed = []
for argv in json.loads(sys.argv[1]):
    code = app(argv, standalone_mode=False, prog_name="handoff") or 0
    if code not in (0, 3):
        failed.append((argv, code))
print(json.dumps(failed))
"""


@pytest.mark.sqlite_only
def test_no_customer_data_outside_the_store_and_named_files(tmp_path):
    home, work, tmp, store_dir, inputs, outputs = (tmp_path / n for n in ("home", "cwd", "tmp", "store", "in", "out"))
    for d in (home, work, tmp, store_dir, inputs, outputs):
        d.mkdir()
    db = store_dir / "handoff.db"
    events = inputs / "usage.csv"
    events.write_text("account,kind,on,value,note\n" + "Acme Secret Customer,usage,2026-05-04,5,\n" * 3)
    day = [
        ["init"],
        ["account", "add", "Acme Secret Customer", "--signed", "2026-01-05", "--arr", "90000"],
        ["owner", "assign", "Acme Secret Customer", "implementation", "Ivan", "--on", "2026-01-06"],
        ["plan", "set", "Acme Secret Customer", "--outcome", "Close books fast", "--sponsor", "Kim"],
        ["milestone", "template", "Acme Secret Customer", "--start", "2026-01-10"],
        ["event", "log", "Acme Secret Customer", "go-live", "--on", "2026-04-01"],
        ["import", "events", str(events)],
        ["handover", "Acme Secret Customer", "--to", "Dana", "--on", "2026-04-10", "--joint-call"],
        ["status"],
        ["status", "Acme Secret Customer"],
        ["report", "breaches"],
        ["report", "health", "--format", "json"],
        ["report", "metrics"],
        ["timeline", "Acme Secret Customer"],
        ["account", "list", "--format", "csv"],
        ["export", "--output", str(outputs / "all.jsonl")],
        ["db", "backup", str(outputs / "copy.db")],
        ["db", "check"],
    ]
    env = child_env(
        db,
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_RUNTIME_DIR=str(tmp),
        TMPDIR=str(tmp),
    )
    env.pop("HANDOFF_CONFIG", None)  # the default config location, under the empty HOME
    result = subprocess.run(
        [sys.executable, "-c", DAY, json.dumps(day)], env=env, cwd=work, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [], result.stderr
    assert "Acme Secret Customer" in result.stdout  # the reports did print it, to stdout only

    def tree(root: Path) -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*"))

    assert tree(home) == []
    assert tree(work) == []
    assert tree(tmp) == []
    assert tree(store_dir) == ["handoff.db"]  # no -wal/-shm left after a clean exit
    assert tree(outputs) == ["all.jsonl", "copy.db"]
    assert tree(inputs) == ["usage.csv"]
