"""commands/handover.py: one transaction from implementation to the CSM."""

from __future__ import annotations

from datetime import date

import pytest

from handoff_cli.commands.accounts import add_account
from handoff_cli.commands.handover import HandoverView, record_handover
from handoff_cli.commands.owners import AssignmentView, assign_owner, owner_history, release_owner
from handoff_cli.config import Config
from handoff_cli.errors import BadInput, Conflict, NotFound
from handoff_cli.queries.reports import handover_risks
from handoff_cli.store import Store, resolve_url

TODAY = date(2026, 6, 1)
D = date.fromisoformat


@pytest.fixture
def store(isolated) -> Store:
    s = Store(resolve_url(None))
    add_account("Acme", signed_on=D("2026-01-01"), store=s, today=TODAY)
    add_account("Tiny", signed_on=D("2026-01-01"), motion="self-serve", store=s, today=TODAY)
    return s


def event(store, kind, on, ref_id=1):
    """A ledger row written directly: these tests are about the handover, not the event command."""
    from handoff_cli.store.models import Event

    with store.write() as s:
        s.add(Event(account_id=ref_id, kind=kind, occurred_on=D(on)))


def hand(store, on, to="Carol", ref="Acme", **kw):
    return record_handover(ref, to=to, on=D(on), store=store, today=TODAY, **kw)


def risks(store, ref="Acme", rules=None):
    """The handover warnings of the account's latest handover: the rules' to say."""
    config = Config.defaults()
    if rules is not None:
        config = Config.from_dict({"rules": rules})
    return handover_risks(ref, store=store, today=TODAY, config=config)


def history(store, ref="Acme"):
    return owner_history(ref, store=store, today=D("2099-01-01")).assignments


def test_handover_ends_implementation_and_starts_the_csm_on_the_same_day(store):
    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    result = hand(
        store,
        "2026-04-01",
        joint_call=True,
        promised="SSO by May",
        customised="custom GL mapping",
        open_issues="webhook retries; flaky export",
    )
    assert result.handover == HandoverView(
        account="Acme",
        handed_on=D("2026-04-01"),
        from_person="Alice",
        to_person="Carol",
        gate_passed=False,
        joint_call=True,
        promised="SSO by May",
        customised="custom GL mapping",
        open_issues="webhook retries; flaky export",
    )
    assert history(store) == (
        AssignmentView("implementation", "Alice", D("2026-02-01"), D("2026-04-01")),
        AssignmentView("csm", "Carol", D("2026-04-01"), None),
    )


def test_the_handover_row_is_stored(store):
    from sqlmodel import select

    from handoff_cli.store.models import Handover

    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    hand(store, "2026-04-01", promised="  SSO  ")
    with store.write() as s:
        rows = [
            (h.handed_on, h.from_person, h.to_person, h.gate_passed, h.joint_call, h.promised, h.customised)
            for h in s.exec(select(Handover)).all()
        ]
    assert rows == [(D("2026-04-01"), "Alice", "Carol", False, False, "SSO", None)]


def test_gate_passed_needs_go_live_and_workflow_live_on_or_before_the_date(store):
    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    event(store, "go-live", "2026-03-01")
    event(store, "workflow-live", "2026-04-02")  # the day after the handover: does not count
    result = hand(store, "2026-04-01")
    assert result.handover.gate_passed is False
    assert result.gate_missing == ("workflow-live",)
    assert risks(store) == ("config-gate-handover", "cold-handover")


def test_gate_passed_with_both_events_on_the_day(store):
    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    event(store, "go-live", "2026-04-01")
    event(store, "workflow-live", "2026-04-01")
    result = hand(store, "2026-04-01", joint_call=True)
    assert result.handover.gate_passed is True
    assert result.gate_missing == ()
    assert risks(store) == ()


def test_another_accounts_events_do_not_count(store):
    event(store, "go-live", "2026-03-01", ref_id=2)
    event(store, "workflow-live", "2026-03-01", ref_id=2)
    assert hand(store, "2026-04-01").gate_missing == ("go-live", "workflow-live")


def test_self_serve_gate_is_workflow_live_alone_and_raises_no_risks(store):
    event(store, "workflow-live", "2026-03-01", ref_id=2)
    result = hand(store, "2026-04-01", ref="Tiny")
    assert result.handover.gate_passed is True
    assert risks(store, "Tiny") == ()
    # no joint call and no gate: still no handover risks for a self-serve account
    add_account("Tiny2", signed_on=D("2026-01-01"), motion="self-serve", store=store, today=TODAY)
    hand(store, "2026-04-01", ref="Tiny2")
    assert risks(store, "Tiny2") == ()


def test_a_handover_rule_disabled_in_the_config_warns_of_nothing(store):
    hand(store, "2026-04-01")
    assert risks(store) == ("config-gate-handover", "cold-handover")
    assert risks(store, rules={"cold-handover": {"enabled": False}}) == ("config-gate-handover",)


def test_handover_with_nobody_on_implementation(store):
    result = hand(store, "2026-04-01")
    assert result.handover.from_person is None
    assert history(store) == (AssignmentView("csm", "Carol", D("2026-04-01"), None),)


