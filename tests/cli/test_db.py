"""handoff db check and db backup, through the real app."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading

import pytest

from handoff_cli import SCHEMA_HEAD

BASE = {"schema_version": 1, "as_of": "2026-06-01"}


def checks(result) -> list[tuple[str, str]]:
    return [(line[:14].strip(), line[14:22].strip()) for line in result.stdout.splitlines()[1:]]


@pytest.mark.sqlite_only
def test_check_passes_on_a_healthy_store(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    assert handoff.json("db", "check") == {
        **BASE,
        "checks": [
            {"check": "integrity", "status": "ok", "detail": "no problems found"},
            {"check": "foreign keys", "status": "ok", "detail": "every reference resolves"},
            {"check": "schema", "status": "ok", "detail": f"at revision {SCHEMA_HEAD}, the head"},
        ],
    }
    result = handoff.ok("db", "check")
    assert result.stdout.splitlines() == [
        "Check         Status  Detail",
        "integrity     ok      no problems found",
        "foreign keys  ok      every reference resolves",
        f"schema        ok      at revision {SCHEMA_HEAD}, the head",
    ]


@pytest.mark.sqlite_only
def test_check_finds_a_dangling_reference(handoff, db_path):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute(
        "INSERT INTO event (account_id, kind, occurred_on, created_at) VALUES (99, 'note', '2026-01-02', '2026-01-02 00:00:00.000000')"
    )
    conn.commit()
    conn.close()
    result = handoff("db", "check")
    assert result.exit_code == 1
    assert checks(result) == [("integrity", "ok"), ("foreign keys", "failed"), ("schema", "ok")]
    assert "1 rows point at missing rows (event -> account)" in result.stdout
    assert (
        result.stderr == "handoff: store check failed: foreign keys (1 rows point at missing rows (event -> account))\n"
    )


@pytest.mark.sqlite_only
def test_check_finds_a_schema_behind_head(handoff, db_path):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '0000'")
    conn.commit()
    conn.close()
    result = handoff("db", "check")
    assert result.exit_code == 1
    assert checks(result) == [("integrity", "ok"), ("foreign keys", "ok"), ("schema", "failed")]
    assert f"at revision 0000, head is {SCHEMA_HEAD}: run `handoff db upgrade`" in result.stdout
    # checking did not upgrade it
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0000",)
    conn.close()


@pytest.mark.sqlite_only
def test_check_finds_a_damaged_file(handoff, db_path):
    db_path.write_bytes(b"SQLite format 3\x00" + b"\x00garbage" * 4000)
    result = handoff("db", "check")
    assert result.exit_code == 1
    assert checks(result)[0] == ("integrity", "failed")
    assert result.stderr.startswith("handoff: store check failed: integrity")


@pytest.mark.sqlite_only
def test_check_without_a_store_says_how_to_make_one(handoff, db_path):
    result = handoff("db", "check")
    assert result.exit_code == 1
    assert (
        result.stderr == f"handoff: no store at {db_path}: create one with `handoff init`, or check --db / HANDOFF_DB\n"
    )
    assert not db_path.exists()


# ---------------------------------------------------------------------------
# backup


@pytest.mark.sqlite_only
def test_backup_is_owner_only_and_has_the_rows(handoff, tmp_path):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    handoff.ok("event", "log", "Acme", "usage", "--value", "3", "--on", "2026-05-04")
    dest = tmp_path / "copy.db"
    result = handoff.ok("db", "backup", dest)
    assert result.stderr == f"backed up to {dest}\n"
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT name FROM account").fetchall() == [("Acme",)]
    assert conn.execute("SELECT kind, occurred_on, value FROM event").fetchall() == [("usage", "2026-05-04", 3.0)]
    conn.close()
    # never overwrites
    again = handoff("db", "backup", dest)
    assert again.exit_code == 2 and "exists already" in again.stderr


@pytest.mark.sqlite_only
def test_backup_while_another_connection_writes(handoff, tmp_path, db_path):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    # a writer holds an open write transaction with rows not yet committed
    writer = sqlite3.connect(db_path, isolation_level=None, timeout=10)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO account (name, name_key, signed_on, motion, created_at) "
        "VALUES ('Pending', 'pending', '2026-01-02', 'high-touch', '2026-01-02 00:00:00.000000')"
    )
    dest = tmp_path / "during.db"
    handoff.ok("db", "backup", dest)
    writer.execute("COMMIT")
    conn = sqlite3.connect(dest)
    # a consistent copy: the committed row, not the one in flight
    assert conn.execute("SELECT name FROM account ORDER BY id").fetchall() == [("Acme",)]
    conn.close()

    writer.close()

    # and while a thread keeps committing rows, every backup is a consistent store
    stop = threading.Event()
    started = threading.Event()
    written = []

    def keep_writing():
        conn = sqlite3.connect(db_path, isolation_level=None, timeout=10)
        try:
            while not stop.is_set():
                conn.execute(
                    "INSERT INTO event (account_id, kind, occurred_on, created_at) "
                    "VALUES (1, 'note', '2026-01-03', '2026-01-03 00:00:00.000000')"
                )
                written.append(1)
                started.set()
        finally:
            conn.close()

    t = threading.Thread(target=keep_writing)
    t.start()
    try:
        assert started.wait(10)
        copies = [tmp_path / f"busy{i}.db" for i in range(3)]
        for c in copies:
            handoff.ok("db", "backup", c)
    finally:
        stop.set()
        t.join()
    counts = []
    for c in copies:
        conn = sqlite3.connect(c)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT COUNT(*) FROM account").fetchone() == (2,)
        counts.append(conn.execute("SELECT COUNT(*) FROM event").fetchone()[0])
        conn.close()
    # each copy holds the rows committed before it, never fewer than the copy before
    assert 0 < counts[0] <= counts[1] <= counts[2] <= len(written)


@pytest.mark.pg_only
def test_check_on_postgresql_skips_the_sqlite_pragmas(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    assert handoff.json("db", "check")["checks"] == [
        {"check": "integrity", "status": "skipped", "detail": "PostgreSQL: SQLite's integrity_check does not apply"},
        {"check": "foreign keys", "status": "skipped", "detail": "PostgreSQL: foreign keys are enforced by the server"},
        {"check": "schema", "status": "ok", "detail": f"at revision {SCHEMA_HEAD}, the head"},
    ]


@pytest.mark.pg_only
def test_backup_on_postgresql_points_at_export(handoff, tmp_path):
    result = handoff("db", "backup", tmp_path / "x.db")
    assert result.exit_code == 2
    assert "use pg_dump or `handoff export`" in result.stderr
