"""Corrections (PRODUCT.md section 2): each test starts from the user's mistake, fixes it
with the command made for it, and checks the report that must change."""

from __future__ import annotations

import pytest

BASE = {"schema_version": 1, "as_of": "2026-06-01"}


@pytest.fixture
def acme(handoff):
    # signed 2026-01-05: the 90-day TTV target is 2026-04-05, long past by 2026-06-01
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-05")
    handoff.ok("owner", "assign", "Acme", "implementation", "Ivan", "--on", "2026-01-06")
    return "Acme"


def rules(handoff, *args) -> list[str]:
    return [f["rule"] for f in handoff.json("report", "breaches", *args)["findings"]]


def log_entries(handoff) -> list[dict]:
    return handoff.json("log")["entries"]


def assert_bad(result, fragment: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("handoff: ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert fragment in result.stderr


# -- event void -------------------------------------------------------------------------


def test_voiding_a_mistaken_first_value_brings_the_ttv_findings_back(handoff, acme, dump):
    # meant sponsor-contact: logged first-value, and the account turned green for good
    handoff.ok("event", "log", "Acme", "first-value", "--on", "2026-03-01")
    assert "ttv-breach" not in rules(handoff)
    out = handoff.json("event", "void", "Acme", "1", "--reason", "meant sponsor-contact")
    assert out["event"]["id"] == 1 and out["event"]["kind"] == "first-value" and out["reopened_milestones"] == []
    assert out["event"]["void_reason"] == "meant sponsor-contact"
    assert rules(handoff)[:2] == ["ttv-breach", "no-success-plan"]
    # the row is kept: listings leave it out, --all shows it marked
    assert handoff.json("event", "list", "Acme")["events"] == []
    (shown,) = handoff.json("event", "list", "Acme", "--all")["events"]
    assert shown == {
        "id": 1,
        "kind": "first-value",
        "on": "2026-03-01",
        "value": None,
        "note": None,
        "voided": True,
        "void_reason": "meant sponsor-contact",
    }
    # and the right fact can now be logged, and counts
    handoff.ok("event", "log", "Acme", "first-value", "--on", "2026-05-20")
    assert handoff.json("status", "Acme")["first_value_on"] == "2026-05-20"
    # voiding twice, or an unknown id, is bad input that changes nothing
    before = dump()
    assert_bad(handoff("event", "void", "Acme", "1", "--reason", "again"), "voided already")
    assert handoff("event", "void", "Acme", "99", "--reason", "x").exit_code == 2
    assert dump() == before


def test_voiding_a_go_live_reopens_the_milestone_it_completed(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "Go live", "--due", "2026-03-01", "--kind", "go-live")
    handoff.ok("event", "log", "Acme", "go-live", "--on", "2026-02-20")
    assert handoff.json("status", "Acme")["go_live_on"] == "2026-02-20"
    out = handoff.json("event", "void", "Acme", "1", "--reason", "not live yet")
    assert out["reopened_milestones"] == ["Go live"]
    assert handoff.json("status", "Acme")["go_live_on"] is None
    assert [m["status"] for m in handoff.json("milestone", "list", "Acme")["milestones"]] == ["overdue"]


# -- milestone edit / reopen / remove -----------------------------------------------------


def test_milestone_edit_kind_records_the_go_live_it_should_have(handoff, acme):
    # added without --kind go-live: done, yet no go-live recorded, and no second "Go-live" allowed
    handoff.ok("milestone", "add", "Acme", "Go-live", "--due", "2026-03-01")
    handoff.ok("milestone", "done", "Acme", "Go-live", "--on", "2026-03-08")
    assert handoff.json("status", "Acme")["go_live_on"] is None
    out = handoff.json("milestone", "edit", "Acme", "go-live", "--kind", "go-live", "--side", "customer")
    assert out == {
        **BASE,
        "account": "Acme",
        "milestone": {"title": "Go-live", "kind": "go-live", "side": "customer"},
        "changed": {"kind": {"from": "other", "to": "go-live"}, "side": {"from": "vendor", "to": "customer"}},
        "event": {"kind": "go-live", "on": "2026-03-08", "value": None, "note": None},
    }
    assert handoff.json("status", "Acme")["go_live_on"] == "2026-03-08"
    # as if it had always been so: no slip, the baseline unchanged
    (m,) = handoff.json("milestone", "list", "Acme")["milestones"]
    assert (m["kind"], m["side"], m["baseline_due_on"], m["slip_days"]) == ("go-live", "customer", "2026-03-01", 0)


def test_milestone_edit_title_and_its_refusals(handoff, acme, dump):
    handoff.ok("milestone", "add", "Acme", "SSO", "--due", "2026-03-01")
    handoff.ok("milestone", "add", "Acme", "Go liev", "--due", "2026-04-01")
    handoff.ok("milestone", "edit", "Acme", "go liev", "--title", "Go live")
    assert [m["title"] for m in handoff.json("milestone", "list", "Acme")["milestones"]] == ["SSO", "Go live"]
    before = dump()
    assert handoff("milestone", "edit", "Acme", "Go live", "--title", "sso").exit_code == 2
    assert_bad(handoff("milestone", "edit", "Acme", "Go live"), "nothing to change")
    assert_bad(handoff("milestone", "edit", "Acme", "Go live", "--kind", "launch"), "unknown milestone kind")
    assert dump() == before


def test_reopen_a_go_live_done_in_2062_by_a_typo(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "Go live", "--due", "2026-03-01", "--kind", "go-live")
    handoff.ok("milestone", "done", "Acme", "Go live", "--on", "2062-03-08")
    out = handoff.json("milestone", "reopen", "Acme", "Go live")
    assert out["was_done_on"] == "2062-03-08"
    assert out["voided_events"] == [{"id": 1, "kind": "go-live", "on": "2062-03-08"}]
    handoff.ok("milestone", "done", "Acme", "Go live", "--on", "2026-03-08")
    assert handoff.json("status", "Acme")["go_live_on"] == "2026-03-08"
    (m,) = handoff.json("milestone", "list", "Acme")["milestones"]
    assert m["done_on"] == "2026-03-08"
    assert [e["on"] for e in handoff.json("event", "list", "Acme")["events"]] == ["2026-03-08"]
    assert_bad(handoff("milestone", "reopen", "Acme", "SSO"), "no milestone")


def test_remove_a_milestone_added_twice(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "SSO", "--due", "2026-03-01")
    handoff.ok("milestone", "add", "Acme", "SSO setup", "--due", "2026-03-02")
    assert rules(handoff).count("milestone-overdue") == 2
    out = handoff.json("milestone", "remove", "Acme", "SSO setup", "--reason", "added twice")
    assert out["void_reason"] == "added twice"
    assert rules(handoff).count("milestone-overdue") == 1
    assert [m["title"] for m in handoff.json("milestone", "list", "Acme")["milestones"]] == ["SSO"]
    # the title is free again
    handoff.ok("milestone", "add", "Acme", "SSO setup", "--due", "2026-07-01")


# -- people rename ----------------------------------------------------------------------


def test_renaming_a_typo_is_not_a_sponsor_change(handoff, acme):
    handoff.ok("owner", "assign", "Acme", "sponsor", "Raj Pate", "--on", "2026-05-20")
    handoff.ok("owner", "assign", "Acme", "sponsor", "Raj Patel", "--on", "2026-05-21")
    assert "sponsor-change" in rules(handoff)
    out = handoff.json("people", "rename", "Raj Pate", "Raj Patel")
    assert out == {
        **BASE,
        "from": "Raj Pate",
        "to": "Raj Patel",
        "assignments": 1,
        "plans": 0,
        "handovers": 0,
        "merged_assignments": 1,
    }
    assert "sponsor-change" not in rules(handoff)
    sponsors = [a for a in handoff.json("owner", "history", "Acme")["assignments"] if a["role"] == "sponsor"]
    assert [(a["person"], a["start_on"], a["end_on"]) for a in sponsors] == [("Raj Patel", "2026-05-20", None)]


def test_rename_reaches_plans_and_handovers(handoff, acme):
    handoff.ok("plan", "set", "Acme", "--outcome", "Close in 3 days", "--sponsor", "Kim CF0", "--on", "2026-01-10")
    handoff.ok("owner", "assign", "Acme", "csm", "Dana", "--on", "2026-02-01")
    handoff.ok("handover", "Acme", "--to", "Dana", "--on", "2026-03-01")
    out = handoff.json("people", "rename", "kim cf0", "Kim CFO")
    assert (out["assignments"], out["plans"], out["handovers"]) == (1, 1, 0)
    assert handoff.json("plan", "show", "Acme")["plans"][0]["sponsor"] == "Kim CFO"
    out = handoff.json("people", "rename", "Ivan", "Ivan Petrov")
    assert (out["assignments"], out["handovers"]) == (1, 1)
    assert handoff.json("status", "Acme")["handover"]["from"] == "Ivan Petrov"
    assert handoff("people", "rename", "Nobody", "Somebody").exit_code == 2


# -- account unarchive -------------------------------------------------------------------


def test_unarchive_an_account_archived_by_mistake(handoff, acme):
    handoff.ok("account", "archive", "Acme", "--on", "2026-05-01")
    assert handoff.json("account", "list")["accounts"] == []
    assert rules(handoff) == []
    out = handoff.json("account", "unarchive", "Acme")
    assert out == {**BASE, "account": "Acme", "was_archived_on": "2026-05-01"}
    assert [a["name"] for a in handoff.json("account", "list")["accounts"]] == ["Acme"]
    assert "ttv-breach" in rules(handoff)
    assert_bad(handoff("account", "unarchive", "Acme"), "is not archived")


# -- the journal, undo ------------------------------------------------------------------


def test_every_write_is_one_entry_with_the_command_as_typed(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "Go live", "--due", "2026-03-01", "--kind", "go-live")
    entries = log_entries(handoff)
    assert [e["change"] for e in entries] == [3, 2, 1]
    assert entries[0]["command"] == "handoff milestone add Acme 'Go live' --due 2026-03-01 --kind go-live"
    assert entries[0]["changes"] == [{"table": "milestone", "op": "insert", "rows": 1}]
    assert entries[0]["summary"] == "created 1 milestone"
    # the one clock: recorded on HANDOFF_TODAY's date, at the real time of day
    assert all(e["recorded_at"].startswith("2026-06-01T") and e["recorded_at"].endswith("Z") for e in entries)
    # a bad write records nothing
    handoff("milestone", "add", "Acme", "Go live", "--due", "2026-03-01")
    assert len(log_entries(handoff)) == 3
    assert len(handoff.json("log", "--limit", "1")["entries"]) == 1


def test_undo_of_milestone_done_voids_the_go_live_it_recorded(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "Go live", "--due", "2026-03-01", "--kind", "go-live")
    handoff.ok("milestone", "done", "Acme", "Go live", "--on", "2026-02-27")
    assert handoff.json("status", "Acme")["go_live_on"] == "2026-02-27"
    dry = handoff.json("undo", "--dry-run")
    assert dry["dry_run"] is True and dry["undone"] == 4 and dry["change"] is None
    assert handoff.json("status", "Acme")["go_live_on"] == "2026-02-27"  # a dry run changes nothing
    out = handoff.json("undo")
    assert (out["undone"], out["change"]) == (4, 5)
    assert [(r["table"], r["action"]) for r in out["rows"]] == [("milestone", "restore"), ("event", "void")]
    assert out["rows"][0]["fields"] == {"done_on": {"from": "2026-02-27", "to": None}}
    status = handoff.json("status", "Acme")
    assert status["go_live_on"] is None
    assert handoff.json("event", "list", "Acme")["events"] == []
    entries = log_entries(handoff)
    assert (entries[0]["undoes"], entries[1]["undone_by"]) == (4, 5)
    # naming the undo redoes what it undid
    handoff.ok("undo", "5")
    assert handoff.json("status", "Acme")["go_live_on"] == "2026-02-27"


def test_undo_of_an_older_change_is_refused_when_a_later_one_touched_its_rows(handoff, acme, dump):
    handoff.ok("milestone", "add", "Acme", "SSO", "--due", "2026-03-01")
    handoff.ok("milestone", "slip", "Acme", "SSO", "--to", "2026-03-15", "--cause", "customer")
    before = dump()
    assert_bad(handoff("undo", "3"), "change 4, made later, changed the same rows")
    assert dump() == before
    assert_bad(handoff("undo", "99"), "there is no change 99")
    # an unrelated older change can be undone out of order
    handoff.ok("undo", "2")
    assert [a for a in handoff.json("owner", "history", "Acme")["assignments"]] == []


def test_undo_with_nothing_to_undo(handoff):
    handoff.ok("init")  # a fresh store: `undo` is a write, which would say it created one
    assert_bad(handoff("undo"), "nothing to undo")


# -- --known-at ----------------------------------------------------------------------------


def test_known_at_a_moment_before_a_void_gives_the_report_as_it_was(handoff, acme):
    handoff.ok("event", "log", "Acme", "first-value", "--on", "2026-03-01")
    before = handoff.json("report", "breaches")
    health_before = handoff.json("report", "health")
    status_before = handoff.json("status", "Acme")
    moment = log_entries(handoff)[0]["recorded_at"]
    handoff.ok("event", "void", "Acme", "1", "--reason", "meant sponsor-contact")
    handoff.ok("milestone", "add", "Acme", "SSO", "--due", "2026-03-01")
    assert handoff.json("report", "breaches") != before
    assert handoff.json("report", "breaches", "--known-at", moment) == before
    assert handoff.json("report", "health", "--known-at", moment) == health_before
    assert handoff.json("status", "Acme", "--known-at", moment) == status_before
    # a date means its end: everything recorded on 2026-06-01 counts
    assert handoff.json("report", "breaches", "--known-at", "2026-06-01") == handoff.json("report", "breaches")
    # before the account was recorded, there is no account
    assert handoff.json("report", "breaches", "--known-at", "2026-05-31")["findings"] == []
    assert handoff("report", "breaches", "--known-at", "yesterday at noon").exit_code == 2


def test_known_at_reads_corrected_values_as_they_were(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "Go-live", "--due", "2026-03-01")
    handoff.ok("milestone", "done", "Acme", "Go-live", "--on", "2026-03-08")
    moment = log_entries(handoff)[0]["recorded_at"]
    handoff.ok("milestone", "edit", "Acme", "Go-live", "--kind", "go-live")
    assert handoff.json("status", "Acme")["go_live_on"] == "2026-03-08"
    assert handoff.json("status", "Acme", "--known-at", moment)["go_live_on"] is None


def test_the_journal_never_keeps_a_password_from_the_command_line(handoff, acme):
    # a store URL's password (--db postgresql://user:PASSWORD@host/db) is masked like any URL's
    handoff.ok("event", "log", "Acme", "note", "--note", "moved to postgresql://bob:hunter22@db.example/x")
    (entry, *_) = log_entries(handoff)
    assert entry["command"] == "handoff event log Acme note --note 'moved to postgresql://bob:***@db.example/x'"
