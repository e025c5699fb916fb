"""`report audit` and the metrics service over a real store, rows written straight
through the models (one write transaction per account)."""

from __future__ import annotations

from datetime import date

import pytest

from handoff_cli.config import Config
from handoff_cli.errors import BadInput
from handoff_cli.queries.audit import audit_report
from handoff_cli.queries.metrics import metrics_report
from handoff_cli.store import Store, resolve_url
from handoff_cli.store.models import Account, Assignment, Event, Milestone, Slip

D = date.fromisoformat
TODAY = D("2026-06-01")
CONFIG = Config.defaults()


@pytest.fixture
def store() -> Store:
    return Store(resolve_url())


def add(
    store: Store,
    name: str,
    signed: str,
    *,
    segment=None,
    archived=None,
    assignments=(),
    events=(),
    go_live_milestone=None,
    slips=(),
):
    """assignments: (role, person, start, end); events: (kind, on, value);
    go_live_milestone: (baseline, added); slips on it: (recorded, from, to, cause)."""
    with store.write() as s:
        acc = Account(
            name=name,
            name_key=name.casefold(),
            signed_on=D(signed),
            segment=segment,
            archived_on=D(archived) if archived else None,
        )
        s.add(acc)
        s.flush()
        for role, person, start, end in assignments:
            s.add(
                Assignment(
                    account_id=acc.id, role=role, person=person, start_on=D(start), end_on=D(end) if end else None
                )
            )
        for kind, on, value in events:
            s.add(Event(account_id=acc.id, kind=kind, occurred_on=D(on), value=value))
        if go_live_milestone:
            baseline, added = go_live_milestone
            current = D(slips[-1][2]) if slips else D(baseline)
            m = Milestone(
                account_id=acc.id,
                title="Go live",
                title_key="go live",
                kind="go-live",
                baseline_due_on=D(baseline),
                due_on=current,
                added_on=D(added),
            )
            s.add(m)
            s.flush()
            for recorded, frm, to, cause in slips:
                s.add(
                    Slip(milestone_id=m.id, recorded_on=D(recorded), from_due_on=D(frm), to_due_on=D(to), cause=cause)
                )


@pytest.fixture
def portfolio(store):
    # Acme: signed 01-01; go-live milestone baseline 03-01, slipped +10 (customer) then -3 (internal);
    # handover Ann -> Cal on 03-10, the go-live day; first value 04-01.
    add(
        store,
        "Acme",
        "2026-01-01",
        segment="Enterprise",
        assignments=[("implementation", "Ann", "2026-01-01", "2026-03-10"), ("csm", "Cal", "2026-03-10", None)],
        events=[("go-live", "2026-03-10", None), ("first-value", "2026-04-01", None)],
        go_live_milestone=("2026-03-01", "2026-01-01"),
        slips=[
            ("2026-02-20", "2026-03-01", "2026-03-11", "customer"),
            ("2026-03-05", "2026-03-11", "2026-03-08", "internal"),
        ],
    )
    # Beta: signed 02-01; no go-live milestone; go-live 04-15; Bo released 04-20, CSM Cy from 04-25.
    add(
        store,
        "Beta",
        "2026-02-01",
        segment="SMB",
        assignments=[("implementation", "Bo", "2026-02-01", "2026-04-20"), ("csm", "Cy", "2026-04-25", None)],
        events=[("go-live", "2026-04-15", None)],
    )
    # Gamma: signed 03-01; go-live 05-01; first value 05-10; archived 05-15; Ann still implementing.
    add(
        store,
        "Gamma",
        "2026-03-01",
        segment="Enterprise",
        archived="2026-05-15",
        assignments=[("implementation", "Ann", "2026-03-01", None)],
        events=[("go-live", "2026-05-01", None), ("go-live", "2026-05-20", None), ("first-value", "2026-05-10", None)],
    )
    # Delta: signed 04-01, not live. Future: signed 05-01, goes live 07-01 (after today).
    add(store, "Delta", "2026-04-01")
    add(store, "Future", "2026-05-01", events=[("go-live", "2026-07-01", None)])
    return store


ACME = {
    "account": "Acme",
    "signed_on": D("2026-01-01"),
    "go_live_on": D("2026-03-10"),
    # Jan 31 - 1 = 30 days to 01-31, + 28 (Feb) + 10 = 68
    "signed_to_go_live_days": 68,
    "baseline_go_live_on": D("2026-03-01"),
    # 03-10 - 03-01 = 9
    "go_live_delta_days": 9,
    # customer: 03-11 - 03-01 = 10; internal: 03-08 - 03-11 = -3
    "slip_days_by_cause": {"customer": 10, "internal": -3, "scope": 0},
    # the handover: gap 0
    "seam_gap_days": 0,
    # 04-01 - 01-01 = 90
    "ttv_days": 90,
}
BETA = {
    "account": "Beta",
    "signed_on": D("2026-02-01"),
    "go_live_on": D("2026-04-15"),
    # 27 (rest of Feb) + 31 (Mar) + 15 = 73
    "signed_to_go_live_days": 73,
    "baseline_go_live_on": None,
    "go_live_delta_days": None,
    "slip_days_by_cause": {"customer": 0, "internal": 0, "scope": 0},
    # released 04-20, CSM 04-25: 5
    "seam_gap_days": 5,
    "ttv_days": None,
}
GAMMA = {
    "account": "Gamma",
    "signed_on": D("2026-03-01"),
    # the earliest go-live counts
    "go_live_on": D("2026-05-01"),
    # 31 (Mar) + 30 (Apr) = 61
    "signed_to_go_live_days": 61,
    "baseline_go_live_on": None,
    "go_live_delta_days": None,
    "slip_days_by_cause": {"customer": 0, "internal": 0, "scope": 0},
    "seam_gap_days": None,
    # 05-10 - 03-01 = 31 + 30 + 9 = 70
    "ttv_days": 70,
}


