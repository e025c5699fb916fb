"""Every test gets its own store and config under tmp_path: no test touches a real store.

Two backends, one suite:

* By default each test's store is a SQLite file, tmp_path/handoff.db.
* With HANDOFF_TEST_PG_URL set (an admin URL to a throwaway PostgreSQL server, see
  `scripts/pg-test-server`), each test gets its own fresh PostgreSQL database, made
  from a template database migrated once per session, and HANDOFF_DB is its URL.

Markers: `sqlite_only` tests (file modes, WAL, PRAGMAs, the SQLite backup API, ...) run
in the SQLite pass only; `pg_only` tests (about PostgreSQL itself) run in the
PostgreSQL pass only. Both are deselected, never skipped, in the other pass.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handoff_cli.cli import app

TODAY = "2026-06-01"
PG_ADMIN_URL = os.environ.get("HANDOFF_TEST_PG_URL") or None
BACKEND = "postgresql" if PG_ADMIN_URL else "sqlite"


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs only in the SQLite pass (the test is about SQLite itself)")
    config.addinivalue_line("markers", "pg_only: runs only in the PostgreSQL pass (needs HANDOFF_TEST_PG_URL)")


def pytest_collection_modifyitems(config, items):
    skip_marker = "sqlite_only" if PG_ADMIN_URL else "pg_only"
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker(skip_marker) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    config._handoff_deselected = len(drop)  # type: ignore[attr-defined]


def pytest_report_header(config):
    if PG_ADMIN_URL:
        from handoff_cli.store import mask_url

        return f"handoff store backend: postgresql ({mask_url(PG_ADMIN_URL)}); sqlite_only tests deselected"
    return "handoff store backend: sqlite; pg_only tests deselected (set HANDOFF_TEST_PG_URL to run them)"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    passed = len(terminalreporter.stats.get("passed", []))
    failed = len(terminalreporter.stats.get("failed", [])) + len(terminalreporter.stats.get("error", []))
    other = "pg_only" if BACKEND == "sqlite" else "sqlite_only"
    terminalreporter.write_line(
        f"handoff backend {BACKEND}: {passed} passed, {failed} failed or errored; "
        f"{getattr(config, '_handoff_deselected', 0)} {other} tests belong to the other pass"
    )


# -- PostgreSQL: one template per session, one database per test ---------------------------


def pg_url(dbname: str, admin_url: str | None = None) -> str:
    """The URL of database `dbname` on the test server, in the form handoff takes."""
    from sqlalchemy.engine import make_url

    from handoff_cli.store import resolve_url

    url = make_url(resolve_url(admin_url or PG_ADMIN_URL)).set(database=dbname)
    return url.render_as_string(hide_password=False)


class PgAdmin:
    """Creates and drops databases on the throwaway server (autocommit).

    `take(template)` hands out a fresh copy of the template; the next copy is made in a
    background thread while the current test runs, and drops happen there too."""

    def __init__(self, admin_url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        from handoff_cli.store import resolve_url

        self.admin_url = admin_url
        self.engine = create_engine(resolve_url(admin_url), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self._names = (f"handoff_t{os.getpid()}_{uuid.uuid4().hex[:6]}_{n}" for n in itertools.count())
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-admin")
        self._next: dict[str, Future] = {}

    def execute(self, sql: str) -> None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text(sql))

    def create(self, template: str | None = None) -> str:
        """A new database (blank, or a copy of `template`); returns its name."""
        name = next(self._names)
        clause = (
            f'TEMPLATE "{template}"' if template else "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
        self.execute(f'CREATE DATABASE "{name}" {clause}')
        return name

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def take(self, template: str) -> str:
        """A fresh copy of `template`, made ahead of time; the next one starts now."""
        future = self._next.pop(template, None) or self._pool.submit(self.create, template)
        name = future.result()
        self._next[template] = self._pool.submit(self.create, template)
        return name

    def drop_later(self, name: str) -> None:
        self._pool.submit(self.drop, name)

    def close(self) -> None:
        pending, self._next = list(self._next.values()), {}
        for future in pending:
            try:
                self.drop(future.result())
            except Exception:  # noqa: BLE001 - best effort at session end
                pass
        self._pool.shutdown(wait=True)
        self.engine.dispose()

    def url(self, name: str) -> str:
        return pg_url(name, self.admin_url)


@pytest.fixture(scope="session")
def pg_admin():
    """Database-level access to the test server; fails (never skips) without one."""
    if not PG_ADMIN_URL:
        pytest.fail("this test needs PostgreSQL: set HANDOFF_TEST_PG_URL (see scripts/pg-test-server)")
    admin = PgAdmin(PG_ADMIN_URL)
    yield admin
    admin.close()


@pytest.fixture(scope="session")
def pg_template(pg_admin):
    """A database migrated to head once per session, the way `handoff db upgrade` does it."""
    from handoff_cli.store import Store

    name = pg_admin.create()
    store = Store(pg_admin.url(name))
    store.upgrade()
    store.close()
    yield name
    pg_admin.close()
    pg_admin.drop(name)


@pytest.fixture(autouse=True)
def isolated(request, tmp_path, monkeypatch):
    """This test's store: a path (SQLite) or a postgresql+psycopg:// URL (PostgreSQL pass),
    also set as HANDOFF_DB. The config is tmp_path/config.toml, today is 2026-06-01."""
    monkeypatch.setenv("HANDOFF_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("HANDOFF_TODAY", TODAY)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("HANDOFF_TZ", raising=False)
    monkeypatch.delenv("HANDOFF_DEBUG", raising=False)
    if not PG_ADMIN_URL:
        db = tmp_path / "handoff.db"
        monkeypatch.setenv("HANDOFF_DB", str(db))
        yield db
        return
    admin = request.getfixturevalue("pg_admin")
    name = admin.take(request.getfixturevalue("pg_template"))
    url = admin.url(name)
    monkeypatch.setenv("HANDOFF_DB", url)
    try:
        yield url
    finally:
        admin.drop_later(name)


@pytest.fixture
def db_path(isolated):
    """This test's store: a Path on SQLite, the database URL (a str) on PostgreSQL."""
    return isolated


@pytest.fixture
def backend() -> str:
    """'sqlite' or 'postgresql': the backend of this pass."""
    return BACKEND


class Handoff:
    """Runs the real app through Typer's CliRunner."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    def ok(self, *args: str, input: str | None = None):
        result = self(*args, input=input)
        assert result.exit_code == 0, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        return result

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--format", "json").stdout)


@pytest.fixture
def handoff() -> Handoff:
    return Handoff()


def dump_store(path) -> list:
    """Every row of every table, for before/after comparisons. `path` is a SQLite file
    or a PostgreSQL URL; rows are tuples ordered by their first column."""
    if isinstance(path, str) and "://" in path:
        return _dump_pg(path)
    path = Path(path)
    if not path.exists():
        return []
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(t, conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()) for t in tables]
    finally:
        conn.close()


def _dump_pg(url: str) -> list:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from handoff_cli.store import resolve_url

    engine = create_engine(resolve_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
                )
            ]
            return [(t, [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}" ORDER BY 1'))]) for t in tables]
    finally:
        engine.dispose()


@pytest.fixture
def dump(db_path):
    return lambda: dump_store(db_path)
