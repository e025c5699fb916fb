"""Upgrades keep data (PRODUCT.md section 7: a SQLite store is upgraded on first
use, with a backup first).

* Every released schema revision has a fixture, fixtures/store-<rev>.sql: a
  small store made by that release's commands, with data in every table. Each
  is loaded into a fresh file and opened by handoff, which upgrades it to head;
  every row must survive with every value it had. Adding a revision means
  adding one fixture file (fixtures/make_store_fixture.py writes it).
* The upgrade machinery is also run against a future revision written here
  (`probe`, one past the real head: it rebuilds the account table the way
  SQLite migrations alter a table, adds a table and fills it), so the backup,
  the all-or-nothing migration and the survival of child rows are proven for
  the kind of change a later release will make.
"""

from __future__ import annotations

import re
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest
from reliability_tools import TABLES, integrity, kill_runs, rows, run_handoff

import handoff_cli
import handoff_cli.store
from handoff_cli import SCHEMA_HEAD

# about the SQLite file itself (locks, WAL, kill -9, file upgrades); PostgreSQL has its own tests
pytestmark = pytest.mark.sqlite_only

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STORE_FIXTURES = sorted(FIXTURES.glob("store-*.sql"))


def load_fixture(sql: Path, db: Path) -> None:
    """A store file as an older handoff left it: the dump loaded, WAL mode, owner-only."""
    db.touch(mode=0o600)
    conn = sqlite3.connect(str(db))
    conn.executescript(sql.read_text(encoding="utf-8"))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()


def _columns(db: Path, table: str) -> list[str]:
    conn = sqlite3.connect(str(db))
    try:
        return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    finally:
        conn.close()


def assert_every_row_survived(old: Path, old_rows: dict, new: Path) -> None:
    """Every table, row (by id) and column value of the old store is in the new one."""
    new_rows = rows(new)
    for table, before in old_rows.items():
        if table == "alembic_version":
            continue
        assert table in new_rows, f"table {table} was lost"
        old_cols, new_cols = _columns(old, table), _columns(new, table)
        kept = [c for c in old_cols if c in new_cols]
        assert kept == old_cols, f"{table} lost columns {set(old_cols) - set(new_cols)}"
        after = {r[0]: dict(zip(new_cols, r)) for r in new_rows[table]}
        assert len(after) == len(before), table
        for row in before:
            assert {c: after[row[0]][c] for c in old_cols} == dict(zip(old_cols, row)), (table, row)


def _backups(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".bak-*"))


