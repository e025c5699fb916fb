"""A process killed in the middle of a write leaves the store as it was before
that write (PRODUCT.md section 8), and a store killed during a migration is at
the old revision or the new one, never between (section 7).

Two kinds of kill:
* by the clock: a large `handoff import events` is sent SIGKILL at moments spread
  over its run time (measured first on this machine, so the moments land in the
  parse phase and in the write phase alike);
* by the statement: a child process runs the real command with a SQLAlchemy
  hook that SIGKILLs the process right after its N-th write statement, for every
  N, so every point inside the transaction is hit exactly, including between
  two CREATE TABLEs of the initial migration.
After each kill: `PRAGMA integrity_check` is ok, the foreign key check is empty,
the store holds the before state or the complete after state, and the next
command opens it normally.
"""

from __future__ import annotations

import shlex
import shutil
import signal
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from reliability_tools import HANDOFF, TABLES, child_env, count, integrity, run_handoff
from reliability_tools import kill_runs as _kill_runs
from reliability_tools import rows as _rows

from handoff_cli import SCHEMA_HEAD

# about the SQLite file itself (locks, WAL, kill -9, file upgrades); PostgreSQL has its own tests
pytestmark = pytest.mark.sqlite_only

ROWS = 100_000


def _wal_bytes(db: Path) -> int:
    wal = db.with_name(db.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.fixture(scope="module")
def big_import(tmp_path_factory):
    """A store with two accounts and 1 event, and a CSV of 100,000 usage readings."""
    root = tmp_path_factory.mktemp("bigimport")
    base = root / "base.db"
    for args in (
        ("account", "add", "Acme", "--signed", "2026-01-05"),
        ("account", "add", "Globex", "--signed", "2026-01-05", "--external-id", "HS-2"),
        ("event", "log", "Acme", "note", "--note", "before the import"),
    ):
        result = run_handoff(base, *args)
        assert result.returncode == 0, result.stderr
    csv = root / "usage.csv"
    start = date(2026, 1, 12)
    with csv.open("w") as f:
        f.write("account,kind,on,value,note\n")
        for i in range(ROWS):
            f.write(f"{'Acme' if i % 2 else 'HS-2'},usage,{start + timedelta(days=i % 140)},{i % 9},row {i}\n")
    return base, csv


def _run_import(db: Path, csv: Path, kill_after: float | None):
    proc = subprocess.Popen(
        [*HANDOFF, "import", "events", str(csv)],
        env=child_env(db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wal = 0
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            wal = _wal_bytes(db)
            proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err, wal


@pytest.mark.slow
def test_import_killed_at_any_moment_is_all_or_nothing(big_import, tmp_path):
    base, csv = big_import
    before = count(base, "event")
    assert before == 1

    # the uninterrupted import, to learn how long one takes here
    full = tmp_path / "full.db"
    shutil.copy(base, full)
    started = time.monotonic()
    code, err, _ = _run_import(full, csv, None)
    took = time.monotonic() - started
    assert code == 0, err
    assert count(full, "event") == before + ROWS

    # the first run is the slowest (cold caches), so the moments lean early
    moments = sorted({0.2, 0.5, 1.0} | {round(took * f, 2) for f in (0.25, 0.35, 0.45, 0.55, 0.65, 0.75)})
    outcomes = []
    for moment in moments:
        db = tmp_path / f"kill-{moment}.db"
        shutil.copy(base, db)
        code, err, wal = _run_import(db, csv, moment)
        assert integrity(db) == ("ok", []), moment
        events = count(db, "event")
        assert events in (before, before + ROWS), (moment, events)
        if code == -signal.SIGKILL:
            outcomes.append((moment, wal, events))
        else:
            assert code == 0, err  # it finished before the kill
            assert events == before + ROWS
        if moment == moments[len(moments) // 2]:
            # the next command opens the store normally and sees the same state
            again = run_handoff(db, "event", "list", "Acme", "--format", "csv")
            assert again.returncode == 0, again.stderr
            # header + the one note before the import (+ half the rows, for Acme, if it finished)
            assert again.stdout.count("\n") == 1 + (1 if events == before else 1 + ROWS // 2)
    print(f"\nimport of {ROWS} rows took {took:.1f}s; kills (moment s, WAL bytes at kill, events after): {outcomes}")
    # the proof needs kills that landed while rows were being written (the WAL was growing)
    assert any(wal > 0 and events == before for _, wal, events in outcomes), outcomes


def _statements(base: Path, *args: str) -> tuple[int, Path]:
    """How many write statements the command makes, run on a copy of base; and that copy."""
    probe = base.with_name("probe-" + base.name)
    if base.exists():
        shutil.copy(base, probe)
    (run,) = _kill_runs([(0, probe)], *args)
    assert run["signal"] == 0 and run["code"] == 0, run
    return run["statements"], probe


@pytest.mark.slow
def test_blank_store_killed_at_every_statement_of_its_first_migration(tmp_path):
    """Either no tables and no alembic_version, or complete at head; the next command opens it."""
    total, probe = _statements(tmp_path / "blank.db", "init")
    complete = _rows(probe)
    assert complete["alembic_version"] == [(SCHEMA_HEAD,)]
    assert set(TABLES) <= set(complete)
    assert total >= 2 * len(TABLES)  # one CREATE TABLE per table, indexes, the version table and row
    jobs = [(n, tmp_path / f"mig-{n}.db") for n in range(1, total + 1)]
    runs = _kill_runs(jobs, "init")
    for (n, db), run in zip(jobs, runs):
        assert run["signal"] == signal.SIGKILL, run
        assert integrity(db) == ("ok", []), n
        assert _rows(db) in ({}, complete), (n, sorted(_rows(db)))
    # the next command opens each of them fine and ends at head
    reopened = _kill_runs([(0, db) for _, db in jobs], "account", "add", "Acme", "--signed", "2026-01-05")
    assert [r["code"] for r in reopened] == [0] * total, reopened
    for _, db in jobs:
        assert _rows(db)["alembic_version"] == [(SCHEMA_HEAD,)]
        assert count(db, "account") == 1
    print(f"\ninitial migration: killed after each of its {total} write statements")


# Multi-row write commands: each is killed after every one of its write statements.
_SETUP = [
    ("account", "add", "Acme", "--signed", "2026-01-05"),
    ("owner", "assign", "Acme", "implementation", "Ivan", "--on", "2026-01-06"),
    ("owner", "assign", "Acme", "sponsor", "Sam", "--on", "2026-01-06"),
    ("milestone", "add", "Acme", "Go live", "--due", "2026-03-01", "--kind", "go-live"),
]
_COMMANDS = [
    ("milestone", "template", "Acme", "--start", "2026-01-10"),
    (
        "plan",
        "set",
        "Acme",
        "--outcome",
        "Close books in 3 days",
        "--sponsor",
        "Kim",
        "--criterion",
        "3 days",
        "--criterion",
        "no spreadsheets",
    ),
    ("handover", "Acme", "--to", "Dana", "--joint-call", "--promised", "weekly sync"),
    ("milestone", "done", "Acme", "Go live", "--on", "2026-02-20"),
    ("owner", "assign", "Acme", "implementation", "Iris", "--on", "2026-01-20"),
]


@pytest.fixture(scope="module")
def busy_account(tmp_path_factory):
    db = tmp_path_factory.mktemp("busy") / "base.db"
    for args in _SETUP:
        result = run_handoff(db, *args)
        assert result.returncode == 0, (args, result.stderr)
    return db


@pytest.mark.slow
@pytest.mark.parametrize("args", _COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_write_killed_after_any_statement_leaves_the_store_as_before(busy_account, tmp_path, args):
    before = _rows(busy_account)
    base = tmp_path / "base.db"
    shutil.copy(busy_account, base)
    total, probe = _statements(base, *args)
    assert _rows(probe) != before  # the command does write
    assert total >= 2  # more than one statement: there is a middle to be killed in
    jobs = [(n, tmp_path / f"k{n}.db") for n in range(1, total + 1)]
    for _, db in jobs:
        shutil.copy(busy_account, db)
    for (n, db), run in zip(jobs, _kill_runs(jobs, *args)):
        assert run["signal"] == signal.SIGKILL, run
        assert integrity(db) == ("ok", []), n
        assert _rows(db) == before, n
    print(f"\n{' '.join(args[:2])}: killed after each of its {total} write statements")


@pytest.mark.slow
@pytest.mark.parametrize("args", [("milestone", "done", "Acme", "Go live", "--on", "2026-02-20"), ("undo",)])
def test_journal_entry_and_its_rows_are_one_write_even_when_killed(busy_account, tmp_path, args):
    """The journal entry is written in the write's own transaction: killed after any statement,
    neither the rows nor the entry are there; complete, both are (PRODUCT.md section 2). `undo`
    (here of the last setup command, `milestone add`) killed midway leaves the store as it was."""
    base = tmp_path / "base.db"
    shutil.copy(busy_account, base)
    before = _rows(base)
    total, probe = _statements(base, *args)
    after = _rows(probe)
    new_entries = after["journal_entry"][len(before["journal_entry"]) :]
    assert len(new_entries) == 1 and new_entries[0][2] == shlex.join(["handoff", *args])
    entry_id = new_entries[0][0]
    assert [c for c in after["journal_change"] if c[1] is None] == []  # no change left without its entry
    assert any(c[1] == entry_id for c in after["journal_change"])
    jobs = [(n, tmp_path / f"j{n}.db") for n in range(1, total + 1)]
    for _, db in jobs:
        shutil.copy(base, db)
    for (n, db), run in zip(jobs, _kill_runs(jobs, *args)):
        assert run["signal"] == signal.SIGKILL, run
        assert integrity(db) == ("ok", []), n
        assert _rows(db) == before, n
