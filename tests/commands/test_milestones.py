"""commands/milestones.py: add, done, slip, list; baselines and slips."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handoff_cli.commands.accounts import add_account
from handoff_cli.commands.events import EventView, list_events
from handoff_cli.commands.milestones import (
    MilestoneView,
    SlipView,
    add_milestone,
    complete_milestone,
    list_milestones,
    milestone_kinds,
    slip_milestone,
)
from handoff_cli.errors import BadInput, Conflict, NotFound
from handoff_cli.store import Store, resolve_url

TODAY = date(2026, 6, 1)


@pytest.fixture
def store():
    s = Store(resolve_url(None))
    add_account("Acme", signed_on=date(2026, 3, 1), store=s, today=TODAY)
    return s


def _add(store, title, due, **kw):
    return add_milestone("Acme", title, due_on=due, on=kw.pop("on", date(2026, 3, 2)), store=store, today=TODAY, **kw)


def test_add_sets_baseline_and_due_and_defaults(store):
    change = _add(store, "  SSO  ", date(2026, 4, 1))
    assert change.account == "Acme"
    assert change.milestone == MilestoneView(
        title="SSO",
        kind="other",
        side="vendor",
        baseline_due_on=date(2026, 4, 1),
        due_on=date(2026, 4, 1),
        done_on=None,
        slip_days=0,
        status="overdue",  # due 2026-04-01 is before today 2026-06-01
    )
    assert change.slip is None and change.event is None


def test_add_stores_added_on(store):
    from handoff_cli.store import to_date

    _add(store, "SSO", date(2026, 7, 1), kind="integration", side="customer", on=date(2026, 3, 9))
    with store.reader() as r:
        (row,) = r.all("SELECT title, title_key, kind, side, baseline_due_on, due_on, done_on, added_on FROM milestone")
    row = tuple(row[:4]) + tuple(to_date(v) for v in row[4:])
    assert row == ("SSO", "sso", "integration", "customer", date(2026, 7, 1), date(2026, 7, 1), None, date(2026, 3, 9))


def test_titles_are_unique_per_account_ignoring_case(store):
    _add(store, "Data Migration", date(2026, 7, 1))
    with pytest.raises(Conflict, match="Acme has a milestone 'Data Migration' already"):
        _add(store, "data migration", date(2026, 8, 1))
    add_account("Beta", signed_on=date(2026, 3, 1), store=store, today=TODAY)
    other = add_milestone("Beta", "data migration", due_on=date(2026, 8, 1), on=TODAY, store=store, today=TODAY)
    assert other.account == "Beta"


def test_kinds_come_from_defaults_plus_config(store, tmp_path):
    assert "training" not in milestone_kinds()
    with pytest.raises(BadInput, match="unknown milestone kind 'training'"):
        _add(store, "Admin training", date(2026, 7, 1), kind="training")
    (tmp_path / "config.toml").write_text('[milestones]\nkinds = ["training", "security-review"]\n')
    assert milestone_kinds()[-3:] == ("other", "training", "security-review")
    assert _add(store, "Admin training", date(2026, 7, 1), kind="training").milestone.kind == "training"


def test_malformed_config_kinds_is_bad_input(store, tmp_path):
    (tmp_path / "config.toml").write_text('[milestones]\nkinds = "training"\n')
    with pytest.raises(BadInput, match="kinds must be a list of names"):
        _add(store, "Admin training", date(2026, 7, 1))


def test_side_must_be_vendor_or_customer(store):
    with pytest.raises(BadInput, match="side 'partner' is not one of vendor, customer"):
        _add(store, "SSO", date(2026, 7, 1), side="partner")


def test_done_of_an_ordinary_milestone_records_no_event(store):
    _add(store, "SSO", date(2026, 7, 1), kind="integration")
    change = complete_milestone("acme", "sso", on=date(2026, 5, 20), store=store, today=TODAY)
    assert change.milestone.done_on == date(2026, 5, 20)
    assert change.milestone.status == "done"
    assert change.event is None
    assert list_events("Acme", store=store, today=TODAY)[1] == []


@pytest.mark.parametrize("kind, event_kind", [("go-live", "go-live"), ("first-workflow", "workflow-live")])
def test_done_of_a_go_live_or_first_workflow_milestone_records_the_event(store, kind, event_kind):
    _add(store, "The step", date(2026, 7, 1), kind=kind)
    change = complete_milestone("Acme", "The step", on=date(2026, 5, 20), store=store, today=TODAY)
    expected = EventView(kind=event_kind, on=date(2026, 5, 20), value=None, note=None)
    assert change.event == expected
    assert [_without_id(e) for e in list_events("Acme", store=store, today=TODAY)[1]] == [expected.as_dict()]


def test_a_go_live_milestone_added_after_the_go_live_is_added_done_without_a_second_event(store):
    from handoff_cli.commands.events import log_event

    log_event("Acme", "go-live", on=date(2026, 5, 20), store=store, today=TODAY)
    change = _add(store, "Go-live", date(2026, 7, 1), kind="go-live", on=date(2026, 5, 25))
    # one fact: the milestone is the go-live recorded on 05-20, and says so
    assert change.milestone.done_on == date(2026, 5, 20)
    assert change.notes == ("milestone 'Go-live' of Acme added done on 2026-05-20: the go-live was recorded then",)
    assert [e["on"] for e in list_events("Acme", store=store, today=TODAY)[1]] == [date(2026, 5, 20)]


def test_done_twice_and_unknown_title_are_bad_input(store):
    _add(store, "SSO", date(2026, 7, 1))
    complete_milestone("Acme", "SSO", on=date(2026, 5, 20), store=store, today=TODAY)
    with pytest.raises(BadInput, match="milestone 'SSO' of Acme was done on 2026-05-20 already"):
        complete_milestone("Acme", "SSO", on=TODAY, store=store, today=TODAY)
    with pytest.raises(NotFound, match="Acme has no milestone 'SOS'; did you mean 'SSO'"):
        complete_milestone("Acme", "SOS", on=TODAY, store=store, today=TODAY)


def test_slip_records_cause_and_moves_due_keeping_baseline(store):
    _add(store, "SSO", date(2026, 7, 1))
    change = slip_milestone(
        "Acme",
        "SSO",
        to=date(2026, 7, 15),
        cause="customer",
        note="IdP admin away",
        on=date(2026, 6, 20),
        store=store,
        today=TODAY,
    )
    # 2026-07-15 - 2026-07-01 = 14 days
    assert change.slip == SlipView(
        recorded_on=date(2026, 6, 20),
        from_due_on=date(2026, 7, 1),
        to_due_on=date(2026, 7, 15),
        days=14,
        cause="customer",
        note="IdP admin away",
    )
    assert (change.milestone.baseline_due_on, change.milestone.due_on, change.milestone.slip_days) == (
        date(2026, 7, 1),
        date(2026, 7, 15),
        14,
    )
    # pulled in: 2026-07-05 - 2026-07-15 = -10; total 14 - 10 = 4 = 2026-07-05 - 2026-07-01
    pulled = slip_milestone("Acme", "sso", to=date(2026, 7, 5), cause="internal", on=TODAY, store=store, today=TODAY)
    assert pulled.slip.days == -10
    assert pulled.milestone.slip_days == 4
    assert pulled.milestone.baseline_due_on == date(2026, 7, 1)


def test_slip_rules(store):
    _add(store, "SSO", date(2026, 7, 1))
    with pytest.raises(BadInput, match="is due on 2026-07-01 already"):
        slip_milestone("Acme", "SSO", to=date(2026, 7, 1), cause="scope", on=TODAY, store=store, today=TODAY)
    with pytest.raises(BadInput, match="slip cause 'weather' is not one of customer, internal, scope"):
        slip_milestone("Acme", "SSO", to=date(2026, 7, 2), cause="weather", on=TODAY, store=store, today=TODAY)
    complete_milestone("Acme", "SSO", on=TODAY, store=store, today=TODAY)
    with pytest.raises(BadInput, match="a done milestone cannot slip"):
        slip_milestone("Acme", "SSO", to=date(2026, 7, 2), cause="scope", on=TODAY, store=store, today=TODAY)


def test_list_in_due_order_with_status_and_slip_days(store):
    _add(store, "Go-live", date(2026, 7, 1), kind="go-live")
    _add(store, "UAT", date(2026, 6, 1), kind="uat", side="customer")
    _add(store, "Provision", date(2026, 4, 1), kind="provision")
    _add(store, "SSO", date(2026, 5, 1), kind="integration")
    complete_milestone("Acme", "Provision", on=date(2026, 4, 3), store=store, today=TODAY)
    slip_milestone(
        "Acme", "SSO", to=date(2026, 5, 20), cause="customer", on=date(2026, 4, 28), store=store, today=TODAY
    )
    slip_milestone(
        "Acme", "SSO", to=date(2026, 5, 25), cause="internal", on=date(2026, 5, 18), store=store, today=TODAY
    )
    name, ms = list_milestones("ACME", store=store, today=TODAY)
    assert name == "Acme"
    # SSO: (05-20 - 05-01) + (05-25 - 05-20) = 19 + 5 = 24 days; due 05-25 < today: overdue.
    # UAT is due today: not overdue yet.
    assert [(m.title, m.due_on.isoformat(), m.slip_days, m.status) for m in ms] == [
        ("Provision", "2026-04-01", 0, "done"),
        ("SSO", "2026-05-25", 24, "overdue"),
        ("UAT", "2026-06-01", 0, "open"),
        ("Go-live", "2026-07-01", 0, "open"),
    ]


def test_list_unknown_account(store):
    with pytest.raises(NotFound, match="no account 'Nope'"):
        list_milestones("Nope", store=store, today=TODAY)


def test_bad_milestone_input_writes_nothing(store, dump):
    _add(store, "SSO", date(2026, 7, 1))
    before = dump()
    attempts = [
        lambda: _add(store, "sso", date(2026, 8, 1)),
        lambda: _add(store, "Bell\x07", date(2026, 8, 1)),
        lambda: _add(store, "   ", date(2026, 8, 1)),
        lambda: _add(store, "X", date(2026, 8, 1), kind="nope"),
        lambda: add_milestone("Nobody", "X", due_on=TODAY, on=TODAY, store=store, today=TODAY),
        lambda: slip_milestone("Acme", "SSO", to=date(2026, 7, 1), cause="scope", on=TODAY, store=store, today=TODAY),
    ]
    for attempt in attempts:
        with pytest.raises(BadInput):
            attempt()
    assert dump() == before


_titles = itertools.count()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    baseline_offset=st.integers(min_value=-200, max_value=200),
    moves=st.lists(
        st.tuples(st.integers(min_value=-400, max_value=400), st.sampled_from(["customer", "internal", "scope"])),
        min_size=1,
        max_size=8,
    ),
)
def test_slips_keep_the_baseline_and_add_up(store, baseline_offset, moves):
    title = f"Step {next(_titles)}"
    baseline = TODAY + timedelta(days=baseline_offset)
    _add(store, title, baseline)
    due = baseline
    lengths = []
    last_to = None
    for offset, cause in moves:
        to = TODAY + timedelta(days=offset)
        if to == due:
            with pytest.raises(BadInput):
                slip_milestone("Acme", title, to=to, cause=cause, on=TODAY, store=store, today=TODAY)
            continue
        change = slip_milestone("Acme", title, to=to, cause=cause, on=TODAY, store=store, today=TODAY)
        assert change.slip.days == (to - due).days
        assert change.milestone.baseline_due_on == baseline
        lengths.append(change.slip.days)
        due = last_to = to
    (view,) = [m for m in list_milestones("Acme", store=store, today=TODAY)[1] if m.title == title]
    assert view.baseline_due_on == baseline
    assert view.due_on == (last_to if last_to is not None else baseline)
    assert view.slip_days == sum(lengths) == (view.due_on - view.baseline_due_on).days


def _without_id(event: dict) -> dict:
    return {k: v for k, v in event.items() if k != "id"}
