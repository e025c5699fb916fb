"""Team mode: several people's `handoff` processes on one store, PostgreSQL upgrades, and
moving a SQLite store into PostgreSQL. These run the installed console script in real
processes. Tests without a marker run in both passes against that pass's store; `pg_only`
tests run in the PostgreSQL pass (HANDOFF_TEST_PG_URL; .ci/run starts the server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from handoff_cli import SCHEMA_HEAD
from handoff_cli.store import Store, resolve_url

HANDOFF = str(Path(sys.executable).parent / "handoff")


def run(*args: str, db=None, check: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if db is not None:
        env["HANDOFF_DB"] = str(db)
    result = subprocess.run([HANDOFF, *map(str, args)], env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stderr}"
    return result


def _writer(worker: int, count: int, failures: list, lock: threading.Lock) -> None:
    for i in range(count):
        steps = [("account", "add", f"W{worker} Account {i:02d}", "--signed", "2026-01-05")]
        if i % 5 == 0:
            # every fifth step also logs an event on the one account both writers share
            steps.append(("event", "log", "Shared", "usage", "--value", str(worker * 1000 + i), "--on", "2026-05-01"))
        for args in steps:
            result = run(*args)
            if result.returncode != 0:
                with lock:
                    failures.append((args, result.returncode, result.stderr))


@pytest.mark.pg_only  # on SQLite: tests/reliability/test_concurrency.py
def test_two_processes_writing_at_once_lose_nothing(handoff):
    """Two people add 50 accounts each, at the same time, and log events on one shared
    account: every write is there afterwards, and none failed."""
    handoff.ok("account", "add", "Shared", "--signed", "2026-01-05")
    failures: list = []
    lock = threading.Lock()
    threads = [threading.Thread(target=_writer, args=(w, 50, failures, lock)) for w in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    names = sorted(a["name"] for a in handoff.json("account", "list")["accounts"])
    expected = sorted(["Shared"] + [f"W{w} Account {i:02d}" for w in (1, 2) for i in range(50)])
    assert names == expected  # 1 + 2 x 50 = 101 accounts
    events = handoff.json("event", "list", "Shared")["events"]
    # i = 0, 5, ..., 45: 10 events per writer, 20 in all
    values = sorted(int(e["value"]) for e in events)
    assert len(values) == 20
    assert values == sorted(w * 1000 + i for w in (1, 2) for i in range(0, 50, 5))


def test_db_path_of_a_postgres_url_masks_the_password():
    result = run("--db", "postgres://team:very-secret-pw@db.internal:5432/handoff", "db", "path", check=True)
    assert result.stdout == "postgresql+psycopg://team:***@db.internal:5432/handoff\n"
    assert "very-secret-pw" not in result.stdout + result.stderr


# -- PostgreSQL ------------------------------------------------------------------------------


@pytest.fixture
def blank_pg(pg_admin):
    """A new, empty PostgreSQL database (no schema): its URL, with the password."""
    name = pg_admin.create()
    yield pg_admin.url(name)
    pg_admin.drop(name)


def _tables(url: str) -> list[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(resolve_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [
                r[0]
                for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))
            ]
    finally:
        engine.dispose()


@pytest.mark.pg_only
def test_out_of_date_postgres_store_says_run_db_upgrade_and_is_not_migrated(blank_pg):
    from sqlalchemy.engine import make_url

    password = make_url(resolve_url(blank_pg)).password
    for args in (("account", "list"), ("account", "add", "Acme", "--signed", "2026-01-05"), ("report", "health")):
        result = run(*args, db=blank_pg)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr == (
            f"handoff: store {Store(resolve_url(blank_pg)).display()} is at schema none, "
            f"not {SCHEMA_HEAD}: run `handoff db upgrade`\n"
        )
        assert password not in result.stderr
    assert _tables(blank_pg) == []  # never migrated implicitly
    upgraded = run("db", "upgrade", db=blank_pg, check=True)
    assert f"is at schema {SCHEMA_HEAD}" in upgraded.stderr and password not in upgraded.stderr
    run("account", "add", "Acme", "--signed", "2026-01-05", db=blank_pg, check=True)
    assert [
        a["name"] for a in json.loads(run("account", "list", "-f", "json", db=blank_pg, check=True).stdout)["accounts"]
    ] == ["Acme"]


@pytest.mark.pg_only
def test_a_store_newer_than_this_handoff_is_refused(handoff):
    store = Store(resolve_url())
    from sqlalchemy import text

    with store.engine_raw().begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    store.close()
    for args in (("account", "list"), ("db", "upgrade")):
        result = handoff(*args)
        assert result.exit_code == 1
        assert "is at schema ffff9999, newer than this handoff knows: upgrade handoff" in result.stderr


@pytest.mark.pg_only
def test_two_upgrades_at_once_both_succeed_and_the_schema_is_right(blank_pg):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from handoff_cli.store.models import metadata

    env = dict(os.environ, HANDOFF_DB=blank_pg)
    procs = [
        subprocess.Popen([HANDOFF, "db", "upgrade"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    store = Store(resolve_url(blank_pg))
    assert store.revision() == SCHEMA_HEAD
    with store.engine.connect() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    store.close()
    assert diff == []


def _populate(db) -> None:
    """A small portfolio with every kind of fact, written through the CLI."""
    steps = [
        (
            "account",
            "add",
            "Acme",
            "--signed",
            "2026-01-05",
            "--arr",
            "120000",
            "--segment",
            "enterprise",
            "--external-id",
            "HS-1",
        ),
        ("account", "add", "beta labs", "--signed", "2026-02-10", "--motion", "self-serve", "--arr", "9000.5"),
        ("account", "add", "Émile & Co", "--signed", "2026-03-01", "--ttv-target", "45", "--segment", "mid"),
        ("account", "add", "Zeta", "--signed", "2025-11-20", "--segment", "enterprise"),
        ("owner", "assign", "Acme", "implementation", "Ivy", "--on", "2026-01-05"),
        ("owner", "assign", "Acme", "sponsor", "Sam Sponsor", "--on", "2026-01-05"),
        ("owner", "assign", "Émile & Co", "implementation", "Ivy", "--on", "2026-03-01"),
        ("owner", "assign", "Zeta", "implementation", "Jon", "--on", "2025-11-20"),
        (
            "plan",
            "set",
            "Acme",
            "--outcome",
            "Close the books in 3 days",
            "--sponsor",
            "Sam Sponsor",
            "--criterion",
            "Month-end close under 3 days",
            "--criterion",
            "Two teams live",
            "--on",
            "2026-01-10",
        ),
        ("milestone", "add", "Acme", "Kickoff", "--due", "2026-01-15", "--kind", "discovery", "--on", "2026-01-05"),
        ("milestone", "add", "Acme", "Go live", "--due", "2026-03-01", "--kind", "go-live", "--on", "2026-01-05"),
        (
            "milestone",
            "add",
            "Zeta",
            "Data import",
            "--due",
            "2026-01-10",
            "--kind",
            "migration",
            "--side",
            "customer",
            "--on",
            "2025-11-20",
        ),
        ("milestone", "done", "Acme", "Kickoff", "--on", "2026-01-14"),
        (
            "milestone",
            "slip",
            "Acme",
            "Go live",
            "--to",
            "2026-03-20",
            "--cause",
            "customer",
            "--note",
            "IT freeze",
            "--on",
            "2026-02-20",
        ),
        ("milestone", "done", "Acme", "Go live", "--on", "2026-03-18"),
        ("event", "log", "Acme", "go-live", "--on", "2026-03-18"),
        ("event", "log", "Acme", "first-value", "--on", "2026-04-02", "--note", "first close in 4 days"),
        ("event", "log", "Acme", "usage", "--value", "40", "--on", "2026-05-04"),
        ("event", "log", "Acme", "ces", "--value", "6", "--on", "2026-04-10"),
        ("event", "log", "beta labs", "go-live", "--on", "2026-02-20"),
        ("event", "log", "beta labs", "usage", "--value", "7", "--on", "2026-05-25"),
        ("handover", "Acme", "--to", "Casey", "--on", "2026-04-05", "--joint-call", "--promised", "SSO by June"),
    ]
    for args in steps:
        run(*args, db=db, check=True)


REPORTS = [
    ("account", "list", "--all"),
    ("status",),
    ("status", "Acme"),
    ("report", "health"),
    ("report", "breaches"),
    ("report", "metrics"),
    ("report", "audit"),
    ("event", "list", "Acme"),
    ("milestone", "list", "Acme"),
    ("owner", "history", "Acme"),
    ("plan", "show", "Acme", "--history"),
    ("timeline", "Acme"),
]


@pytest.mark.pg_only
def test_a_sqlite_store_moved_into_postgres_gives_identical_reports(tmp_path, blank_pg):
    solo = tmp_path / "solo.db"
    _populate(solo)
    dump_file = tmp_path / "solo.jsonl"
    run("export", "--output", dump_file, db=solo, check=True)

    run("db", "upgrade", db=blank_pg, check=True)
    run("restore", dump_file, db=blank_pg, check=True)

    for args in REPORTS:
        on_sqlite = run(*args, "--format", "json", db=solo, check=True).stdout
        on_pg = run(*args, "--format", "json", db=blank_pg, check=True).stdout
        assert json.loads(on_pg) == json.loads(on_sqlite), args
        assert on_pg == on_sqlite, args
    # export -> restore -> export is identical, across backends too
    assert run("export", db=blank_pg, check=True).stdout == dump_file.read_text()
    # and the moved store takes new writes (its id sequences moved on past the restored rows)
    run("account", "add", "New After Move", "--signed", "2026-05-30", db=blank_pg, check=True)
    run("event", "log", "Acme", "note", "--note", "after the move", db=blank_pg, check=True)