def test_handover_to_a_new_csm_ends_the_old_csm(store):
    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    assign_owner("Acme", "csm", "Bea", on=D("2026-02-01"), store=store, today=TODAY)
    result = hand(store, "2026-04-01")
    assert result.csm_replaced == "Bea"
    assert history(store) == (
        AssignmentView("implementation", "Alice", D("2026-02-01"), D("2026-04-01")),
        AssignmentView("csm", "Bea", D("2026-02-01"), D("2026-04-01")),
        AssignmentView("csm", "Carol", D("2026-04-01"), None),
    )


def test_handover_to_the_csm_already_on_the_account_keeps_their_assignment(store):
    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    assign_owner("Acme", "csm", "Carol", on=D("2026-02-01"), store=store, today=TODAY)
    result = hand(store, "2026-04-01", to="carol")
    assert result.csm_replaced is None
    assert result.handover.to_person == "Carol"  # the role holder's spelling
    assert history(store) == (
        AssignmentView("implementation", "Alice", D("2026-02-01"), D("2026-04-01")),
        AssignmentView("csm", "Carol", D("2026-02-01"), None),
    )


def test_a_solo_founder_can_hand_over_to_themself(store):
    assign_owner("Acme", "implementation", "Sam", on=D("2026-02-01"), store=store, today=TODAY)
    result = hand(store, "2026-04-01", to="Sam")
    assert (result.handover.from_person, result.handover.to_person) == ("Sam", "Sam")
    assert history(store) == (
        AssignmentView("implementation", "Sam", D("2026-02-01"), D("2026-04-01")),
        AssignmentView("csm", "Sam", D("2026-04-01"), None),
    )


def test_a_date_before_the_implementation_holders_start_is_bad_input(store, dump):
    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    before = dump()
    with pytest.raises(BadInput, match="Alice has held the implementation role on Acme since 2026-02-01"):
        hand(store, "2026-01-31")
    assert dump() == before


def test_a_date_inside_a_finished_implementation_assignment_is_bad_input(store, dump):
    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    release_owner("Acme", "implementation", on=D("2026-03-01"), store=store, today=TODAY)
    before = dump()
    with pytest.raises(BadInput, match="Alice held the implementation role on Acme until 2026-03-01"):
        hand(store, "2026-02-15")
    assert dump() == before


def test_a_date_before_the_current_csms_start_is_bad_input(store, dump):
    assign_owner("Acme", "csm", "Bea", on=D("2026-03-01"), store=store, today=TODAY)
    before = dump()
    with pytest.raises(BadInput, match="Bea has held the csm role on Acme since 2026-03-01"):
        hand(store, "2026-02-15")
    assert dump() == before


def test_a_date_before_the_latest_handover_is_bad_input(store, dump):
    hand(store, "2026-04-01")
    before = dump()
    with pytest.raises(BadInput, match="Acme was handed over on 2026-04-01 already"):
        hand(store, "2026-03-31", to="Dan")
    assert dump() == before


def test_repeating_a_handover_with_nothing_to_do_is_refused(store, dump):
    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    hand(store, "2026-04-01")
    before = dump()
    with pytest.raises(Conflict, match="handed over to Carol on 2026-04-01 already"):
        hand(store, "2026-04-05", to="CAROL")
    assert dump() == before


def test_a_second_implementation_phase_can_be_handed_over_again(store):
    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    hand(store, "2026-04-01")
    assign_owner("Acme", "implementation", "Alice", on=D("2026-05-01"), store=store, today=TODAY)
    result = hand(store, "2026-05-20")
    assert result.handover.from_person == "Alice"
    assert history(store)[-2:] == (
        AssignmentView("csm", "Carol", D("2026-04-01"), None),
        AssignmentView("implementation", "Alice", D("2026-05-01"), D("2026-05-20")),
    )


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"to": ""}, "--to must not be empty"),
        ({"to": "Ca\x00rol"}, "--to contains control characters"),
        ({"promised": "a\x1bb"}, "--promised contains control characters"),
        ({"customised": "x" * 10_001}, "--customised is too long"),
        ({"open_issues": "\x7f"}, "--open-issues contains control characters"),
    ],
)
def test_bad_text_writes_nothing(store, dump, kw, message):
    assign_owner("Acme", "implementation", "Alice", on=D("2026-02-01"), store=store, today=TODAY)
    before = dump()
    args = {"to": "Carol", **kw}
    with pytest.raises(BadInput, match=message):
        record_handover("Acme", on=D("2026-04-01"), store=store, today=TODAY, **args)
    assert dump() == before


def test_empty_context_texts_are_stored_as_none(store):
    result = hand(store, "2026-04-01", promised="  ", customised="", open_issues=None)
    assert (result.handover.promised, result.handover.customised, result.handover.open_issues) == (None, None, None)


def test_unknown_account(store, dump):
    before = dump()
    with pytest.raises(NotFound, match="no account 'Nope'"):
        hand(store, "2026-04-01", ref="Nope")
    assert dump() == before
