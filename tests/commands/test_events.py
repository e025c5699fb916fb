"""commands/events.py: value rules, the ledger, and the go-live / workflow-live coupling."""

from __future__ import annotations

from datetime import date

import pytest

from handoff_cli.commands.accounts import add_account
from handoff_cli.commands.events import (
    EVENT_MILESTONE_KIND,
    EventView,
    complete_open_milestones,
    list_events,
    log_event,
    validate_event,
)
from handoff_cli.commands.milestones import add_milestone, complete_milestone, list_milestones
from handoff_cli.errors import BadInput, NotFound
from handoff_cli.store import Store, resolve_url

TODAY = date(2026, 6, 1)


@pytest.fixture
def store():
    s = Store(resolve_url(None))
    add_account("Acme", signed_on=date(2026, 3, 1), store=s, today=TODAY)
    return s


@pytest.mark.parametrize(
    "kind, text, expected",
    [
        ("usage", "0", 0.0),
        ("usage", "12", 12.0),
        ("usage", " 4 ", 4.0),
        ("usage", "3.0", 3.0),
        ("ces", "1", 1.0),
        ("ces", "7", 7.0),
        ("ces", "4.5", 4.5),
        ("handoff-csat", "5", 5.0),
        ("handoff-csat", "1", 1.0),
        ("note", None, None),
        ("note", "", None),
        ("go-live", None, None),
        ("first-value", "-2.5", -2.5),
        ("renewed", "120000", 120000.0),
        ("usage", 3, 3.0),
    ],
)
def test_validate_event_accepts(kind, text, expected):
    assert validate_event(kind, text) == expected


@pytest.mark.parametrize(
    "kind, text, fragment",
    [
        ("usage", "abc", "'abc' is not a number"),
        ("usage", "-1", "-1 is out of range"),
        ("usage", "2.5", "2.5 is not a whole number"),
        ("usage", None, "a usage event needs a value"),
        ("usage", "  ", "a usage event needs a value"),
        ("usage", "1_000", "is not a number"),
        ("usage", "0x10", "is not a number"),
        ("ces", "8", "8 is out of range"),
        ("ces", "0", "0 is out of range"),
        ("ces", "nan", "is not a number"),
        ("ces", "inf", "is not a number"),
        ("ces", None, "a ces event needs a value"),
        ("handoff-csat", "6", "6 is out of range"),
        ("note", "NaN", "is not a number"),
        ("note", "-Infinity", "is not a number"),
        ("note", "1e999", "is not a finite number"),
        ("first-value", "ten", "is not a number"),
        ("usage", float("nan"), "is not a finite number"),
        ("note", True, "True is not a number"),
        ("bogus", "1", "unknown event kind 'bogus': use one of go-live, workflow-live,"),
        ("Go-Live", None, "unknown event kind 'Go-Live'"),
    ],
)
def test_validate_event_rejects_with_one_line(kind, text, fragment):
    with pytest.raises(BadInput) as err:
        validate_event(kind, text)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_event_milestone_kind_is_the_product_pairing():
    assert EVENT_MILESTONE_KIND == {"go-live": "go-live", "workflow-live": "first-workflow"}


def test_log_event_appends_with_value_and_note(store):
    logged = log_event("acme", "usage", on=date(2026, 5, 4), value="12", note="weekly export", store=store, today=TODAY)
    assert logged.account == "Acme"
    assert logged.event == EventView(kind="usage", on=date(2026, 5, 4), value=12, note="weekly export")
    assert logged.completed_milestones == ()
    name, events = list_events("ACME", store=store, today=TODAY)
    assert name == "Acme"
    assert events == [{"id": 1, "on": date(2026, 5, 4), "kind": "usage", "value": 12, "note": "weekly export"}]


def test_logging_go_live_completes_every_open_go_live_milestone_only(store):
    add_milestone("Acme", "Go-live EU", due_on=date(2026, 5, 20), kind="go-live", on=TODAY, store=store, today=TODAY)
    add_milestone("Acme", "Go-live US", due_on=date(2026, 5, 10), kind="go-live", on=TODAY, store=store, today=TODAY)
    add_milestone("Acme", "UAT", due_on=date(2026, 5, 1), kind="uat", on=TODAY, store=store, today=TODAY)
    add_milestone(
        "Acme", "First workflow", due_on=date(2026, 5, 1), kind="first-workflow", on=TODAY, store=store, today=TODAY
    )

    logged = log_event("Acme", "go-live", on=date(2026, 5, 15), store=store, today=TODAY)

    # the open ones, in due order; milestones of other kinds stay open
    assert logged.completed_milestones == ("Go-live US", "Go-live EU")
    _, ms = list_milestones("Acme", store=store, today=TODAY)
    done = {m.title: m.done_on for m in ms}
    assert done == {
        "UAT": None,
        "First workflow": None,
        "Go-live US": date(2026, 5, 15),
        "Go-live EU": date(2026, 5, 15),
    }
    # one fact: logging the event adds exactly one go-live event
    _, events = list_events("Acme", kind="go-live", store=store, today=TODAY)
    assert [e["on"] for e in events] == [date(2026, 5, 15)]


