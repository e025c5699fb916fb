"""Report services over a real store: scope, the lag across the portfolio, and the
property that facts dated after the as-of date never change a report."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handoff_cli.config import Config
from handoff_cli.queries.reports import Scope, account_brief, breaches_report, health_report, timeline
from handoff_cli.render import dumps, envelope
from handoff_cli.store import Store, resolve_url
from handoff_cli.store.models import Account, Assignment, Event, Handover, Milestone, Slip, SuccessPlan

D = date
AS_OF = D(2026, 6, 1)
CONFIG = Config.defaults()


@pytest.fixture
def store():
    s = Store(resolve_url(None))
    s.ensure_ready(create=True)
    return s


def add(store, *rows):
    with store.write() as s:
        for row in rows:
            s.add(row)
            s.flush()
    return rows[0].id if rows else None


def account(store, name, signed, **kw):
    return add(store, Account(name=name, name_key=name.casefold(), signed_on=signed, **kw))


def base_portfolio(store):
    """A few accounts with facts on or before AS_OF."""
    a = account(store, "Acme", D(2026, 1, 1))
    add(store, Assignment(account_id=a, role="implementation", person="Ivy", start_on=D(2026, 1, 2)))
    add(store, Assignment(account_id=a, role="sponsor", person="Sam", start_on=D(2026, 1, 5), end_on=D(2026, 5, 20)))
    m = add(
        store,
        Milestone(
            account_id=a,
            title="Go live",
            title_key="go live",
            kind="go-live",
            baseline_due_on=D(2026, 3, 1),
            due_on=D(2026, 3, 1),
            added_on=D(2026, 1, 5),
        ),
    )
    add(
        store,
        Slip(
            milestone_id=m,
            recorded_on=D(2026, 2, 1),
            from_due_on=D(2026, 3, 1),
            to_due_on=D(2026, 6, 20),
            cause="scope",
        ),
    )
    b = account(store, "Bolt", D(2026, 2, 1), motion="self-serve")
    add(store, Event(account_id=b, kind="workflow-live", occurred_on=D(2026, 2, 3)))
    add(store, Event(account_id=b, kind="first-value", occurred_on=D(2026, 2, 10)))
    add(store, Event(account_id=b, kind="usage", occurred_on=D(2026, 5, 25), value=1))
    c = account(store, "Cord", D(2026, 3, 1), ttv_target_days=120)
    add(
        store,
        Assignment(account_id=c, role="implementation", person="Ivy", start_on=D(2026, 3, 1), end_on=D(2026, 5, 1)),
    )
    add(store, Assignment(account_id=c, role="csm", person="Cara", start_on=D(2026, 5, 1)))
    add(store, Handover(account_id=c, handed_on=D(2026, 5, 1), from_person="Ivy", to_person="Cara"))
    add(store, Event(account_id=c, kind="go-live", occurred_on=D(2026, 4, 20)))
    return a, b, c


def breaches_json(store, as_of=AS_OF) -> str:
    report = breaches_report(store=store, today=as_of, config=CONFIG)
    return dumps(envelope(as_of, findings=[f.as_dict() for f in report.findings]))


def health_json(store, as_of=AS_OF) -> str:
    report = health_report(store=store, today=as_of, config=CONFIG, scope=Scope(include_all=True))
    return dumps(envelope(as_of, accounts=[a.as_dict() for a in report.accounts]))


def test_base_portfolio_findings(store):
    base_portfolio(store)
    got = [(f.account, f.rule, f.days) for f in breaches_report(store=store, today=AS_OF, config=CONFIG).findings]
    # Acme: T = 04-01, 61 days breached; sponsor released 05-20: 12 days ago -> no-exec-sponsor and
    #   sponsor-change (12 <= 30); go-live projected 06-20 > baseline 03-01 with a scope slip on 02-01:
    #   scope-creep 06-01 - 02-01 = 28 + 31 + 30 + 31 = 120 days; the go-live milestone is not overdue (due 06-20).
    # Bolt: self-serve first value 02-10, 06-01 - 02-10 = 18 + 31 + 30 + 31 = 111 days > 30 and the latest
    #   reading is 1: champion-only 111 days.
    # Cord: target 120 -> T = 06-29; go-live 04-20, 06-01 - 04-20 = 42 days > 14: stalled; handover 05-01
    #   without workflow-live: config-gate-handover 31 days; no joint call: cold-handover 31 days;
    #   no plan: 92 days; no sponsor: 92 days. Lag: no high-touch account has both -> 14:
    #   P = max(04-20 + 14, 06-01) = 06-01 <= T: not at risk.
    assert got == [
        ("Acme", "ttv-breach", 61),
        ("Cord", "stalled", 42),
        ("Acme", "no-success-plan", 151),
        ("Acme", "no-exec-sponsor", 12),
        ("Acme", "sponsor-change", 12),
        ("Acme", "scope-creep", 120),
        ("Bolt", "champion-only", 111),
        ("Cord", "no-success-plan", 92),
        ("Cord", "no-exec-sponsor", 92),
        ("Cord", "config-gate-handover", 31),
        ("Cord", "cold-handover", 31),
    ]


def test_scope_owner_and_since(store):
    base_portfolio(store)

    def names(scope):
        return [a.account for a in health_report(store=store, today=AS_OF, config=CONFIG, scope=scope).accounts]  # noqa: E731

    assert names(Scope(owner="IVY")) == ["Acme"]  # Ivy left Cord on 05-01
    assert names(Scope(owner="Cara")) == ["Cord"]
    assert names(Scope(since=D(2026, 2, 1))) == ["Cord", "Bolt"]  # Cord 100-25-15-10-10-5 = 35, Bolt 90


def test_lag_is_portfolio_wide_in_the_brief(store):
    base_portfolio(store)
    # three more high-touch accounts with go-live -> first value of 20, 30, 40 days: median 30
    for i, days in enumerate((20, 30, 40)):
        x = account(store, f"Lag{i}", D(2026, 1, 1))
        add(
            store,
            Event(account_id=x, kind="go-live", occurred_on=D(2026, 2, 1)),
            Event(account_id=x, kind="first-value", occurred_on=D(2026, 2, 1) + timedelta(days=days)),
        )
    brief = account_brief("cord", store=store, today=AS_OF, config=CONFIG)
    # Cord: P = max(04-20 + 30 = 05-20, 06-01) = 06-01
    assert (brief.lag_days, brief.projected_first_value_on) == (30, AS_OF)
    # on 04-25: P = 05-20 <= T 06-29: not at risk; lag 30
    early = account_brief("cord", store=store, today=D(2026, 4, 25), config=CONFIG)
    assert (early.lag_days, early.projected_first_value_on) == (30, D(2026, 5, 20))


def test_timeline_is_in_date_order(store):
    base_portfolio(store)
    tl = timeline("Cord", store=store, today=AS_OF, config=CONFIG)
    assert [(e.on, e.fact) for e in tl.entries] == [
        (D(2026, 3, 1), "signed"),
        (D(2026, 3, 1), "assignment-start"),
        (D(2026, 4, 20), "event"),
        (D(2026, 5, 1), "assignment-end"),
        (D(2026, 5, 1), "handover"),
        (D(2026, 5, 1), "assignment-start"),
    ]


# -- facts dated after the as-of date never change a report -----------------

later = st.integers(min_value=1, max_value=200).map(lambda n: AS_OF + timedelta(days=n))
kinds = st.sampled_from(
    [
        "go-live",
        "workflow-live",
        "first-value",
        "usage",
        "adopted",
        "graduated",
        "churned",
        "renewed",
        "sponsor-contact",
        "note",
    ]
)
actions = st.one_of(
    st.tuples(st.just("event"), st.integers(0, 2), kinds, later, st.integers(0, 9)),
    st.tuples(
        st.just("assign"),
        st.integers(0, 2),
        st.sampled_from(["implementation", "csm", "sponsor", "champion"]),
        later,
        st.sampled_from(["Ann", "Bob"]),
    ),
    st.tuples(st.just("end"), st.integers(0, 2), later),
    st.tuples(st.just("milestone"), st.integers(0, 2), later, later),
    st.tuples(st.just("slip"), st.integers(0, 2), later, later),
    st.tuples(st.just("done"), st.integers(0, 2), later),
    st.tuples(st.just("plan"), st.integers(0, 2), later),
    st.tuples(st.just("handover"), st.integers(0, 2), later, st.booleans()),
    st.tuples(st.just("archive"), st.integers(0, 2), later),
    st.tuples(st.just("account"), later),
)


def apply(store, ids, action, n):
    """Write one random fact dated after AS_OF (like the commands would, but later)."""
    from sqlmodel import select

    kind = action[0]
    if kind == "account":
        account(store, f"New{n}", action[1])
        return
    aid = ids[action[1]]
    with store.write() as s:
        if kind == "event":
            s.add(Event(account_id=aid, kind=action[2], occurred_on=action[3], value=action[4]))
        elif kind == "assign":
            s.add(Assignment(account_id=aid, role=action[2], person=action[4], start_on=action[3]))
        elif kind == "end":
            for a in s.exec(select(Assignment).where(Assignment.account_id == aid, Assignment.end_on.is_(None))).all():
                a.end_on = action[2]
                s.add(a)
        elif kind == "milestone":
            s.add(
                Milestone(
                    account_id=aid,
                    title=f"M{n}",
                    title_key=f"m{n}",
                    kind="go-live",
                    baseline_due_on=action[3],
                    due_on=action[3],
                    added_on=action[2],
                )
            )
        elif kind == "slip":
            for m in s.exec(select(Milestone).where(Milestone.account_id == aid)).all():
                s.add(
                    Slip(
                        milestone_id=m.id,
                        recorded_on=action[2],
                        from_due_on=m.due_on,
                        to_due_on=action[3],
                        cause="scope",
                    )
                )
                m.due_on = action[3]
                s.add(m)
        elif kind == "done":
            for m in s.exec(select(Milestone).where(Milestone.account_id == aid, Milestone.done_on.is_(None))).all():
                m.done_on = action[2]
                s.add(m)
        elif kind == "plan":
            s.add(
                SuccessPlan(
                    account_id=aid, version=100 + n, outcome="Later outcome", sponsor="Zoe", agreed_on=action[2]
                )
            )
        elif kind == "handover":
            s.add(Handover(account_id=aid, handed_on=action[2], to_person="Cara", joint_call=action[3]))
        elif kind == "archive":
            acc = s.get(Account, aid)
            if acc.archived_on is None:
                acc.archived_on = action[2]
                s.add(acc)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(actions, min_size=1, max_size=6))
def test_facts_after_the_as_of_date_never_change_a_report(store, batch):
    # The store keeps growing across examples, but every write is dated after AS_OF, so the
    # reports at AS_OF must stay what they were before any of them.
    if not hasattr(store, "_ids"):
        store._ids = base_portfolio(store)
        store._before = (breaches_json(store), health_json(store))
        store._n = 0
    for action in batch:
        store._n += 1
        apply(store, store._ids, action, store._n)
    assert (breaches_json(store), health_json(store)) == store._before
    assert json.loads(store._before[0])["findings"]  # the baseline is not trivially empty