def rows(report):
    return [g.as_dict() for g in report.go_lives]


def test_the_last_go_lives_latest_first_archived_included(portfolio):
    report = audit_report(store=portfolio, today=TODAY, config=CONFIG)
    assert rows(report) == [GAMMA, BETA, ACME]
    assert report.more == 0


def test_last_n_says_how_many_more(portfolio):
    report = audit_report(last=2, store=portfolio, today=TODAY, config=CONFIG)
    assert [g.account for g in report.go_lives] == ["Gamma", "Beta"]
    assert report.more == 1


def test_as_of_a_past_date_sees_only_what_was_known(portfolio):
    # as of 04-16: Gamma not live yet; Bo's release (04-20) not happened yet: no seam gap for Beta
    report = audit_report(store=portfolio, today=D("2026-04-16"), config=CONFIG)
    assert rows(report) == [{**BETA, "seam_gap_days": None}, ACME]
    # as of 03-06: only the customer slip (recorded 02-20) is known, and nothing went live
    assert rows(audit_report(store=portfolio, today=D("2026-03-06"), config=CONFIG)) == []


def test_as_of_inside_an_open_seam_gap(portfolio):
    # as of 04-23: Bo released 04-20, no CSM yet: 3 days so far
    report = audit_report(store=portfolio, today=D("2026-04-23"), config=CONFIG)
    assert rows(report)[0] == {**BETA, "seam_gap_days": 3}


def test_scope_filters(portfolio):
    assert [
        g.account for g in audit_report(segment="enterprise", store=portfolio, today=TODAY, config=CONFIG).go_lives
    ] == [
        "Gamma",
        "Acme",
    ]
    assert [g.account for g in audit_report(owner="ann", store=portfolio, today=TODAY, config=CONFIG).go_lives] == [
        "Gamma",
        "Acme",
    ]
    assert [g.account for g in audit_report(owner="Cy", store=portfolio, today=TODAY, config=CONFIG).go_lives] == [
        "Beta"
    ]
    assert [
        g.account for g in audit_report(since=D("2026-02-01"), store=portfolio, today=TODAY, config=CONFIG).go_lives
    ] == [
        "Gamma",
        "Beta",
    ]
    assert audit_report(owner="Nobody", store=portfolio, today=TODAY, config=CONFIG).go_lives == ()


def test_last_must_be_positive(portfolio):
    with pytest.raises(BadInput):
        audit_report(last=0, store=portfolio, today=TODAY, config=CONFIG)


def test_metrics_service_over_the_same_portfolio(portfolio):
    report = metrics_report(store=portfolio, today=TODAY, config=CONFIG)
    # in scope: Acme, Beta, Gamma, Delta, Future (signed 05-01 <= 06-01)
    assert report.accounts_in_scope == 5
    m = report.metrics
    # go-live days [61, 68, 73]: median 68; p75 rank 1.5 -> 70.5; p90 rank 1.8 -> 68 + 5 * 0.8 = 72
    assert m["time_to_go_live_days"] == {"median": 68.0, "p75": 70.5, "p90": 72.0, "n": 3}
    # only Acme has a go-live milestone, and went live after its baseline: 0 / 1
    assert m["on_time_go_live_rate"] == 0.0
    # ttv [70, 90]: median 80; p75 70 + 20 * 0.75 = 85; p90 70 + 20 * 0.9 = 88
    assert m["ttv_days"] == {"median": 80.0, "p75": 85.0, "p90": 88.0, "n": 2}
    # T = signed + 90: Acme 04-01 (fv 04-01 on target), Beta 05-02 (breached by 06-01), Gamma 05-30 (fv on target),
    # Delta 06-30 and Future 07-30 not judged yet: 2 / 3
    assert m["ttv_on_target_rate"] == 0.6667
    # 2 of 5 accounts have a first value
    assert m["first_value_rate"] == 0.4
    # releases: Acme 03-10 (gap 0), Beta 04-20 (gap 5): median 2.5, max 5
    assert m["seam_gap_days"] == {"median": 2.5, "max": 5, "n": 2}
    assert m["slip_days_by_cause"] == {"customer": 10, "internal": -3, "scope": 0}
