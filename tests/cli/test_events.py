"""handoff event log | list, through the real app."""

from __future__ import annotations

import pytest

BASE = {"schema_version": 1, "as_of": "2026-06-01"}


@pytest.fixture
def acme(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-03-01", "--external-id", "crm-1")
    return "Acme"


def assert_bad(result, fragment: str = "") -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handoff: ")
    assert fragment in lines[0]
    assert result.stdout == ""


def event(kind, on, value=None, note=None):
    return {"on": on, "kind": kind, "value": value, "note": note}


def test_log_json(handoff, acme):
    out = handoff.json(
        "event", "log", "crm-1", "usage", "--on", "2026-05-25", "--value", "12", "--note", "weekly export"
    )
    assert out == {
        **BASE,
        "account": "Acme",
        "event": event("usage", "2026-05-25", 12, "weekly export"),
        "completed_milestones": [],
    }


def test_log_message_and_default_date(handoff, acme):
    result = handoff.ok("event", "log", "Acme", "first-value")
    assert result.stdout == ""
    assert result.stderr == "logged first-value for Acme on 2026-06-01\n"


def test_list_is_ordered_and_filterable(handoff, acme):
    handoff.ok("event", "log", "Acme", "note", "--on", "2026-05-09", "--note", "kickoff held")
    handoff.ok("event", "log", "Acme", "ces", "--on", "2026-05-02", "--value", "5.5")
    handoff.ok("event", "log", "Acme", "usage", "--on", "2026-05-09", "--value", "3")
    handoff.ok("event", "log", "Acme", "handoff-csat", "--on=-1w", "--value", "4")
    # each with its id, the one `event void` takes
    assert handoff.json("event", "list", "acme") == {
        **BASE,
        "account": "Acme",
        "events": [
            {"id": 2, **event("ces", "2026-05-02", 5.5)},
            {"id": 1, **event("note", "2026-05-09", None, "kickoff held")},
            {"id": 3, **event("usage", "2026-05-09", 3)},
            # 2026-06-01 - 1 week
            {"id": 4, **event("handoff-csat", "2026-05-25", 4)},
        ],
    }
    assert handoff.json("event", "list", "Acme", "--kind", "usage")["events"] == [
        {"id": 3, **event("usage", "2026-05-09", 3)}
    ]
    assert handoff.ok("event", "list", "Acme", "--kind", "usage").stdout == (
        "Id  Date        Kind   Value  Note\n 3  2026-05-09  usage      3\n"
    )
    assert handoff.ok("event", "list", "Acme", "--format", "csv", "--kind", "note").stdout == (
        "id,on,kind,value,note,as_of\n1,2026-05-09,note,,kickoff held,2026-06-01\n"
    )


def test_csv_escapes_formula_notes(handoff, acme):
    handoff.ok("event", "log", "Acme", "note", "--on", "2026-05-09", "--note", "=HYPERLINK(1)")
    assert (
        handoff.ok("event", "list", "Acme", "--format", "csv").stdout.splitlines()[1]
        == "1,2026-05-09,note,,'=HYPERLINK(1),2026-06-01"
    )


def test_go_live_event_completes_the_go_live_milestone(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "Go-live", "--due", "2026-07-01", "--kind", "go-live")
    handoff.ok("milestone", "add", "Acme", "UAT", "--due", "2026-06-20", "--kind", "uat")
    out = handoff.json("event", "log", "Acme", "go-live", "--on", "2026-05-30")
    assert out == {
        **BASE,
        "account": "Acme",
        "event": event("go-live", "2026-05-30"),
        "completed_milestones": ["Go-live"],
    }
    ms = {m["title"]: (m["done_on"], m["status"]) for m in handoff.json("milestone", "list", "Acme")["milestones"]}
    assert ms == {"Go-live": ("2026-05-30", "done"), "UAT": (None, "open")}
    # one fact, not two: still exactly one go-live in the ledger
    assert handoff.json("event", "list", "Acme")["events"] == [{"id": 1, **event("go-live", "2026-05-30")}]
    assert handoff.ok("event", "log", "Acme", "workflow-live").stderr == "logged workflow-live for Acme on 2026-06-01\n"


def test_workflow_live_event_completes_first_workflow(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "First workflow", "--due", "2026-07-01", "--kind", "first-workflow")
    result = handoff.ok("event", "log", "Acme", "workflow-live", "--on", "2026-05-31")
    assert result.stderr == "logged workflow-live for Acme on 2026-05-31; completed milestone 'First workflow'\n"
    assert handoff.json("milestone", "list", "Acme")["milestones"][0]["done_on"] == "2026-05-31"


def test_list_empty(handoff, acme):
    result = handoff.ok("event", "list", "Acme")
    assert result.stdout == ""
    assert result.stderr == "Acme has no events yet: log one with `handoff event log`\n"


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["event", "log", "Nobody", "note"], "no account 'Nobody'"),
        (
            ["event", "log", "Acme", "golive"],
            "unknown event kind 'golive': use one of go-live, workflow-live, first-value",
        ),
        (["event", "log", "Acme", "note", "--on", "2026-13-01"], "--on '2026-13-01' is not a date"),
        (["event", "log", "Acme", "usage", "--value", "abc"], "usage value 'abc' is not a number"),
        (["event", "log", "Acme", "usage", "--value=-1"], "usage value -1 is out of range"),
        (["event", "log", "Acme", "usage", "--value", "2.5"], "usage value 2.5 is not a whole number"),
        (["event", "log", "Acme", "usage"], "a usage event needs a value"),
        (["event", "log", "Acme", "ces", "--value", "8"], "ces value 8 is out of range"),
        (["event", "log", "Acme", "handoff-csat", "--value", "0"], "handoff-csat value 0 is out of range"),
        (["event", "log", "Acme", "note", "--value", "nan"], "note value 'nan' is not a number"),
        (["event", "log", "Acme", "renewed", "--value", "inf"], "renewed value 'inf' is not a number"),
        (["event", "log", "Acme", "renewed", "--value", "1e400"], "renewed value 1e400 is not a finite number"),
        (["event", "log", "Acme", "note", "--note", "bell\x07"], "note contains control characters"),
        (["event", "list", "Nobody"], "no account 'Nobody'"),
        (["event", "list", "Acme", "--kind", "usages"], "unknown event kind 'usages'"),
    ],
)
def test_bad_input_exits_2_and_changes_nothing(handoff, acme, dump, args, fragment):
    handoff.ok("milestone", "add", "Acme", "Go-live", "--due", "2026-07-01", "--kind", "go-live")
    handoff.ok("event", "log", "Acme", "usage", "--value", "4", "--on", "2026-05-04")
    before = dump()
    assert_bad(handoff(*args), fragment)
    assert dump() == before
