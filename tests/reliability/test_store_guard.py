"""The store guard (PRODUCT.md section 7): reads never create a store; only `init` and the
write commands do, and a write that creates one says so; in-memory URLs are refused; a file
that is not a handoff store is refused and left byte for byte as it was; a blank or folder
HANDOFF_DB is one line."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only

# Every command that only reads the store.
READS = [
    ["status"],
    ["status", "Acme"],
    ["timeline", "Acme"],
    ["account", "list"],
    ["account", "show", "Acme"],
    ["owner", "history", "Acme"],
    ["plan", "show", "Acme"],
    ["milestone", "list", "Acme"],
    ["event", "list", "Acme"],
    ["report", "breaches"],
    ["report", "breaches", "--fail-on-breach"],
    ["report", "health"],
    ["report", "metrics"],
    ["report", "audit"],
    ["export"],
    ["db", "check"],
]
# Commands that write (and so may create a store).
WRITES = [
    ["account", "add", "Acme", "--signed", "2026-01-05"],
    ["init"],
]


def one_line(result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# -- reads never create a store ------------------------------------------------------


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_a_read_of_a_missing_store_exits_1_and_creates_nothing(handoff, tmp_path, monkeypatch, args):
    missing = tmp_path / "typo" / "handoff.db"
    monkeypatch.setenv("HANDOFF_DB", str(missing))
    before = tree(tmp_path)
    result = handoff(*args)
    assert one_line(result, 1) == (
        f"handoff: no store at {missing}: create one with `handoff init`, or check --db / HANDOFF_DB"
    )
    assert result.stdout == ""
    assert tree(tmp_path) == before  # no file, no folder


def test_a_read_of_a_missing_store_in_an_existing_folder_creates_no_file(handoff, tmp_path, db_path):
    for args in READS:
        one_line(handoff(*args), 1)
    assert not db_path.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_export_output_and_backup_of_a_missing_store_write_nothing(handoff, tmp_path, db_path):
    for args in (["export", "--output", tmp_path / "out.jsonl"], ["db", "backup", tmp_path / "copy.db"]):
        assert one_line(handoff(*args), 1).startswith(f"handoff: no store at {db_path}: ")
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_does_not_create_a_store(handoff, tmp_path, db_path):
    assert one_line(handoff("db", "upgrade"), 1).startswith(f"handoff: no store at {db_path}: ")
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_is_no_store_for_a_read(handoff, db_path):
    db_path.write_bytes(b"")
    line = one_line(handoff("report", "breaches"), 1)
    assert line == (
        f"handoff: the store {db_path} is empty (no handoff tables yet): create one with `handoff init`,"
        " or check --db / HANDOFF_DB"
    )
    assert db_path.read_bytes() == b""
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["handoff.db"]


# -- writes create the store, and say so ----------------------------------------------


def test_a_write_that_creates_the_store_says_so(handoff, tmp_path, monkeypatch):
    new = tmp_path / "new" / "folder" / "handoff.db"
    monkeypatch.setenv("HANDOFF_DB", str(new))
    result = handoff("account", "add", "Acme", "--signed", "2026-01-05")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [f"handoff: created a new store at {new}", "added Acme"]
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    # the second write finds it: no note
    result = handoff("account", "add", "Beta", "--signed", "2026-01-05")
    assert result.stderr.splitlines() == ["added Beta"]
    assert [a["name"] for a in handoff.json("account", "list")["accounts"]] == ["Acme", "Beta"]


@pytest.mark.parametrize(
    "args",
    [
        ["owner", "assign", "Nobody", "implementation", "Ivy"],
        ["account", "add", "Bad\u200bName", "--signed", "2026-01-05"],
        ["event", "log", "Nobody", "go-live"],
    ],
    ids=" ".join,
)
def test_a_write_that_fails_on_a_missing_store_leaves_no_store(handoff, tmp_path, db_path, args):
    result = handoff(*args)
    assert result.exit_code == 2
    assert "created" not in result.stderr
    assert [p for p in tree(tmp_path) if p.startswith(db_path.name)] == []  # no store, no -wal, no -shm
    # and the next write that works creates it, and says so
    assert handoff.ok("account", "add", "Acme", "--signed", "2026-01-05").stderr.startswith("handoff: created")


def test_a_store_made_by_init_stays_when_the_next_write_fails(handoff, tmp_path, db_path):
    script = tmp_path / "lines.txt"
    script.write_text("init\nowner assign Nobody implementation Ivy\n", encoding="utf-8")
    assert handoff("batch", str(script)).exit_code == 2
    assert db_path.exists()
    assert handoff.json("account", "list")["accounts"] == []


def test_init_says_created_then_ready(handoff, db_path):
    from handoff_cli import SCHEMA_HEAD

    assert handoff.ok("init").stderr == f"created a new store at {db_path} (schema {SCHEMA_HEAD})\n"
    assert handoff.ok("init").stderr == f"store ready at {db_path} (schema {SCHEMA_HEAD})\n"


def test_a_write_into_a_path_under_a_file_is_one_line(handoff, tmp_path, monkeypatch):
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("HANDOFF_DB", str(tmp_path / "afile" / "handoff.db"))
    line = one_line(handoff("account", "add", "Acme", "--signed", "2026-01-05"), 2)
    assert (
        line
        == f"handoff: cannot create the store {tmp_path / 'afile' / 'handoff.db'}: {tmp_path / 'afile'} is a file, not a folder"
    )


# -- in-memory and odd locations -------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "SQLITE:///:memory:",
        "sqlite:///file::memory:?cache=shared",
        "sqlite:///file:store?mode=memory&cache=shared",
        "sqlite:///x.db?mode=memory",
        "file::memory:",
        ":memory:",
    ],
)
@pytest.mark.parametrize("args", [WRITES[0], ["report", "breaches"], ["init"]], ids=" ".join)
def test_in_memory_urls_are_refused(handoff, tmp_path, monkeypatch, url, args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HANDOFF_DB", url)
    line = one_line(handoff(*args), 2)
    assert line == (
        "handoff: in-memory stores keep nothing once the command ends: give a file path, or a postgresql+psycopg:// URL"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["sqlite:///x.db?mode=ro", "sqlite://host/x.db", "file:x.db"])
def test_sqlite_uri_options_are_refused(handoff, tmp_path, monkeypatch, url):
    monkeypatch.chdir(tmp_path)
    line = one_line(handoff("--db", url, *WRITES[0]), 2)
    assert (
        line == f"handoff: store {url!r}: handoff takes a plain file path or sqlite:///PATH, without SQLite URI options"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_sqlite_url_is_the_same_store_as_its_path(handoff, db_path, monkeypatch):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-05")
    monkeypatch.chdir(db_path.parent)
    for url in (f"sqlite:///{db_path}", "sqlite:///handoff.db", "handoff.db"):
        assert [a["name"] for a in handoff.json("--db", url, "account", "list")["accounts"]] == ["Acme"]


@pytest.mark.parametrize("value", ["", " ", "\t"])
@pytest.mark.parametrize("where", ["HANDOFF_DB", "--db"])
def test_a_blank_store_location_is_refused(handoff, tmp_path, monkeypatch, value, where):
    monkeypatch.chdir(tmp_path)
    args = ["--db", value] if where == "--db" else []
    if where == "HANDOFF_DB":
        monkeypatch.setenv("HANDOFF_DB", value)
    for cmd in (WRITES[0], ["report", "breaches"]):
        line = one_line(handoff(*args, *cmd), 2)
        assert line == f"handoff: {where} is blank: give the store's path or URL (or unset {where})"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_as_the_store_is_refused(handoff, tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOFF_DB", str(tmp_path))
    for cmd in (WRITES[0], ["report", "breaches"], ["init"], ["db", "backup", tmp_path / "b.db"]):
        line = one_line(handoff(*cmd), 2)
        assert line == f"handoff: store path {tmp_path} is a folder: name a file, for example {tmp_path / 'handoff.db'}"
    assert list(tmp_path.iterdir()) == []


# -- a file that is not a handoff store ---------------------------------------------------


def _rollback_journal_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, email TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ann', 'ann@example.com')")
    conn.commit()
    conn.close()


def _wal_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('private')")
    conn.commit()
    conn.close()


def _other_alembic_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    conn.execute("INSERT INTO alembic_version VALUES ('abc123')")
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()


FOREIGN = {
    "sqlite": (_rollback_journal_db, "a SQLite database of something else"),
    "sqlite-wal": (_wal_db, "a SQLite database of something else"),
    "other-alembic-app": (_other_alembic_db, "a SQLite database of something else"),
    "text": (lambda p: p.write_text("name,signed\nAcme,2026-01-05\n"), "not a SQLite database"),
    "binary": (lambda p: p.write_bytes(bytes(range(256)) * 64), "not a SQLite database"),
}

FOREIGN_COMMANDS = [
    *READS,
    ["export", "--output", "OUT"],
    ["db", "backup", "OUT"],
    ["db", "upgrade"],
    ["init"],
    ["account", "add", "Acme", "--signed", "2026-01-05"],
    ["event", "log", "Acme", "note"],
    ["restore", "OUT"],
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("kind", sorted(FOREIGN))
def test_a_file_that_is_not_a_handoff_store_is_refused_and_untouched(handoff, tmp_path, db_path, kind):
    make, why = FOREIGN[kind]
    make(db_path)
    os.chmod(db_path, 0o644)
    digest, mode, names = _digest(db_path), db_path.stat().st_mode, sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "sub"
    out.mkdir()
    (out / "export.jsonl").write_text('{"format": "handoff-export", "version": 1, "schema": "0002", "tables": []}\n')
    for args in FOREIGN_COMMANDS:
        args = [str(out / "export.jsonl") if a == "OUT" and args[0] == "restore" else a for a in args]
        args = [str(out / "new-file") if a == "OUT" else a for a in args]
        line = one_line(handoff(*args), 1)
        assert line == f"handoff: {db_path} is not a handoff store ({why}); it was left untouched", args
    assert _digest(db_path) == digest
    assert db_path.stat().st_mode == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == [*names, "sub"]  # no -wal, -shm, -journal
    assert sorted(p.name for p in out.iterdir()) == ["export.jsonl"]


def test_a_sqlite_header_over_garbage_is_refused_untouched(handoff, tmp_path, db_path):
    db_path.write_bytes(b"SQLite format 3\x00" + b"\x07garbage" * 600)
    digest = _digest(db_path)
    for args in (["report", "breaches"], ["account", "add", "Acme", "--signed", "2026-01-05"], ["init"]):
        line = one_line(handoff(*args), 1)
        assert line == (
            f"handoff: {db_path} cannot be read as a SQLite database (damaged, or not a handoff store); it was left"
            " untouched: run `handoff db check`"
        )
    assert _digest(db_path) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handoff.db"]


# -- a bug's one line carries no SQL and no data ----------------------------------------


def test_an_unexpected_database_error_prints_no_sql_and_no_data(handoff, monkeypatch):
    from sqlalchemy import exc as sa_exc

    import handoff_cli.cli.accounts as accounts_cli

    def boom(*args, **kwargs):
        raise sa_exc.OperationalError(
            "INSERT INTO account (name) VALUES (?)",
            ("Zebulon Secret Co",),
            sqlite3.OperationalError("no such column: x"),
        )

    monkeypatch.setattr(accounts_cli, "get_today", boom)
    line = handoff("account", "list").stderr.strip()
    assert line == "handoff: internal error: OperationalError: no such column: x (rerun with --debug for the traceback)"
