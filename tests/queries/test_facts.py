"""The set-based facts pass over a real store: what is visible at an as-of date."""

from __future__ import annotations

from datetime import date

import pytest

from handoff_cli.config import DEFAULTS, Config
from handoff_cli.domain.facts import lag_samples
from handoff_cli.queries.facts import load_facts, read_lag_samples
from handoff_cli.store import Store, resolve_url
from handoff_cli.store.models import Account, Assignment, Event, Handover, Milestone, PlanCriterion, Slip, SuccessPlan

D = date


class Build:
    """Rows straight through the models, so every date is exactly what the test says."""

    def __init__(self, store: Store):
        self.store = store

    def _add(self, row):
        with self.store.write() as s:
            s.add(row)
            s.flush()
            return row.id

    def account(self, name, signed, motion="high-touch", target=None, archived=None, segment=None):
        return self._add(
            Account(
                name=name,
                name_key=name.casefold(),
                signed_on=signed,
                motion=motion,
                ttv_target_days=target,
                archived_on=archived,
                segment=segment,
            )
        )

    def assign(self, aid, role, person, start, end=None):
        return self._add(Assignment(account_id=aid, role=role, person=person, start_on=start, end_on=end))

    def milestone(self, aid, title, due, kind="other", side="vendor", added=D(2026, 1, 5), done=None):
        return self._add(
            Milestone(
                account_id=aid,
                title=title,
                title_key=title.casefold(),
                kind=kind,
                side=side,
                baseline_due_on=due,
                due_on=due,
                done_on=done,
                added_on=added,
            )
        )

    def slip(self, mid, on, frm, to, cause="internal"):
        return self._add(Slip(milestone_id=mid, recorded_on=on, from_due_on=frm, to_due_on=to, cause=cause))

    def event(self, aid, kind, on, value=None):
        return self._add(Event(account_id=aid, kind=kind, occurred_on=on, value=value))

    def plan(self, aid, version, outcome, agreed, sponsor=None, criteria=()):
        pid = self._add(
            SuccessPlan(account_id=aid, version=version, outcome=outcome, sponsor=sponsor, agreed_on=agreed)
        )
        for i, text in enumerate(criteria):
            self._add(PlanCriterion(plan_id=pid, position=i, text=text))
        return pid

    def handover(self, aid, on, to, frm=None, joint=False):
        return self._add(Handover(account_id=aid, handed_on=on, from_person=frm, to_person=to, joint_call=joint))


@pytest.fixture
def store():
    s = Store(resolve_url(None))
    s.ensure_ready(create=True)
    return s


@pytest.fixture
def build(store):
    return Build(store)


def one(store, as_of):
    (f,) = load_facts(store=store, today=as_of, config=Config.defaults())
    return f


def test_accounts_exist_from_their_signed_date(store, build):
    build.account("Acme", D(2026, 1, 1))
    assert load_facts(store=store, today=D(2025, 12, 31), config=Config.defaults()) == []
    f = one(store, D(2026, 1, 1))
    # default high-touch target 90 days: T = 2026-04-01
    assert (f.name, f.ttv_target_days, f.target_on) == ("Acme", 90, D(2026, 4, 1))


def test_events_after_the_as_of_date_are_invisible_and_the_earliest_counts(store, build):
    aid = build.account("Acme", D(2026, 1, 1))
    build.event(aid, "go-live", D(2026, 3, 10))
    build.event(aid, "go-live", D(2026, 3, 1))
    build.event(aid, "churned", D(2026, 5, 1))
    assert one(store, D(2026, 2, 28)).go_live_on is None
    assert one(store, D(2026, 3, 5)).go_live_on == D(2026, 3, 1)
    assert one(store, D(2026, 4, 30)).churned is False
    assert one(store, D(2026, 5, 1)).churned_on == D(2026, 5, 1)


def test_archived_only_from_its_date(store, build):
    build.account("Acme", D(2026, 1, 1), archived=D(2026, 3, 1))
    assert one(store, D(2026, 2, 28)).archived is False
    assert one(store, D(2026, 3, 1)).archived_on == D(2026, 3, 1)


def test_assignment_is_held_until_its_end_date(store, build):
    aid = build.account("Acme", D(2026, 1, 1))
    build.assign(aid, "implementation", "Ivy", D(2026, 1, 2), D(2026, 3, 1))
    build.assign(aid, "csm", "Cara", D(2026, 3, 1))
    assert one(store, D(2026, 1, 1)).assignments == ()
    f = one(store, D(2026, 2, 28))
    assert (f.holder("implementation"), f.holder("csm")) == ("Ivy", None)
    f = one(store, D(2026, 3, 1))
    assert (f.holder("implementation"), f.holder("csm")) == (None, "Cara")


