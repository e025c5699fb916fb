"""Two processes writing at once lose nothing (PRODUCT.md sections 7 and 8).

Writers are real child processes running handoff against the same SQLite
file, started at the same moment: a cron job (one long-running process issuing
write after write) and a CSM at a terminal (one `handoff` process per write).
Every write must succeed, waiting on the busy timeout if it must, and every
one must be in the store afterwards. A store held locked past the timeout
gives exit 75 and one line saying another process is writing, and changes nothing.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from reliability_tools import HANDOFF, child_env, count, has_command, integrity, run_handoff  # type: ignore[import-not-found]

# about the SQLite file itself (locks, WAL, kill -9, file upgrades); PostgreSQL has its own tests
pytestmark = pytest.mark.sqlite_only

# One process, many writes: each write is a full `handoff ...` command run by the
# real app (its own engine, its own BEGIN IMMEDIATE transaction), as a cron job would.
BURST = r"""
import sys, time
from handoff_cli.cli import app
who, n, start, mode = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
while time.time() < start:
    time.sleep(0.002)
failed = 0
for i in range(n):
    if mode == "event":
        args = ["event", "log", "Acme", "note", "--note", f"{who}-{i}"]
    else:
        args = ["account", "add", f"{who}-{i}", "--signed", "2026-01-05"]
    code = app(args, standalone_mode=False, prog_name="handoff")
    if code not in (0, None):
        failed += 1
        print(f"write {i} exited {code}", file=sys.stderr)
