"""commands/owners.py: one holder per role, replacement, release, history."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handoff_cli.commands.accounts import add_account
from handoff_cli.commands.owners import (
    AssignmentView,
    assign_owner,
    owner_history,
    release_owner,
)
from handoff_cli.errors import BadInput, NotFound
from handoff_cli.store import Store, resolve_url

TODAY = date(2026, 6, 1)
D = date.fromisoformat


@pytest.fixture
def store(isolated) -> Store:
    s = Store(resolve_url(None))
    add_account("Acme", signed_on=D("2026-01-01"), external_id="CRM-1", store=s, today=TODAY)
    return s


def assign(store, role, person, on, ref="Acme"):
    return assign_owner(ref, role, person, on=D(on), store=store, today=TODAY)


def release(store, role, on, ref="Acme"):
    return release_owner(ref, role, on=D(on), store=store, today=TODAY)


def history(store, ref="Acme", today=TODAY):
    return owner_history(ref, store=store, today=today)


def test_first_assignment_starts_on_the_date(store):
    change = assign(store, "csm", "Carol", "2026-02-01")
    assert change.changed is True
    assert change.ended is None
    assert change.assignment == AssignmentView("csm", "Carol", D("2026-02-01"), None)
    assert history(store).assignments == (AssignmentView("csm", "Carol", D("2026-02-01"), None),)


def test_assigning_a_held_role_ends_the_previous_holder_on_that_date(store):
    assign(store, "implementation", "Alice", "2026-02-01")
    change = assign(store, "implementation", "Bob", "2026-03-10")
    assert change.ended == AssignmentView("implementation", "Alice", D("2026-02-01"), D("2026-03-10"))
    assert change.assignment == AssignmentView("implementation", "Bob", D("2026-03-10"), None)
    assert history(store).assignments == (
        AssignmentView("implementation", "Alice", D("2026-02-01"), D("2026-03-10")),
        AssignmentView("implementation", "Bob", D("2026-03-10"), None),
    )


def test_roles_are_independent(store):
    assign(store, "implementation", "Alice", "2026-02-01")
    assign(store, "sponsor", "Dana", "2026-02-03")
    assign(store, "champion", "Chris", "2026-02-02")
    assert [(a.role, a.person, a.end_on) for a in history(store).assignments] == [
        ("implementation", "Alice", None),
        ("champion", "Chris", None),
        ("sponsor", "Dana", None),
    ]


def test_assigning_the_current_holder_again_changes_nothing_ignoring_case(store, dump):
    assign(store, "csm", "Carol Jones", "2026-02-01")
    before = dump()
    change = assign(store, "csm", "  carol JONES ", "2026-04-01")
    assert change.changed is False
    assert change.ended is None
    assert change.assignment == AssignmentView("csm", "Carol Jones", D("2026-02-01"), None)
    assert dump() == before


def test_names_keep_their_case_and_lose_surrounding_space(store):
    change = assign(store, "champion", "  McKenzie O'Neil ", "2026-02-01")
    assert change.assignment.person == "McKenzie O'Neil"


def test_role_names_ignore_case(store):
    assert assign(store, " CSM ", "Carol", "2026-02-01").role == "csm"


def test_a_date_before_the_current_holders_start_is_bad_input(store, dump):
    assign(store, "csm", "Carol", "2026-03-01")
    before = dump()
    with pytest.raises(BadInput, match=r"Carol has held the csm role on Acme since 2026-03-01"):
        assign(store, "csm", "Dan", "2026-02-28")
    # the same holder with an earlier date is not silently accepted either
    with pytest.raises(BadInput, match="since 2026-03-01"):
        assign(store, "csm", "Carol", "2026-02-28")
    assert dump() == before


def test_a_date_inside_a_finished_assignment_is_bad_input(store, dump):
    assign(store, "csm", "Carol", "2026-02-01")
    release(store, "csm", "2026-03-01")
    before = dump()
    with pytest.raises(BadInput, match=r"Carol held the csm role on Acme until 2026-03-01"):
        assign(store, "csm", "Dan", "2026-02-15")
    assert dump() == before


def test_a_same_day_replacement_leaves_a_zero_day_assignment(store):
    assign(store, "sponsor", "Dana", "2026-02-01")
    assign(store, "sponsor", "Eve", "2026-02-01")
    assert history(store).assignments == (
        AssignmentView("sponsor", "Dana", D("2026-02-01"), D("2026-02-01")),
        AssignmentView("sponsor", "Eve", D("2026-02-01"), None),
    )


def test_release_ends_the_current_assignment(store):
    assign(store, "champion", "Chris", "2026-02-01")
    change = release(store, "champion", "2026-04-30")
    assert change.assignment == AssignmentView("champion", "Chris", D("2026-02-01"), D("2026-04-30"))
    assert history(store).assignments == (AssignmentView("champion", "Chris", D("2026-02-01"), D("2026-04-30")),)
    # vacant now: it can be assigned again from that date on
    assert assign(store, "champion", "Chris", "2026-05-01").changed is True


def test_release_with_nobody_holding_the_role_is_bad_input(store, dump):
    before = dump()
    with pytest.raises(BadInput, match=r"nobody holds the csm role on Acme"):
        release(store, "csm", "2026-02-01")
    assert dump() == before


def test_release_before_the_start_is_bad_input(store, dump):
    assign(store, "csm", "Carol", "2026-03-01")
    before = dump()
    with pytest.raises(BadInput, match="since 2026-03-01"):
        release(store, "csm", "2026-02-01")
    assert dump() == before


def test_releasing_the_last_owner_of_a_high_touch_account_is_flagged_ownerless(store):
    assign(store, "implementation", "Alice", "2026-02-01")
    assign(store, "csm", "Carol", "2026-02-01")
    assert release(store, "implementation", "2026-03-01").ownerless is False
    assert release(store, "csm", "2026-03-02").ownerless is True


def test_self_serve_accounts_are_never_flagged_ownerless(store):
    add_account("Tiny", signed_on=D("2026-01-01"), motion="self-serve", store=store, today=TODAY)
    assign(store, "csm", "Carol", "2026-02-01", ref="Tiny")
    assert release(store, "csm", "2026-03-01", ref="Tiny").ownerless is False


def test_sponsor_release_is_not_an_ownerless_seam(store):
    assign(store, "sponsor", "Dana", "2026-02-01")
    assert release(store, "sponsor", "2026-03-01").ownerless is False


@pytest.mark.parametrize("role", ["owner", "", "CSMs"])
def test_unknown_role_is_bad_input(store, dump, role):
    before = dump()
    with pytest.raises(BadInput, match="use one of implementation, csm, sponsor, champion"):
        assign(store, role, "Carol", "2026-02-01")
    with pytest.raises(BadInput, match="use one of implementation, csm, sponsor, champion"):
        release(store, role, "2026-02-01")
    assert dump() == before


@pytest.mark.parametrize("person", ["", "   ", "Car\x00ol", "Carol\nJones", "x" * 201])
def test_bad_person_names_are_bad_input(store, dump, person):
    before = dump()
    with pytest.raises(BadInput):
        assign(store, "csm", person, "2026-02-01")
    assert dump() == before


def test_accounts_are_found_by_external_id_and_unknown_ones_get_a_hint(store):
    assign(store, "csm", "Carol", "2026-02-01", ref="CRM-1")
    assert history(store, ref="CRM-1").account == "Acme"
    with pytest.raises(NotFound, match=r"no account 'Acmee'; did you mean 'Acme'\?"):
        assign(store, "csm", "Carol", "2026-02-01", ref="Acmee")
    with pytest.raises(NotFound, match=r"no account 'Acmee'; did you mean 'Acme'\?"):
        history(store, ref="Acmee")


def test_history_sees_only_facts_dated_on_or_before_today(store):
    assign(store, "implementation", "Alice", "2026-02-01")
    assign(store, "implementation", "Bob", "2026-07-01")  # a planned change, after today
    hist = history(store)
    # Alice's end (2026-07-01) is after today: as of today she still holds the role
    assert hist.assignments == (AssignmentView("implementation", "Alice", D("2026-02-01"), None),)
    assert hist.later == 1
    later = history(store, today=D("2026-07-01"))
    assert later.assignments == (
        AssignmentView("implementation", "Alice", D("2026-02-01"), D("2026-07-01")),
        AssignmentView("implementation", "Bob", D("2026-07-01"), None),
    )
    assert later.later == 0


def test_history_orders_by_start_then_entry(store):
    assign(store, "sponsor", "Dana", "2026-03-01")
    assign(store, "csm", "Carol", "2026-02-01")
    assign(store, "champion", "Chris", "2026-03-01")
    assert [a.person for a in history(store).assignments] == ["Carol", "Dana", "Chris"]


# -- property: one holder at a time, no overlapping intervals ------------------

_counter = itertools.count()

ops = st.lists(
    st.tuples(
        st.sampled_from(["assign", "release"]),
        st.sampled_from(["Ann", "ann", "Ben", "Cy"]),
        st.integers(min_value=0, max_value=40),
    ),
    min_size=1,
    max_size=12,
)


def _model(rows, op, person, on):
    """The rules by hand: the expected rows after one operation, or None when it must be refused."""
    rows = [list(r) for r in rows]
    current = next((r for r in rows if r[2] is None), None)
    last_end = max((r[2] for r in rows if r[2] is not None), default=None)
    if op == "release" and current is None:
        return None
    if (current is not None and on < current[1]) or (last_end is not None and on < last_end):
        return None
    if op == "release":
        current[2] = on
    elif current is None or current[0].casefold() != person.casefold():
        if current is not None:
            current[2] = on
        rows.append([person, on, None])
    return rows


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=ops)
def test_property_at_most_one_open_assignment_and_no_overlap(store, ops):
    """Random assign/release sequences (with random, sometimes backdated, dates) on one role.

    Each example gets its own account, so examples do not share state. After
    every step: at most one open assignment, intervals in start order never
    overlap, and the rows match the rules worked by hand (_model).
    """
    name = f"Prop {next(_counter)}"
    add_account(name, signed_on=D("2026-01-01"), store=store, today=TODAY)
    base = D("2026-01-01")
    expected: list = []
    for op, person, offset in ops:
        on = base + timedelta(days=offset)
        after = _model(expected, op, person, on)
        try:
            if op == "assign":
                assign_owner(name, "csm", person, on=on, store=store, today=TODAY)
            else:
                release_owner(name, "csm", on=on, store=store, today=TODAY)
        except BadInput:
            assert after is None, f"{op} {person} {on} was refused"
        else:
            assert after is not None, f"{op} {person} {on} was accepted"
            expected = after
        rows = history(store, ref=name, today=D("2099-01-01")).assignments
        assert [[a.person, a.start_on, a.end_on] for a in rows] == expected
        assert len([a for a in rows if a.end_on is None]) <= 1
        for a in rows:
            assert a.end_on is None or a.start_on <= a.end_on
        for prev, nxt in zip(rows, rows[1:]):
            # ordered by start: each interval ends (half-open) by the time the next starts
            assert prev.end_on is not None and prev.end_on <= nxt.start_on
