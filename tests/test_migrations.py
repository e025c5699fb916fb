"""Migrations: a blank store upgrades to head, the code's head matches Alembic's, and models agree."""

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from handoff_cli import SCHEMA_HEAD
from handoff_cli.store import Store, alembic_config, resolve_url
from handoff_cli.store.models import metadata


def test_schema_head_constant_matches_alembic_head():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_heads() == [SCHEMA_HEAD]


@pytest.mark.sqlite_only  # SQLite's file, WAL and automatic upgrade; PostgreSQL: tests/test_team_mode.py
def test_blank_store_upgrades_to_head(db_path):
    store = Store(resolve_url(str(db_path)))
    store.ensure_ready(create=True)
    assert store.revision() == SCHEMA_HEAD
    conn = sqlite3.connect(db_path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "account",
        "assignment",
        "milestone",
        "slip",
        "success_plan",
        "plan_criterion",
        "event",
        "handover",
    } <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_models_and_migrations_agree(db_path):
    store = Store(resolve_url(str(db_path)))
    store.ensure_ready(create=True)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


@pytest.mark.sqlite_only  # SQLite's file, WAL and automatic upgrade; PostgreSQL: tests/test_team_mode.py
def test_store_file_is_private(db_path):
    Store(resolve_url(str(db_path))).ensure_ready(create=True)
    assert db_path.stat().st_mode & 0o777 == 0o600


@pytest.mark.sqlite_only  # SQLite's file, WAL and automatic upgrade; PostgreSQL: tests/test_team_mode.py
def test_old_store_is_backed_up_before_upgrade(db_path):
    """A store at an older revision (here: empty of migrations, stamped nothing) is upgraded;
    a store at an unknown newer revision is refused without change."""
    import pytest

    from handoff_cli.errors import StoreError

    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.execute("INSERT INTO alembic_version VALUES ('9999')")
    conn.execute("CREATE TABLE account (id INTEGER PRIMARY KEY)")  # a handoff store of a later release
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(resolve_url(str(db_path))).ensure_ready(create=True)