def _revisions() -> list[str]:
    """Every revision in migrations/, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(handoff_cli.store.alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_there_is_a_fixture_for_every_released_revision():
    """Every revision before head was released: a store made at it must be here, so its
    upgrade is tested. (Run fixtures/make_store_fixture.py when releasing a new head.)"""
    revisions = _revisions()
    assert revisions[-1] == SCHEMA_HEAD
    for rev in revisions[:-1]:
        assert (FIXTURES / f"store-{rev}.sql").exists(), f"no fixture for released schema {rev}"
    assert STORE_FIXTURES


@pytest.mark.parametrize("fixture", STORE_FIXTURES, ids=lambda p: p.stem)
def test_released_store_opens_at_head_with_every_row(fixture, tmp_path):
    db = tmp_path / "handoff.db"
    load_fixture(fixture, db)
    rev = fixture.stem.split("-", 1)[1]
    before = rows(db)
    assert before["alembic_version"] == [(rev,)]
    for table in TABLES:
        assert before[table], f"fixture {fixture.name} has no {table} rows"

    opened = run_handoff(db, "account", "list", "--all", "--format", "json")
    assert opened.returncode == 0, opened.stderr
    assert rows(db)["alembic_version"] == [(SCHEMA_HEAD,)]
    assert integrity(db) == ("ok", [])
    assert_every_row_survived(db if rev == SCHEMA_HEAD else _backups(db)[0], before, db)
    if rev == SCHEMA_HEAD:
        assert _backups(db) == []  # nothing to upgrade: no backup
    else:
        (backup,) = _backups(db)
        assert re.fullmatch(rf"handoff\.db\.bak-{rev}-\d+(-\d+)?", backup.name)
        assert backup.stat().st_mode & 0o777 == 0o600
        assert rows(backup) == before
    # and handoff reads the upgraded data back with the right values
    shown = run_handoff(db, "account", "show", "HS-1001", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert '"name": "Acme Corp"' in shown.stdout and '"arr": 120000.5' in shown.stdout


# -- a future revision, written for the test -----------------------------------

PROBE = "probe"  # the future revision's id, on top of the real head
PROBE_MIGRATION = '''"""probe: rebuild account as SQLite migrations alter a table, and add a table"""
import os

import sqlalchemy as sa
from alembic import op

revision = "probe"
down_revision = "%(head)s"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("probe_note", sa.String(50), nullable=True))
    op.create_table(
        "probe",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
    )
    op.execute("INSERT INTO probe (account_id) SELECT id FROM account")
    if os.environ.get("PROBE_FAIL"):
        raise RuntimeError("probe migration failed on purpose")


def downgrade() -> None:
    op.drop_table("probe")
    with op.batch_alter_table("account", recreate="always") as batch_op:
        batch_op.drop_column("probe_note")
'''


@pytest.fixture
def future(tmp_path, monkeypatch):
    """handoff with a migrations folder whose head is the probe revision, one past the real head."""
    folder = tmp_path / "migrations"
    shutil.copytree(handoff_cli.store.migrations_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9999_probe.py").write_text(PROBE_MIGRATION % {"head": SCHEMA_HEAD})
    monkeypatch.setattr(handoff_cli.store, "migrations_dir", lambda: folder)
    monkeypatch.setattr(handoff_cli.store, "SCHEMA_HEAD", PROBE)
    monkeypatch.setattr(handoff_cli, "SCHEMA_HEAD", PROBE)
    return folder


@pytest.fixture
def store_0001(db_path):
    load_fixture(FIXTURES / "store-0001.sql", db_path)
    return db_path


def test_upgrade_that_rebuilds_a_table_keeps_every_child_row(future, store_0001, handoff):
    before = rows(store_0001)
    handoff.ok("account", "list", "--all")
    after = rows(store_0001)
    assert after["alembic_version"] == [(PROBE,)]
    assert len(after["probe"]) == 3  # one per account: the migration's own data step ran
    assert integrity(store_0001) == ("ok", [])
    # assignments, events, milestones, slips, plans, criteria, handovers: all still there
    (backup,) = _backups(store_0001)
    assert_every_row_survived(backup, before, store_0001)
    assert re.fullmatch(r"handoff\.db\.bak-0001-\d+(-\d+)?", backup.name)
    assert backup.stat().st_mode & 0o777 == 0o600
    assert rows(backup) == before
    # the upgraded store still enforces foreign keys for later writes
    handoff.ok("event", "log", "Acme Corp", "note", "--note", "after the upgrade")
    conn = sqlite3.connect(str(store_0001))
    conn.execute("PRAGMA foreign_keys=ON")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO event (account_id, kind, occurred_on, created_at) VALUES (999, 'note', '2026-06-01', '2026-06-01')"
        )
    conn.close()


def test_a_failing_migration_changes_nothing(future, store_0001, handoff, monkeypatch):
    """The migration's DDL (table rebuild, new table) and data step roll back together."""
    monkeypatch.setenv("PROBE_FAIL", "1")
    before = rows(store_0001)
    result = handoff("account", "list")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("handoff: ")
    assert rows(store_0001) == before  # still 0001, no probe table, no probe_note column, no later index
    assert _columns(store_0001, "account") == _columns(_backups(store_0001)[0], "account")
    assert integrity(store_0001) == ("ok", [])
    # once the migration is fixed, the same store upgrades
    monkeypatch.delenv("PROBE_FAIL")
    handoff.ok("account", "list")
    assert rows(store_0001)["alembic_version"] == [(PROBE,)]
    assert len(_backups(store_0001)) == 2  # each attempt backed up first, under its own name


@pytest.mark.slow
def test_upgrade_killed_at_every_statement_is_old_or_new(future, tmp_path):
    """Killed after each write statement of the upgrade from 0001 to the probe revision (through
    every real revision after 0001): the store is all old or all new."""
    base = tmp_path / "base.db"
    load_fixture(FIXTURES / "store-0001.sql", base)
    old = rows(base)
    env = {"RELIABILITY_MIGRATIONS": str(future), "RELIABILITY_HEAD": PROBE}
    probe = tmp_path / "complete.db"
    shutil.copy(base, probe)
    (full,) = kill_runs([(0, probe)], "account", "list", **env)
    assert full["code"] == 0, full
    new = rows(probe)
    assert new["alembic_version"] == [(PROBE,)]
    total = full["statements"]
    assert total >= 6  # rebuild (create, copy, drop, rename), create probe, fill probe, version
    jobs = [(n, tmp_path / f"up-{n}.db") for n in range(1, total + 1)]
    for _, db in jobs:
        shutil.copy(base, db)
    runs = kill_runs(jobs, "account", "list", **env)
    for (n, db), run in zip(jobs, runs):
        assert run["signal"] == signal.SIGKILL, run
        assert integrity(db) == ("ok", []), n
        state = {t: r for t, r in rows(db).items()}
        assert state in (old, new), (n, state.get("alembic_version"), sorted(state))
    print(f"\nupgrade 0001 -> {SCHEMA_HEAD} -> {PROBE}: killed after each of its {total} write statements")
