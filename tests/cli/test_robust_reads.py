"""The reports are safe for any stored value (PRODUCT.md §6: no input, config value or
stored row can make a report overflow). The rows are written raw, past the checks
of the write commands, as an old store or another tool could have left them.
Runs on SQLite, and on PostgreSQL in the PostgreSQL pass. Today is 2026-06-01.
"""

from __future__ import annotations

import json

import pytest

from handoff_cli.store import Store, resolve_url
from handoff_cli.store.models import Account, Event, Milestone, Slip

D = __import__("datetime").date


@pytest.fixture
def store():
    s = Store(resolve_url(None))
    s.ensure_ready(create=True)
    return s


def put(store, row):
    with store.write() as s:
        s.add(row)
        s.flush()
        return row.id


def every_report(handoff, *names: str) -> dict[str, dict]:
    out = {
        "breaches": handoff.json("report", "breaches"),
        "health": handoff.json("report", "health", "--all"),
        "metrics": handoff.json("report", "metrics"),
    }
    for name in names:
        out[name] = handoff.json("status", name)
        handoff.ok("status", name)  # the terminal brief too
        handoff.ok("timeline", name)
    handoff.ok("report", "health", "--all")
    handoff.ok("report", "breaches", "--format", "markdown")
    return out


def test_a_milestone_due_9999_12_31_and_a_huge_stored_ttv_target(handoff, store):
    far = put(
        store,
        Account(name="Far", name_key="far", signed_on=D(2026, 1, 1), ttv_target_days=3_000_000),
    )
    put(
        store,
        Milestone(
            account_id=far,
            title="Someday",
            title_key="someday",
            kind="go-live",
            baseline_due_on=D(9999, 12, 31),
            due_on=D(9999, 12, 31),
            added_on=D(2026, 1, 2),
        ),
    )
    late = put(store, Account(name="Late", name_key="late", signed_on=D(2026, 1, 1), ttv_target_days=90))
    m = put(
        store,
        Milestone(
            account_id=late,
            title="Go live",
            title_key="go live",
            kind="go-live",
            baseline_due_on=D(2026, 3, 1),
            due_on=D(9999, 12, 31),
            added_on=D(2026, 1, 2),
        ),
    )
    put(
        store,
        Slip(
            milestone_id=m,
            recorded_on=D(2026, 2, 1),
            from_due_on=D(2026, 3, 1),
            to_due_on=D(9999, 12, 31),
            cause="scope",
        ),
    )
    ss = put(store, Account(name="Tiny", name_key="tiny", signed_on=D(2026, 5, 1), motion="self-serve"))
    put(store, Event(account_id=ss, kind="workflow-live", occurred_on=D(2026, 5, 2)))
    got = every_report(handoff, "Far", "Late", "Tiny")
    far_brief = got["Far"]
    # signed + 3,000,000 days lies past the calendar: T is its last day, never reached
    assert far_brief["target_on"] == "9999-12-31"
    # the projection (open milestone due 9999-12-31 + 14 days of lag) stops at the calendar's end too
    assert far_brief["projected_first_value_on"] == "9999-12-31"
    assert [f["rule"] for f in far_brief["findings"]] == ["ownerless", "no-success-plan", "no-exec-sponsor"]
    late_rules = [f["rule"] for f in got["Late"]["findings"]]
    # 06-01 > T = 04-01: breached; the go-live slipped to 9999-12-31 for scope: scope-creep
    assert late_rules == ["ttv-breach", "ownerless", "no-success-plan", "no-exec-sponsor", "scope-creep"]
    creep = [f for f in got["Late"]["findings"] if f["rule"] == "scope-creep"][0]
    assert creep["since"] == "2026-02-01"
    # 9999-12-31 - 2026-03-01 = 2,912,383 days
    assert (D(9999, 12, 31) - D(2026, 3, 1)).days == 2_912_383
    assert creep["detail"] == (
        "go-live projected 9999-12-31, 2912383 days after its baseline 2026-03-01; 'Go live' slipped for scope on 2026-02-01"
    )
    assert got["metrics"]["metrics"]["slip_days_by_cause"]["scope"] == (D(9999, 12, 31) - D(2026, 3, 1)).days
    assert json.dumps(got)  # every report is one JSON document


def test_a_huge_ttv_target_in_the_store(handoff, tmp_path, db_path):
    # a config of 3,000,000 days is refused at the way in (tests/reliability/test_bounds.py);
    # a store that holds one anyway (an older handoff, a hand edit) still reports
    (tmp_path / "config.toml").write_text("[ttv_target_days]\nhigh-touch = 3000000\n")
    assert handoff("report", "breaches").exit_code == 2
    (tmp_path / "config.toml").unlink()
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    handoff.ok("account", "add", "Bolt", "--signed", "2026-01-01", "--motion", "self-serve")
    handoff.ok("milestone", "add", "Acme", "Go live", "--due", "2199-12-31", "--kind", "go-live")
    from sqlalchemy import text

    from handoff_cli.store import Store, resolve_url

    store = Store(resolve_url(str(db_path)))
    with store.write() as s:
        s.execute(text("UPDATE account SET ttv_target_days = 3000000"))
    store.close()
    got = every_report(handoff, "Acme", "Bolt")
    assert got["Acme"]["target_on"] == "9999-12-31"
    assert got["Bolt"]["ttv_target_days"] == 3_000_000
    assert [f["rule"] for f in got["breaches"]["findings"]] == ["ownerless", "no-success-plan", "no-exec-sponsor"]