def test_milestone_due_date_and_completion_as_of(store, build):
    aid = build.account("Acme", D(2026, 1, 1))
    mid = build.milestone(aid, "SSO", D(2026, 3, 1), added=D(2026, 1, 5), done=D(2026, 4, 10))
    build.slip(mid, D(2026, 2, 1), D(2026, 3, 1), D(2026, 3, 20))
    build.slip(mid, D(2026, 3, 15), D(2026, 3, 20), D(2026, 4, 10))
    assert one(store, D(2026, 1, 4)).milestones == ()
    m = one(store, D(2026, 1, 31)).milestones[0]
    assert (m.due_on, m.done_on, m.baseline_due_on) == (D(2026, 3, 1), None, D(2026, 3, 1))
    assert one(store, D(2026, 2, 1)).milestones[0].due_on == D(2026, 3, 20)
    f = one(store, D(2026, 3, 15))
    assert f.milestones[0].due_on == D(2026, 4, 10)
    assert [s.days for s in f.slips] == [19, 21]  # 03-20 - 03-01 = 19; 04-10 - 03-20 = 21
    assert one(store, D(2026, 4, 10)).milestones[0].done_on == D(2026, 4, 10)


def test_completed_go_live_milestone_counts_as_go_live(store, build):
    aid = build.account("Acme", D(2026, 1, 1))
    build.milestone(aid, "Go live", D(2026, 3, 1), kind="go-live", done=D(2026, 3, 3))
    assert one(store, D(2026, 3, 2)).go_live_on is None
    assert one(store, D(2026, 3, 3)).go_live_on == D(2026, 3, 3)


def test_plan_versions_carry_forward_sponsor_and_criteria(store, build):
    aid = build.account("Acme", D(2026, 1, 1))
    build.plan(aid, 1, "Close in 3 days", D(2026, 1, 5), sponsor="Sam", criteria=("3-day close",))
    build.plan(aid, 2, "Close in 2 days", D(2026, 2, 5))
    p = one(store, D(2026, 2, 1)).plan
    assert (p.version, p.outcome, p.sponsor, p.criteria) == (1, "Close in 3 days", "Sam", ("3-day close",))
    p = one(store, D(2026, 2, 5)).plan
    assert (p.version, p.outcome, p.sponsor, p.criteria, p.first_agreed_on) == (
        2,
        "Close in 2 days",
        "Sam",
        ("3-day close",),
        D(2026, 1, 5),
    )


def test_latest_handover_as_of(store, build):
    aid = build.account("Acme", D(2026, 1, 1))
    build.handover(aid, D(2026, 3, 1), "Cara", joint=False)
    build.handover(aid, D(2026, 4, 1), "Cory", joint=True)
    assert one(store, D(2026, 2, 1)).handover is None
    assert one(store, D(2026, 3, 31)).handover.to_person == "Cara"
    f = one(store, D(2026, 4, 1))
    assert (f.handover.to_person, f.handover_count) == ("Cory", 2)


def test_usage_adoption_needs_four_consecutive_iso_weeks(store, build):
    aid = build.account("Acme", D(2026, 1, 1))
    build.event(aid, "first-value", D(2026, 2, 1))  # usage matters from the first-value stage on
    # 2026-03-02 is a Monday. Week of 03-02: readings Mon 1 and Sun 03-08 3: the latest (3) counts.
    # Weeks of 03-02, 03-09, 03-16, 03-23 are all >= 3: adopted with the 03-23 reading.
    # (Weeks starting on Sunday would put 03-08 with 03-09 and leave 03-02 at 1: only 3 weeks.)
    for on, users in (
        (D(2026, 3, 2), 1),
        (D(2026, 3, 8), 3),
        (D(2026, 3, 9), 3),
        (D(2026, 3, 16), 4),
        (D(2026, 3, 23), 3),
    ):
        build.event(aid, "usage", on, users)
    assert one(store, D(2026, 3, 22)).usage_adopted_on is None
    f = one(store, D(2026, 3, 23))
    assert (f.usage_adopted_on, f.latest_usage, f.latest_usage_on) == (D(2026, 3, 23), 3, D(2026, 3, 23))


