"""Dates that cannot be right, listings that honour the clock, filters that say so."""

from __future__ import annotations

import pytest


@pytest.fixture
def acme(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-05")
    handoff.ok("milestone", "add", "Acme", "Go-live", "--kind", "go-live", "--due", "2026-03-01", "--on", "2025-12-01")


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["event", "log", "Acme", "first-value", "--on", "2026-01-04"],
            "the first-value event on 2026-01-04 is before Acme was signed (2026-01-05): events and completed "
            "milestones start at signing (check --on, or the signed date)",
        ),
        (
            ["milestone", "done", "Acme", "Go-live", "--on", "2025-12-20"],
            "milestone 'Go-live' done on 2025-12-20 is before Acme was signed (2026-01-05): events and completed "
            "milestones start at signing (check --on, or the signed date)",
        ),
    ],
)
def test_value_ledger_facts_before_signing_are_refused(handoff, acme, dump, args, message):
    before = dump()
    result = handoff(*args)
    assert result.exit_code == 2
    assert result.stderr == f"handoff: {message}\n"
    assert dump() == before


def test_moving_the_signed_date_past_the_first_fact_is_refused(handoff, acme, dump):
    handoff.ok("event", "log", "Acme", "note", "--on", "2026-02-01")
    before = dump()
    result = handoff("account", "edit", "Acme", "--signed", "2026-02-02")
    assert result.exit_code == 2
    assert result.stderr == (
        "handoff: Acme has facts dated from 2026-02-01: the signed date cannot be after them "
        "(events and completed milestones start at signing)\n"
    )
    assert dump() == before
    handoff.ok("account", "edit", "Acme", "--signed", "2026-02-01")


def test_imported_events_before_signing_are_bad_rows(handoff, acme, tmp_path):
    f = tmp_path / "e.csv"
    f.write_text("account,kind,on\nACME,note,2026-01-01\nacme,note,2026-01-06\n", encoding="utf-8")
    result = handoff("import", "events", str(f))
    assert result.exit_code == 1
    assert (
        f"{f}:2: the date 2026-01-01 is before the account was signed (2026-01-05): "
        "events and completed milestones start at signing"
    ) in result.stderr


def test_a_write_more_than_a_year_ahead_is_taken_with_a_warning(handoff, acme):
    result = handoff.ok("milestone", "add", "Acme", "UAT", "--due", "2062-01-01")
    assert result.stderr.splitlines() == [
        "added milestone 'UAT' to Acme, due 2062-01-01",
        "handoff: warning: --due 2062-01-01 is more than a year after today (2026-06-01); recorded as given",
    ]
    result = handoff.ok("milestone", "add", "Acme", "SSO", "--due", "+11m")
    assert "warning" not in result.stderr


def test_event_list_honours_as_of(handoff, acme):
    handoff.ok("event", "log", "Acme", "note", "--on", "2026-02-01", "--note", "early")
    handoff.ok("event", "log", "Acme", "note", "--on", "2026-05-01", "--note", "late")
    notes = [e["note"] for e in handoff.json("--as-of", "2026-03-01", "event", "list", "Acme")["events"]]
    assert notes == ["early"]
    notes = [e["note"] for e in handoff.json("event", "list", "Acme", "--as-of", "2026-03-01")["events"]]
    assert notes == ["early"]


def test_milestone_list_honours_as_of(handoff, acme):
    handoff.ok(
        "milestone", "slip", "Acme", "Go-live", "--to", "2026-04-01", "--cause", "customer", "--on", "2026-02-15"
    )
    handoff.ok("milestone", "done", "Acme", "Go-live", "--on", "2026-03-30")
    [m] = handoff.json("--as-of", "2026-02-01", "milestone", "list", "Acme")["milestones"]
    assert (m["due_on"], m["done_on"], m["slip_days"], m["status"]) == ("2026-03-01", None, 0, "open")
    [m] = handoff.json("milestone", "list", "Acme")["milestones"]
    assert (m["due_on"], m["done_on"], m["slip_days"], m["status"]) == ("2026-04-01", "2026-03-30", 31, "done")


def test_a_filter_that_matches_nothing_says_so(handoff, acme):
    handoff.ok("account", "add", "Beta", "--signed", "2026-01-05")
    for args in (["status"], ["report", "health"]):
        result = handoff.ok(*args, "--owner", "Nobody Here")
        assert result.stdout.splitlines()[-1] == "no account matches --owner 'Nobody Here' (2 accounts in the store)"
    result = handoff.ok("status", "--segment", "smb", "--since", "2026-01-01")
    assert result.stdout == (
        "0 accounts as of 2026-06-01: 0 red, 0 yellow, 0 green; 0 with breaches\n\n"
        "no account matches --segment 'smb' --since 2026-01-01 (2 accounts in the store)\n"
    )
