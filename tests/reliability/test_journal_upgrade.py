"""Upgrading a released store (0001, 0002) to the journal's schema keeps every row (see
test_upgrades.py) and gives it what 0003 adds: no row voided, each plan criterion recorded
when its plan was, an empty journal, and writes, undo and --known-at working on the old data."""

from __future__ import annotations

import json
import sqlite3

import pytest
from reliability_tools import integrity, rows, run_handoff
from test_upgrades import FIXTURES, load_fixture

from handoff_cli import SCHEMA_HEAD

pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize("rev", ["0001", "0002"])
def test_an_upgraded_store_is_journaled_from_then_on(rev, tmp_path):
    db = tmp_path / "handoff.db"
    load_fixture(FIXTURES / f"store-{rev}.sql", db)
    before = json.loads(run_handoff(db, "report", "health", "--all", "--format", "json").stdout)
    after_upgrade = rows(db)
    assert after_upgrade["alembic_version"] == [(SCHEMA_HEAD,)]  # 0003 and any later revision
    assert after_upgrade["journal_entry"] == [] and after_upgrade["journal_change"] == []
    conn = sqlite3.connect(str(db))
    try:
        assert conn.execute("SELECT COUNT(*) FROM event WHERE voided_at IS NOT NULL").fetchone() == (0,)
        mismatched = conn.execute(
            "SELECT COUNT(*) FROM plan_criterion c JOIN success_plan p ON p.id = c.plan_id "
            "WHERE c.created_at IS NOT p.created_at"
        ).fetchone()
        assert mismatched == (0,) and conn.execute("SELECT COUNT(*) FROM plan_criterion").fetchone()[0] > 0
    finally:
        conn.close()
    # a correction of an old row is journaled and undone like any other
    # (recorded the next day, so after the fixture's rows whatever the real time of day)
    done = run_handoff(db, "milestone", "reopen", "Acme Corp", "Go live", HANDOFF_TODAY="2026-06-02")
    assert done.returncode == 0, done.stderr
    changed = json.loads(run_handoff(db, "report", "health", "--all", "--format", "json").stdout)
    assert changed != before
    log = json.loads(run_handoff(db, "log", "--format", "json").stdout)["entries"]
    assert [e["command"] for e in log] == ["handoff milestone reopen 'Acme Corp' 'Go live'"]
    # the old rows were known before the reopen: --known-at then gives the old report
    old = run_handoff(db, "report", "health", "--all", "--format", "json", "--known-at", "2026-06-01", HANDOFF_TZ="UTC")
    assert json.loads(old.stdout) == before
    assert run_handoff(db, "undo", HANDOFF_TODAY="2026-06-02").returncode == 0
    assert json.loads(run_handoff(db, "report", "health", "--all", "--format", "json").stdout) == before
    assert integrity(db) == ("ok", [])