def test_usage_week_latest_reading_counts_and_ties_go_to_the_last_recorded(store, build):
    aid = build.account("Acme", D(2026, 1, 1))
    build.event(aid, "first-value", D(2026, 2, 1))
    for on in (D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16), D(2026, 3, 23)):
        build.event(aid, "usage", on, 3)
    build.event(aid, "usage", D(2026, 3, 25), 1)
    assert one(store, D(2026, 3, 24)).usage_adopted_on == D(2026, 3, 23)
    # the week of 03-23 now reads 1 (its latest): the run is broken
    f = one(store, D(2026, 3, 25))
    assert (f.usage_adopted_on, f.latest_usage) == (None, 1)
    build.event(aid, "usage", D(2026, 3, 25), 4)  # same date, recorded later: it wins
    f = one(store, D(2026, 3, 25))
    assert (f.usage_adopted_on, f.latest_usage) == (D(2026, 3, 25), 4)


def test_usage_weeks_with_a_gap_are_not_consecutive(store, build):
    aid = build.account("Acme", D(2026, 1, 1))
    build.event(aid, "first-value", D(2026, 2, 1))
    for on in (D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 23), D(2026, 3, 30)):
        build.event(aid, "usage", on, 5)
    assert one(store, D(2026, 4, 5)).usage_adopted_on is None


def test_usage_is_read_only_once_first_value_is_recorded(store, build):
    # neither champion-only nor the adoption stage can apply before first value
    aid = build.account("Acme", D(2026, 1, 1))
    for on in (D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16), D(2026, 3, 23)):
        build.event(aid, "usage", on, 5)
    build.event(aid, "first-value", D(2026, 4, 1))
    f = one(store, D(2026, 3, 31))
    assert (f.latest_usage, f.usage_adopted_on) == (None, None)
    f = one(store, D(2026, 4, 1))
    assert (f.latest_usage, f.usage_adopted_on) == (5, D(2026, 3, 23))


def test_adoption_threshold_comes_from_the_config(store, build):
    aid = build.account("Acme", D(2026, 1, 1))
    build.event(aid, "first-value", D(2026, 2, 1))
    for on in (D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16), D(2026, 3, 23)):
        build.event(aid, "usage", on, 3)
    cfg = {**DEFAULTS, "adoption": {"threshold": 4, "weeks": 4}}
    (f,) = load_facts(store=store, today=D(2026, 4, 1), config=Config.from_dict(cfg))
    assert f.usage_adopted_on is None


def test_one_account_filter_and_the_portfolio_lag_agree(store, build):
    # three high-touch accounts with go-live -> first value of 10, 20 and 31 days; one self-serve
    for i, days in enumerate((10, 20, 31)):
        aid = build.account(f"A{i}", D(2026, 1, 1))
        build.event(aid, "go-live", D(2026, 2, 1))
        build.event(aid, "first-value", D(2026, 2, 1 + days) if days < 28 else D(2026, 3, days - 27))
    ss = build.account("S", D(2026, 1, 1), motion="self-serve")
    build.event(ss, "workflow-live", D(2026, 1, 3))
    build.event(ss, "first-value", D(2026, 1, 5))
    as_of = D(2026, 6, 1)
    facts = load_facts(store=store, today=as_of, config=Config.defaults())
    with store.reader() as r:
        from_sql = read_lag_samples(r, as_of=as_of)
    assert {k: sorted(v) for k, v in lag_samples(facts).items()} == {"high-touch": [10, 20, 31], "self-serve": [2]}
    assert {k: sorted(v) for k, v in from_sql.items()} == {"high-touch": [10, 20, 31], "self-serve": [2]}
    with store.reader() as r:
        # one motion's samples, as one account's brief reads them
        assert read_lag_samples(r, as_of=as_of, motion="high-touch") == {"high-touch": [10, 20, 31]}
        assert read_lag_samples(r, as_of=as_of, motion="self-serve") == {"self-serve": [2]}
    (only,) = load_facts(store=store, today=as_of, config=Config.defaults(), account_id=ss)
    assert only.name == "S"