def test_completing_one_go_live_milestone_completes_the_other_open_ones(store):
    add_milestone("Acme", "Go-live EU", due_on=date(2026, 5, 20), kind="go-live", on=TODAY, store=store, today=TODAY)
    add_milestone("Acme", "Go-live US", due_on=date(2026, 5, 10), kind="go-live", on=TODAY, store=store, today=TODAY)
    add_milestone("Acme", "UAT", due_on=date(2026, 5, 1), kind="uat", on=TODAY, store=store, today=TODAY)

    change = complete_milestone("Acme", "Go-live EU", on=date(2026, 4, 2), store=store, today=TODAY)

    # whichever way the fact is recorded, every open milestone of the kind completes on its date
    assert change.completed_milestones == ("Go-live US",)
    _, ms = list_milestones("Acme", store=store, today=TODAY)
    assert {m.title: m.done_on for m in ms} == {
        "UAT": None,
        "Go-live US": date(2026, 4, 2),
        "Go-live EU": date(2026, 4, 2),
    }
    _, events = list_events("Acme", kind="go-live", store=store, today=TODAY)
    assert [e["on"] for e in events] == [date(2026, 4, 2)]


def test_logging_workflow_live_completes_the_first_workflow_milestone(store):
    add_milestone(
        "Acme", "First workflow", due_on=date(2026, 5, 1), kind="first-workflow", on=TODAY, store=store, today=TODAY
    )
    add_milestone("Acme", "Go-live", due_on=date(2026, 5, 1), kind="go-live", on=TODAY, store=store, today=TODAY)
    logged = log_event("Acme", "workflow-live", on=date(2026, 5, 3), store=store, today=TODAY)
    assert logged.completed_milestones == ("First workflow",)
    _, ms = list_milestones("Acme", store=store, today=TODAY)
    assert {m.title: m.status for m in ms} == {"First workflow": "done", "Go-live": "overdue"}


def test_complete_open_milestones_ignores_kinds_without_a_milestone(store):
    add_milestone("Acme", "Go-live", due_on=date(2026, 5, 1), kind="go-live", on=TODAY, store=store, today=TODAY)
    with store.write() as s:
        from handoff_cli.commands.common import find_account

        acc = find_account(s, "Acme")
        assert complete_open_milestones(s, acc.id, "first-value", TODAY) == []
        assert complete_open_milestones(s, acc.id, "go-live", date(2026, 5, 2)) == ["Go-live"]
        assert complete_open_milestones(s, acc.id, "go-live", date(2026, 5, 9)) == []
    _, ms = list_milestones("Acme", store=store, today=TODAY)
    assert ms[0].done_on == date(2026, 5, 2)


def test_list_events_orders_by_date_then_entry_and_filters(store):
    log_event("Acme", "note", on=date(2026, 5, 9), note="second", store=store, today=TODAY)
    log_event("Acme", "usage", on=date(2026, 5, 2), value="4", store=store, today=TODAY)
    log_event("Acme", "note", on=date(2026, 5, 9), note="third", store=store, today=TODAY)
    log_event("Acme", "ces", on=date(2026, 5, 1), value="5.5", store=store, today=TODAY)
    _, events = list_events("Acme", store=store, today=TODAY)
    assert [(e["kind"], e["on"].isoformat(), e["value"], e["note"]) for e in events] == [
        ("ces", "2026-05-01", 5.5, None),
        ("usage", "2026-05-02", 4, None),
        ("note", "2026-05-09", None, "second"),
        ("note", "2026-05-09", None, "third"),
    ]
    _, notes = list_events("Acme", kind="note", store=store, today=TODAY)
    assert [e["note"] for e in notes] == ["second", "third"]


def test_list_events_rejects_unknown_account_and_kind(store):
    with pytest.raises(NotFound, match="no account 'Acne'; did you mean 'Acme'"):
        list_events("Acne", store=store, today=TODAY)
    with pytest.raises(BadInput, match="unknown event kind 'golive'"):
        list_events("Acme", kind="golive", store=store, today=TODAY)


def test_list_events_finds_the_account_by_external_id(store):
    add_account("Beta", signed_on=date(2026, 3, 1), external_id="crm-7", store=store, today=TODAY)
    log_event("crm-7", "adopted", on=date(2026, 5, 2), store=store, today=TODAY)
    name, events = list_events("crm-7", store=store, today=TODAY)
    assert name == "Beta"
    assert [e["kind"] for e in events] == ["adopted"]


def test_bad_event_writes_nothing(store, dump):
    before = dump()
    for kind, value in [("usage", "abc"), ("ces", "8"), ("bogus", None)]:
        with pytest.raises(BadInput):
            log_event("Acme", kind, on=TODAY, value=value, store=store, today=TODAY)
    with pytest.raises(BadInput, match="note contains control characters"):
        log_event("Acme", "note", on=TODAY, note="a\x00b", store=store, today=TODAY)
    assert dump() == before
