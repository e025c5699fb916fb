"""commands/plans.py: versions, carrying forward, the sponsor role."""

from __future__ import annotations

from datetime import date

import pytest

from handoff_cli.commands.accounts import add_account
from handoff_cli.commands.owners import AssignmentView, assign_owner, owner_history, release_owner
from handoff_cli.commands.plans import PlanView, set_plan, show_plans
from handoff_cli.errors import BadInput, NotFound
from handoff_cli.store import Store, resolve_url

TODAY = date(2026, 6, 1)
D = date.fromisoformat


@pytest.fixture
def store(isolated) -> Store:
    s = Store(resolve_url(None))
    add_account("Acme", signed_on=D("2026-01-01"), store=s, today=TODAY)
    return s


def plan(store, on, outcome="Close the books in 3 days", **kw):
    return set_plan("Acme", outcome=outcome, on=D(on), store=store, today=TODAY, **kw)


def plans(store, today=TODAY):
    return show_plans("Acme", store=store, today=today)


def roles(store, role="sponsor"):
    return [a for a in owner_history("Acme", store=store, today=D("2099-01-01")).assignments if a.role == role]


def test_first_version(store):
    result = plan(store, "2026-01-10", sponsor="Dana", criteria=["close < 3 days", "2 teams live"])
    assert result.plan == PlanView(
        1, D("2026-01-10"), "Close the books in 3 days", "Dana", ("close < 3 days", "2 teams live")
    )
    assert plans(store).plans == (result.plan,)


def test_each_set_is_a_new_version_and_old_ones_stay(store):
    plan(store, "2026-01-10", outcome="v1 outcome", sponsor="Dana", criteria=["a"])
    plan(store, "2026-02-10", outcome="v2 outcome", criteria=["b", "c"])
    assert plans(store).plans == (
        PlanView(1, D("2026-01-10"), "v1 outcome", "Dana", ("a",)),
        PlanView(2, D("2026-02-10"), "v2 outcome", "Dana", ("b", "c")),
    )


def test_sponsor_and_criteria_carry_forward_when_not_restated(store):
    plan(store, "2026-01-10", sponsor="Dana", criteria=["a", "b"])
    result = plan(store, "2026-02-10", outcome="new words")
    assert result.plan == PlanView(2, D("2026-02-10"), "new words", "Dana", ("a", "b"))


def test_given_criteria_replace_the_list(store):
    plan(store, "2026-01-10", criteria=["a", "b"])
    assert plan(store, "2026-02-10", criteria=["c"]).plan.criteria == ("c",)


def test_a_plan_without_sponsor_or_criteria(store):
    result = plan(store, "2026-01-10")
    assert result.plan == PlanView(1, D("2026-01-10"), "Close the books in 3 days", None, ())
    assert result.sponsor_assignment is None


def test_the_named_sponsor_takes_the_sponsor_role_on_the_plans_date(store):
    result = plan(store, "2026-01-10", sponsor="Dana")
    assert result.sponsor_assignment == AssignmentView("sponsor", "Dana", D("2026-01-10"), None)
    assert result.sponsor_replaced is None
    assert roles(store) == [AssignmentView("sponsor", "Dana", D("2026-01-10"), None)]


def test_a_sponsor_who_holds_the_role_already_is_left_alone(store):
    assign_owner("Acme", "sponsor", "Dana Lee", on=D("2026-01-05"), store=store, today=TODAY)
    result = plan(store, "2026-01-10", sponsor="dana lee")
    assert result.sponsor_assignment is None
    assert roles(store) == [AssignmentView("sponsor", "Dana Lee", D("2026-01-05"), None)]
    # one person, one spelling: the plan takes the role holder's
    assert result.plan.sponsor == "Dana Lee"


def test_a_new_sponsor_replaces_the_old_one_on_the_plans_date(store):
    plan(store, "2026-01-10", sponsor="Dana")
    result = plan(store, "2026-03-01", sponsor="Eve")
    assert result.sponsor_replaced == AssignmentView("sponsor", "Dana", D("2026-01-10"), D("2026-03-01"))
    assert roles(store) == [
        AssignmentView("sponsor", "Dana", D("2026-01-10"), D("2026-03-01")),
        AssignmentView("sponsor", "Eve", D("2026-03-01"), None),
    ]


def test_a_carried_forward_sponsor_is_not_reassigned(store):
    plan(store, "2026-01-10", sponsor="Dana")
    release_owner("Acme", "sponsor", on=D("2026-02-01"), store=store, today=TODAY)
    result = plan(store, "2026-03-01", outcome="restated")
    assert result.plan.sponsor == "Dana"
    assert result.sponsor_assignment is None
    assert roles(store) == [AssignmentView("sponsor", "Dana", D("2026-01-10"), D("2026-02-01"))]


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"outcome": ""}, "outcome must not be empty"),
        ({"outcome": "   \n "}, "outcome must not be empty"),
        ({"outcome": "ok\x07"}, "outcome contains control characters"),
        ({"outcome": "x" * 10_001}, "outcome is too long"),
        ({"sponsor": ""}, "sponsor must not be empty"),
        ({"sponsor": "Da\nna"}, "sponsor contains control characters"),
        ({"criteria": ["a", " "]}, "criterion 2 must not be empty"),
        ({"criteria": ["a", "b", "A"]}, "criterion 3 'A' is given twice"),
    ],
)
def test_bad_plan_input_writes_nothing(store, dump, kw, message):
    before = dump()
    args = {"outcome": "fine", **kw}
    with pytest.raises(BadInput, match=message):
        set_plan("Acme", on=D("2026-01-10"), store=store, today=TODAY, **args)
    assert dump() == before


def test_a_version_dated_before_the_previous_is_bad_input(store, dump):
    plan(store, "2026-02-01")
    before = dump()
    with pytest.raises(BadInput, match="version 1 of Acme's plan was agreed on 2026-02-01"):
        plan(store, "2026-01-31")
    assert dump() == before


def test_a_sponsor_change_backdated_before_the_current_sponsor_writes_nothing(store, dump):
    assign_owner("Acme", "sponsor", "Dana", on=D("2026-02-01"), store=store, today=TODAY)
    before = dump()
    with pytest.raises(BadInput, match="Dana has held the sponsor role on Acme since 2026-02-01"):
        plan(store, "2026-01-15", sponsor="Eve")
    assert dump() == before


def test_unknown_account(store, dump):
    before = dump()
    with pytest.raises(NotFound):
        set_plan("Nope", outcome="x", on=D("2026-01-10"), store=store, today=TODAY)
    with pytest.raises(NotFound):
        show_plans("Nope", store=store, today=TODAY)
    assert dump() == before


def test_show_sees_versions_agreed_on_or_before_today(store):
    plan(store, "2026-01-10", outcome="v1")
    plan(store, "2026-07-01", outcome="v2")
    now = plans(store)
    assert [p.outcome for p in now.plans] == ["v1"]
    assert now.later == 1
    assert [p.outcome for p in plans(store, today=D("2026-07-01")).plans] == ["v1", "v2"]


def test_show_with_no_plan_is_empty(store):
    result = plans(store)
    assert result.plans == ()
    assert result.account == "Acme"