def _add_readings(store, rows):
    with store.write() as s:
        for aid, kind, on, value in rows:
            s.add(Event(account_id=aid, kind=kind, occurred_on=on, value=value))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_usage_adoption_read_in_two_steps_is_adoption_over_every_reading(store, build, seed):
    """The read path takes each account's head of readings first and the rest only when the
    head does not settle adoption: the result is adoption_on over every reading, whatever
    the readings (same-day readings at the cut, bad weeks first, gaps, too few good ones)."""
    import random

    from handoff_cli.domain.facts import adoption_on

    rnd = random.Random(seed)
    as_of = D(2026, 6, 1)
    expected: dict[str, tuple] = {}
    rows = []
    for i in range(25):
        name = f"U{i:02d}"
        aid = build.account(name, D(2025, 1, 1), motion="self-serve")
        rows.append((aid, "first-value", D(2025, 2, 1), None))
        adopted = rnd.random() < 0.15
        if adopted:
            rows.append((aid, "adopted", D(2025, 9, 1), None))
        readings = []
        start = rnd.randint(0, 60)
        good_from = rnd.choice((0, 0, 3, 8, 30))  # weeks of low usage before it spreads
        for k in range(rnd.randint(0, 30)):
            day = D(2025, 2, 1).toordinal() + start + 7 * k + rnd.choice((0, 0, 0, 1, -1))
            if rnd.random() < 0.1:
                day += 7  # a gap
            for _ in range(rnd.choice((1, 1, 1, 2, 3))):  # several readings on one day, some weeks
                value = float(rnd.randint(3, 9) if k >= good_from and rnd.random() > 0.1 else rnd.randint(0, 2))
                readings.append((D.fromordinal(day), value))
        for on, value in readings:
            rows.append((aid, "usage", on, value))
        ordered = sorted(readings, key=lambda r: r[0])  # stable: same day keeps the entry order
        visible = [r for r in ordered if r[0] <= as_of]
        by_usage = None if adopted else adoption_on(visible, threshold=3, weeks=4)
        latest = (visible[-1][0], visible[-1][1]) if visible else (None, None)
        expected[name] = (by_usage, *latest)
    _add_readings(store, rows)
    facts = load_facts(store=store, today=as_of, config=Config.defaults())
    got = {f.name: (f.usage_adopted_on, f.latest_usage_on, f.latest_usage) for f in facts}
    assert got == expected
    assert any(v[0] is not None for v in expected.values())  # the portfolio has adoptions by usage
    assert any(v[0] is None and v[1] is not None for v in expected.values())  # and accounts without


def test_usage_adoption_after_bad_weeks_reads_past_the_head(store, build):
    aid = build.account("Acme", D(2026, 1, 1), motion="self-serve")
    build.event(aid, "first-value", D(2026, 1, 10))
    weeks = [D.fromordinal(D(2026, 1, 12).toordinal() + 7 * k) for k in range(10)]  # Mondays
    _add_readings(store, [(aid, "usage", on, 1.0 if k < 5 else 4.0) for k, on in enumerate(weeks)])
    f = one(store, D(2026, 6, 1))
    assert (f.usage_adopted_on, f.latest_usage) == (weeks[8], 4.0)  # weeks 5, 6, 7 and 8 are the run


def test_usage_adoption_with_the_cut_inside_the_run(store, build):
    # the 5th reading falls in the run's last week: the head cannot settle it, every reading does
    aid = build.account("Acme", D(2026, 1, 1), motion="self-serve")
    build.event(aid, "first-value", D(2026, 1, 10))
    days = [D(2026, 1, 12), D(2026, 1, 19), D(2026, 1, 26), D(2026, 2, 2), D(2026, 2, 3), D(2026, 2, 4)]
    _add_readings(store, [(aid, "usage", on, v) for on, v in zip(days, (5.0, 5.0, 5.0, 5.0, 5.0, 2.0))])
    f = one(store, D(2026, 6, 1))
    assert (f.usage_adopted_on, f.latest_usage) == (None, 2.0)  # the week's latest reading is 2
    _add_readings(store, [(aid, "usage", D(2026, 2, 9), 5.0)])
    assert one(store, D(2026, 6, 1)).usage_adopted_on is None  # the run was broken; a new one needs 4 weeks


def test_usage_adoption_when_the_first_readings_share_one_day(store, build):
    # the 5th reading is on the first day too: the head is that whole day, and the rest follows
    aid = build.account("Acme", D(2026, 1, 1), motion="self-serve")
    build.event(aid, "first-value", D(2026, 1, 10))
    rows = [(aid, "usage", D(2026, 1, 12), 5.0) for _ in range(6)]
    rows += [(aid, "usage", on, 5.0) for on in (D(2026, 1, 19), D(2026, 1, 26), D(2026, 2, 2))]
    _add_readings(store, rows)
    assert one(store, D(2026, 6, 1)).usage_adopted_on == D(2026, 2, 2)
