"""The store: URLs and password masking, and the same behaviour on SQLite and PostgreSQL
(uniqueness ignoring case, text lengths, booleans, dates, numbers, whole transactions,
busy writers). Tests without a marker run in both passes against that pass's store."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from handoff_cli import SCHEMA_HEAD
from handoff_cli.errors import BadInput, Conflict, StoreBusy, StoreError
from handoff_cli.store import Store, _like_sqlite, is_locked_error, mask_url, resolve_url, to_date

# -- URLs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("postgres://ann@db.example.com/handoff", "postgresql+psycopg://ann@db.example.com/handoff"),
        ("postgresql://ann@db.example.com:5433/handoff", "postgresql+psycopg://ann@db.example.com:5433/handoff"),
        ("postgresql+psycopg2://ann:pw@db/handoff", "postgresql+psycopg://ann:pw@db/handoff"),
        ("POSTGRESQL://ann@db/handoff", "postgresql+psycopg://ann@db/handoff"),
        ("postgresql+psycopg://ann@db/handoff?sslmode=require", "postgresql+psycopg://ann@db/handoff?sslmode=require"),
        ("postgresql:///handoff", "postgresql+psycopg:///handoff"),
        ("sqlite:////srv/handoff.db", "sqlite:////srv/handoff.db"),
    ],
)
def test_resolve_url_normalises_postgres_urls_to_psycopg3(raw, expected):
    assert resolve_url(raw) == expected


def test_resolve_url_turns_a_path_into_an_absolute_sqlite_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_url("team.db") == f"sqlite:///{tmp_path / 'team.db'}"


def test_resolve_url_takes_handoff_db_when_no_option(monkeypatch):
    monkeypatch.setenv("HANDOFF_DB", "postgres://ann@db/handoff")
    assert resolve_url() == "postgresql+psycopg://ann@db/handoff"
    assert resolve_url("postgres://bob@other/x") == "postgresql+psycopg://bob@other/x"


@pytest.mark.parametrize("raw", ["mysql://ann:hunter22@db/handoff", "postgresql://"])
def test_unusable_url_is_bad_input_without_the_password(raw):
    with pytest.raises(BadInput) as err:
        resolve_url(raw)
    assert "hunter22" not in str(err.value)
    assert "postgresql+psycopg://" in str(err.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("postgresql+psycopg://ann:s3cret@db:5432/handoff", "postgresql+psycopg://ann:***@db:5432/handoff"),
        ("store postgresql://ann:p@ss/w0rd@db/handoff is busy", "store postgresql://ann:***@db/handoff is busy"),
        ("postgresql+psycopg://ann@db/handoff", "postgresql+psycopg://ann@db/handoff"),
        ("host=db user=ann password=s3cret dbname=x", "host=db user=ann password=*** dbname=x"),
        ("postgresql://ann@db/x?password=s3cret&sslmode=require", "postgresql://ann@db/x?password=***&sslmode=require"),
        ("/home/ann/handoff.db", "/home/ann/handoff.db"),
    ],
)
def test_mask_url_hides_every_password(text, expected):
    assert mask_url(text) == expected


def test_a_password_seen_in_a_store_url_is_masked_anywhere_later():
    resolve_url("postgresql://ann:Zq9-unusual-pw@db/handoff")
    assert mask_url('driver said: auth failed for "Zq9-unusual-pw"') == 'driver said: auth failed for "***"'


def test_pgpassword_is_masked(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "from-the-env-77")
    assert mask_url("connect with from-the-env-77 failed") == "connect with *** failed"


def test_db_path_masks_the_password(handoff):
    # `db path` only prints: it needs no server.
    result = handoff.ok("--db", "postgresql://ann:topsecret@db.example.com:5432/handoff", "db", "path")
    assert result.stdout == "postgresql+psycopg://ann:***@db.example.com:5432/handoff\n"
    assert "topsecret" not in result.stdout + result.stderr


@pytest.mark.sqlite_only
def test_db_path_prints_the_sqlite_file(handoff, db_path):
    assert handoff.ok("db", "path").stdout == f"{db_path}\n"


def test_store_knows_its_dialect():
    assert Store(resolve_url("postgres://ann@db/x")).dialect == "postgresql"
    assert Store(resolve_url("postgres://ann@db/x")).path is None
    assert Store("sqlite:////tmp/x.db").dialect == "sqlite"
    assert Store("sqlite:////tmp/x.db").is_sqlite


def test_postgres_busy_states_count_as_locked():
    class Orig(Exception):
        def __init__(self, state):
            self.sqlstate = state

    class Wrapped(Exception):
        def __init__(self, state):
            self.orig = Orig(state)

    assert [is_locked_error(Wrapped(s)) for s in ("40001", "40P01", "55P03", "23505")] == [True, True, True, False]
    assert is_locked_error(Exception("database is locked"))


def test_postgres_values_take_the_sqlite_reader_types():
    # SUM over integers is NUMERIC with scale 0 on PostgreSQL, an int on SQLite;
    # AVG is NUMERIC with a fraction on PostgreSQL, a float on SQLite.
    assert [_like_sqlite(v) for v in (Decimal("15"), Decimal("2.5000"), Decimal("2.0000"), True, False, "x", None)] == [
        15,
        2.5,
        2.0,
        1,
        0,
        "x",
        None,
    ]
    assert [type(_like_sqlite(v)) for v in (Decimal("15"), Decimal("2.0000"))] == [int, float]


def test_to_date_reads_both_backends():
    assert to_date("2026-06-01") == date(2026, 6, 1)
    assert to_date(date(2026, 6, 1)) == date(2026, 6, 1)
    assert to_date(None) is None


# -- the same behaviour on both backends ---------------------------------------------------


def _store() -> Store:
    store = Store(resolve_url())
    store.ensure_ready(create=True)
    return store


def _account(name: str, **kw):
    from handoff_cli.store.models import Account

    return Account(name=name, name_key=name.casefold(), signed_on=date(2026, 1, 5), **kw)


def test_store_is_at_head_and_ready(handoff):
    handoff.ok("init")
    assert _store().revision() == SCHEMA_HEAD


def test_account_names_are_unique_ignoring_case_in_the_schema(dump):
    store = _store()
    with store.write() as s:
        s.add(_account("Acme"))
    before = dump()
    # the constraint itself (not the service's check): a second row with the same name_key
    with pytest.raises(Conflict, match="an account with that name exists already"):
        with store.write() as s:
            s.add(_account("Other Co"))
            s.flush()
            s.add(_account("ACME"))
    assert dump() == before  # the whole transaction rolled back: no "Other Co" either


def test_duplicate_name_by_the_cli_is_exit_2_on_both(handoff, dump):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-05")
    before = dump()
    result = handoff("account", "add", "ACME", "--signed", "2026-01-05")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "exists already" in result.stderr
    assert dump() == before


def test_a_failed_write_leaves_nothing_behind(dump):
    store = _store()
    before = dump()
    with pytest.raises(RuntimeError):
        with store.write() as s:
            s.add(_account("Half Written"))
            s.flush()
            raise RuntimeError("stop here")
    assert dump() == before


def test_text_lengths_round_trip_the_same(handoff):
    # 200 characters is the limit for names on both backends, counted in characters
    # (not bytes: 'é' is two bytes in UTF-8).
    long_ascii = "A" * 200
    long_accented = "é" * 200
    handoff.ok("account", "add", long_ascii, "--signed", "2026-01-05")
    handoff.ok("account", "add", long_accented, "--signed", "2026-01-05")
    names = sorted(a["name"] for a in handoff.json("account", "list")["accounts"])
    assert names == [long_ascii, long_accented]
    too_long = handoff("account", "add", "B" * 201, "--signed", "2026-01-05")
    assert too_long.exit_code == 2 and "too long" in too_long.stderr


def test_long_notes_round_trip_the_same():
    from handoff_cli.store.models import Event

    store = _store()
    note = "line one\nline two " + "x" * 9_000
    with store.write() as s:
        acc = _account("Acme")
        s.add(acc)
        s.flush()
        s.add(Event(account_id=acc.id, kind="note", occurred_on=date(2026, 2, 1), note=note, value=2.5))
    with store.reader() as r:
        assert r.all("SELECT note, value FROM event") == [(note, 2.5)]


def test_booleans_dates_and_numbers_read_the_same_on_both_backends():
    from handoff_cli.store.models import Handover

    store = _store()
    with store.write() as s:
        a = _account("Acme", ttv_target_days=10, arr=1000.5)
        b = _account("Beta", ttv_target_days=25, archived_on=date(2026, 3, 1))
        s.add_all([a, b])
        s.flush()
        s.add(Handover(account_id=a.id, handed_on=date(2026, 2, 28), to_person="Dana", gate_passed=True))
    with store.reader() as r:
        assert r.all("SELECT gate_passed, joint_call FROM handover") == [(1, 0)]
        # SUM 10 + 25 = 35 (whole), AVG (10 + 25) / 2 = 17.5, COUNT 2
        assert r.one("SELECT SUM(ttv_target_days), AVG(ttv_target_days), COUNT(*) FROM account") == (35, 17.5, 2)
        # dates bind as date objects and read back through to_date
        rows = r.all(
            "SELECT name, archived_on FROM account WHERE signed_on <= :d ORDER BY name", {"d": date(2026, 1, 5)}
        )
        assert [(n, to_date(d)) for n, d in rows] == [("Acme", None), ("Beta", date(2026, 3, 1))]
        assert r.all("SELECT name FROM account WHERE signed_on > :d", {"d": date(2026, 1, 5)}) == []
        assert r.one("SELECT arr FROM account WHERE name = :n", {"n": "Acme"}) == (1000.5,)


def test_text_sorts_the_same_on_both_backends():
    # byte order: upper case before lower case, '-' before letters, accents after ASCII
    store = _store()
    names = ["beta", "Beta Co", "alpha", "Zeta", "a-team", "émile"]
    with store.write() as s:
        s.add_all([_account(n) for n in names])
    with store.reader() as r:
        assert [row[0] for row in r.all("SELECT name FROM account ORDER BY name")] == [
            "Beta Co",
            "Zeta",
            "a-team",
            "alpha",
            "beta",
            "émile",
        ]


def test_a_writer_held_up_past_the_busy_timeout_is_exit_75(handoff, monkeypatch, backend, db_path, dump):
    monkeypatch.setenv("HANDOFF_BUSY_TIMEOUT", "0.3")
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-05")
    before = dump()
    with _hold_write_lock(backend, db_path):
        result = handoff("account", "add", "Beta", "--signed", "2026-01-05")
    assert result.exit_code == 75, result.stderr
    assert result.stderr.count("\n") == 1 and "try again" in result.stderr
    assert dump() == before
    handoff.ok("account", "add", "Beta", "--signed", "2026-01-05")


class _hold_write_lock:
    """Another process's write transaction, held open."""

    def __init__(self, backend, db_path):
        self.backend, self.db_path = backend, db_path

    def __enter__(self):
        if self.backend == "sqlite":
            import sqlite3

            self.conn = sqlite3.connect(str(self.db_path), isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            from handoff_cli.store import WRITE_LOCK_KEY

            self.conn = psycopg.connect(resolve_url(self.db_path).replace("postgresql+psycopg", "postgresql"))
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        return self

    def __exit__(self, *exc):
        self.conn.rollback() if self.backend != "sqlite" else self.conn.execute("ROLLBACK")
        self.conn.close()


# -- PostgreSQL only -----------------------------------------------------------------------


@pytest.mark.pg_only
@pytest.mark.parametrize("state", ["40001", "40P01"])
def test_serialization_failure_or_deadlock_is_store_busy(state):
    from sqlalchemy import text

    store = _store()
    with pytest.raises(StoreBusy, match="try again"):
        with store.write() as s:
            s.add(_account("Acme"))
            s.flush()
            s.execute(text(f"DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '{state}'; END $$"))
    with store.reader() as r:
        assert r.all("SELECT name FROM account") == []


@pytest.mark.pg_only
def test_a_too_long_value_is_bad_input_not_a_traceback():
    store = _store()
    with pytest.raises(BadInput, match="too long"):
        with store.write() as s:
            s.add(_account("M" * 201))


@pytest.mark.pg_only
def test_wrong_password_is_one_line_without_the_password(handoff, db_path):
    from sqlalchemy.engine import make_url

    url = make_url(resolve_url(db_path)).set(password="Wrong-Pass-123").render_as_string(hide_password=False)
    result = handoff("--db", url, "account", "list")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "password authentication failed" in result.stderr and "cannot reach store" in result.stderr
    assert "Wrong-Pass-123" not in result.stderr and ":***@" in result.stderr


@pytest.mark.pg_only
def test_unreachable_server_is_one_clear_line(handoff, db_path):
    from sqlalchemy.engine import make_url

    url = make_url(resolve_url(db_path)).set(port=1).render_as_string(hide_password=False)
    result = handoff("--db", url, "account", "list")
    assert result.exit_code == 75  # the server did not answer: cron may retry
    assert result.stderr.startswith("handoff: cannot reach store postgresql+psycopg://")
    assert "the server did not answer" in result.stderr and result.stderr.endswith("; try again\n")
    assert result.stderr.count("\n") == 1
    assert make_url(url).password not in result.stderr


@pytest.mark.pg_only
def test_models_and_migrations_agree_on_postgres():
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from handoff_cli.store.models import metadata

    store = _store()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


@pytest.mark.pg_only
def test_store_revision_is_none_on_a_blank_database(pg_admin):
    name = pg_admin.create()
    try:
        store = Store(pg_admin.url(name))
        assert store.revision() is None
        with pytest.raises(StoreError, match=r"schema none, not .*: run `handoff db upgrade`"):
            store.ensure_ready(create=True)
        store.close()
    finally:
        pg_admin.drop(name)


def test_only_byte_order_collations_are_accepted_for_postgres():
    from handoff_cli.store import _byte_order_collation

    assert [
        _byte_order_collation(c) for c in ("C", "POSIX", "C.UTF-8", "C.utf8", "en_US.UTF-8", "de_DE.utf8", None)
    ] == [True, True, True, True, False, False, False]