print(failed)
sys.exit(1 if failed else 0)
"""

# the installed console script, as a user types it (falls back to `python -m handoff_cli`)
_SCRIPT = Path(sys.executable).with_name("handoff")
CONSOLE = [str(_SCRIPT)] if _SCRIPT.exists() else HANDOFF

STORE_BUSY = 75


def _notes(db: Path) -> list[str]:
    conn = sqlite3.connect(str(db))
    try:
        return [r[0] for r in conn.execute("SELECT note FROM event WHERE kind = 'note' ORDER BY id")]
    finally:
        conn.close()


def _names(db: Path) -> set[str]:
    conn = sqlite3.connect(str(db))
    try:
        return {r[0] for r in conn.execute("SELECT name FROM account")}
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["event", "account"])
def test_two_writers_at_once_lose_nothing(ready_store, mode):
    """2 processes x 100 writes each, started at the same instant, on one store."""
    writes = 100
    start = time.time() + 1.5  # both are importing handoff by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", BURST, who, str(writes), str(start), mode],
            env=child_env(ready_store, HANDOFF_BUSY_TIMEOUT="30"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("cron", "csm")
    ]
    outs = [p.communicate(timeout=170) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
        assert out.strip() == "0"
    expected = {f"{who}-{i}" for who in ("cron", "csm") for i in range(writes)}
    if mode == "event":
        notes = _notes(ready_store)
        assert len(notes) == 2 * writes  # 2 writers x 100, no duplicates, nothing lost
        assert set(notes) == expected
        # each writer's own writes landed in the order it made them
        for who in ("cron", "csm"):
            mine = [int(n.split("-")[1]) for n in notes if n.startswith(who)]
            assert mine == list(range(writes))
    else:
        assert _names(ready_store) == expected | {"Acme"}
    assert integrity(ready_store) == ("ok", [])


@pytest.mark.slow
def test_one_process_per_write_from_two_terminals(ready_store):
    """Two terminals, each running the console script 8 times in a row, at the same time."""
    per_terminal = 8
    results: dict[str, list[subprocess.CompletedProcess]] = {"a": [], "b": []}
    go = threading.Barrier(2)

    def terminal(who: str) -> None:
        go.wait()
        for i in range(per_terminal):
            results[who].append(
                subprocess.run(
                    [*CONSOLE, "event", "log", "Acme", "sponsor-contact", "--note", f"{who}-{i}"],
                    env=child_env(ready_store, HANDOFF_BUSY_TIMEOUT="30"),
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
            )

    threads = [threading.Thread(target=terminal, args=(w,)) for w in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for runs in results.values():
        assert [r.returncode for r in runs] == [0] * per_terminal, [r.stderr for r in runs]
    conn = sqlite3.connect(str(ready_store))
    notes = sorted(r[0] for r in conn.execute("SELECT note FROM event WHERE kind = 'sponsor-contact'"))
    conn.close()
    assert notes == sorted(f"{w}-{i}" for w in "ab" for i in range(per_terminal))


def _hold_write_lock(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db), isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def _assert_busy(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == STORE_BUSY, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handoff: ")
    assert "another process" in lines[0] and "writing" in lines[0]
    assert "Traceback" not in result.stderr


# (command, args) pairs that write; each is tried against a store held locked.
_WRITES = [
    ("account", ["account", "add", "Globex", "--signed", "2026-02-01"]),
    ("account", ["account", "edit", "Acme", "--segment", "smb"]),
    ("account", ["account", "archive", "Acme"]),
    ("owner", ["owner", "assign", "Acme", "csm", "Dana"]),
    ("plan", ["plan", "set", "Acme", "--outcome", "Close books in 3 days", "--sponsor", "Kim"]),
    ("milestone", ["milestone", "add", "Acme", "SSO", "--due", "2026-07-01"]),
    ("event", ["event", "log", "Acme", "usage", "--value", "4"]),
    ("handover", ["handover", "Acme", "--to", "Dana"]),
]


@pytest.mark.parametrize("group,args", _WRITES, ids=[" ".join(a[:2]) for _, a in _WRITES])
def test_write_against_a_held_lock_exits_75_and_changes_nothing(ready_store, dump, group, args):
    if not has_command(*args[:2]) and not has_command(args[0]):
        pytest.fail(f"`handoff {' '.join(args[:2])}` does not exist")
    before = dump()
    holder = _hold_write_lock(ready_store)
    try:
        started = time.monotonic()
        result = run_handoff(ready_store, *args, HANDOFF_BUSY_TIMEOUT="0.5")
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _assert_busy(result)
    assert waited < 10  # it gave up near the 0.5s timeout instead of the default 10s
    assert dump() == before


def test_a_writer_waits_for_a_short_lock_instead_of_failing(ready_store):
    """A lock released before the timeout is waited out: the write succeeds."""
    holder = _hold_write_lock(ready_store)
    releaser = threading.Timer(0.8, lambda: (holder.execute("COMMIT"), holder.close()))
    releaser.start()
    try:
        result = run_handoff(ready_store, "event", "log", "Acme", "note", "--note", "waited", HANDOFF_BUSY_TIMEOUT="20")
    finally:
        releaser.join()
    assert result.returncode == 0, result.stderr
    assert _notes(ready_store) == ["waited"]


def _hold_exclusive(db: Path) -> sqlite3.Connection:
    """An exclusive lock that even WAL readers cannot pass (locking_mode=EXCLUSIVE plus a write)."""
    conn = sqlite3.connect(str(db), isolation_level=None)
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE account SET segment = segment")
    conn.execute("COMMIT")
    conn.execute("SELECT COUNT(*) FROM account").fetchone()
    return conn


_READS = [
    ["account", "list"],
    ["account", "show", "Acme"],
    ["event", "list", "Acme"],
    ["status"],
    ["status", "Acme"],
    ["report", "breaches"],
    ["report", "health"],
]


@pytest.mark.parametrize("args", _READS, ids=" ".join)
def test_read_against_an_exclusive_lock_exits_75(ready_store, dump, args):
    if not has_command(*args[:2]) and not has_command(args[0]):
        pytest.fail(f"`handoff {' '.join(args)}` does not exist")
    before = dump()
    holder = _hold_exclusive(ready_store)
    try:
        result = run_handoff(ready_store, *args, HANDOFF_BUSY_TIMEOUT="0.5")
    finally:
        holder.close()
    _assert_busy(result)
    assert result.stdout == ""  # no half report
    assert dump() == before


def test_blank_store_locked_during_its_first_migration_stays_blank(db_path):
    """The first command on a new store migrates it; held locked, it exits 75 and leaves it empty."""
    db_path.touch(mode=0o600)
    holder = _hold_write_lock(db_path)
    try:
        result = run_handoff(db_path, "account", "add", "Acme", "--signed", "2026-01-05", HANDOFF_BUSY_TIMEOUT="0.5")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _assert_busy(result)
    conn = sqlite3.connect(str(db_path))
    tables = conn.execute("SELECT name FROM sqlite_master").fetchall()
    conn.close()
    assert tables == []
    # and the next command, with the lock gone, migrates and writes normally
    again = run_handoff(db_path, "account", "add", "Acme", "--signed", "2026-01-05")
    assert again.returncode == 0, again.stderr
    assert count(db_path, "account") == 1


@pytest.mark.slow
def test_cron_import_and_a_csm_at_once_lose_nothing(ready_store, tmp_path):
    """A cron import of 20,000 usage rows and a CSM logging 30 notes, at the same moment."""
    rows, notes = 20_000, 30
    csv = tmp_path / "usage.csv"
    with csv.open("w") as f:
        f.write("account,kind,on,value,note\n")
        for i in range(rows):
            f.write(f"Acme,usage,2026-05-{1 + i % 28:02d},{i % 9},import-{i}\n")
    start = time.time() + 1.5
    env = child_env(ready_store, HANDOFF_BUSY_TIMEOUT="60")
    cron = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import time\nwhile time.time() < {start}: time.sleep(0.002)\nfrom handoff_cli.cli import main\nmain()",
            "import",
            "events",
            str(csv),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    csm = subprocess.Popen(
        [sys.executable, "-c", BURST, "csm", str(notes), str(start), "event"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    cron_out, cron_err = cron.communicate(timeout=170)
    csm_out, csm_err = csm.communicate(timeout=170)
    assert cron.returncode == 0, cron_err
    assert csm.returncode == 0, csm_err
    conn = sqlite3.connect(str(ready_store))
    imported = conn.execute("SELECT COUNT(*) FROM event WHERE kind = 'usage' AND note LIKE 'import-%'").fetchone()[0]
    logged = sorted(r[0] for r in conn.execute("SELECT note FROM event WHERE kind = 'note'"))
    conn.close()
    assert imported == rows
    assert logged == sorted(f"csm-{i}" for i in range(notes))
    assert integrity(ready_store) == ("ok", [])


def test_cron_import_against_a_held_lock_exits_75_and_changes_nothing(ready_store, dump, tmp_path):
    """The cron case: an import that cannot get the store in time exits 75 for a retry."""
    csv = tmp_path / "usage.csv"
    csv.write_text("account,kind,on,value,note\nAcme,usage,2026-05-04,5,\nAcme,usage,2026-05-11,6,\n")
    before = dump()
    holder = _hold_write_lock(ready_store)
    try:
        result = run_handoff(ready_store, "import", "events", csv, HANDOFF_BUSY_TIMEOUT="0.5")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _assert_busy(result)
    assert dump() == before
    # the retry, once the lock is gone, imports both rows
    retry = run_handoff(ready_store, "import", "events", csv)
    assert retry.returncode == 0, retry.stderr
    assert count(ready_store, "event") == 2
