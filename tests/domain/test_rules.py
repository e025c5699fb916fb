"""Every rule of PRODUCT.md section 3, on hand-built Facts (no database).

Expected values are worked out by hand in the comments. Unless a test says
otherwise the account is high-touch, signed 2026-01-01 with a 90-day TTV
target, so T = 2026-01-01 + 90 days = 2026-04-01 (31 + 28 + 31 = 90).
"""

from __future__ import annotations

from datetime import date

from handoff_cli.config import DEFAULTS
from handoff_cli.domain.facts import (
    AssignmentFact,
    Facts,
    HandoverFact,
    MilestoneFact,
    PlanFact,
    SlipFact,
    lag_by_motion,
    median_rounded_up,
)
from handoff_cli.domain.rules import (
    RULE_IDS,
    RuleContext,
    champion_only,
    cold_handover,
    config_gate_handover,
    evaluate,
    milestone_overdue,
    no_exec_sponsor,
    no_success_plan,
    ownerless,
    premature_close,
    scope_creep,
    sort_findings,
    sponsor_change,
    stalled,
    ttv_at_risk,
    ttv_breach,
)

D = date
SIGNED = D(2026, 1, 1)
T = D(2026, 4, 1)
LAG = {"high-touch": 14, "self-serve": 3}


def facts(as_of: date, **kw) -> Facts:
    base = dict(account_id=1, name="Acme", motion="high-touch", signed_on=SIGNED, ttv_target_days=90, as_of=as_of)
    base.update(kw)
    return Facts(**base)


def ctx(rule: str, as_of: date, lag=LAG, **row) -> RuleContext:
    return RuleContext(as_of=as_of, row={**DEFAULTS["rules"][rule], **row}, lag=lag)


def run(fn, rule: str, f: Facts, **kw):
    return [(x.rule, x.severity, x.since, x.days, x.weight) for x in fn(f, ctx(rule, f.as_of, **kw))]


def assign(i, role, person, start, end=None):
    return AssignmentFact(i, role, person, start, end)


def ms(i, title, due, *, kind="other", side="vendor", baseline=None, done=None, added=D(2026, 1, 5)):
    return MilestoneFact(i, title, kind, side, baseline or due, due, done, added)


# -- ttv-breach ------------------------------------------------------------


def test_ttv_breach_fires_only_after_the_target_date():
    # as-of = T: not after T, no breach
    assert run(ttv_breach, "ttv-breach", facts(T)) == []
    # as-of = T + 1 day: breach since T, days = 1
    assert run(ttv_breach, "ttv-breach", facts(D(2026, 4, 2))) == [("ttv-breach", "breach", T, 1, 40)]
    # 2026-06-01 - 2026-04-01 = 30 + 31 = 61 days
    assert run(ttv_breach, "ttv-breach", facts(D(2026, 6, 1)))[0][3] == 61


def test_ttv_breach_silent_once_first_value_is_recorded():
    assert run(ttv_breach, "ttv-breach", facts(D(2026, 6, 1), first_value_on=D(2026, 5, 1))) == []


def test_ttv_target_comes_from_the_account():
    # target 14 days: T = 2026-01-15; as-of 2026-01-20 -> 5 days
    f = facts(D(2026, 1, 20), ttv_target_days=14)
    assert run(ttv_breach, "ttv-breach", f) == [("ttv-breach", "breach", D(2026, 1, 15), 5, 40)]


# -- ttv-at-risk -----------------------------------------------------------


def test_ttv_at_risk_with_activation_days_is_projection_minus_target():
    # go-live 2026-03-25, lag 14: P = max(03-25 + 14 = 04-08, as-of 03-30) = 04-08; P - T = 7 days
    f = facts(D(2026, 3, 30), go_live_on=D(2026, 3, 25))
    assert run(ttv_at_risk, "ttv-at-risk", f) == [("ttv-at-risk", "warning", T, 7, 15)]


def test_ttv_at_risk_projection_equal_to_target_is_not_at_risk():
    # lag 7: P = 03-25 + 7 = 04-01 = T: not after T
    f = facts(D(2026, 3, 30), go_live_on=D(2026, 3, 25))
    assert run(ttv_at_risk, "ttv-at-risk", f, lag={"high-touch": 7, "self-serve": 3}) == []


def test_ttv_at_risk_projection_is_never_before_the_as_of_date():
    # target 100 days: T = 2026-04-11. go-live 01-10, lag 14 -> 01-24, but as-of is 04-01:
    # P = max(01-24, 04-01) = 04-01, not after T = 04-11: no finding
    f = facts(D(2026, 4, 1), ttv_target_days=100, go_live_on=D(2026, 1, 10))
    assert run(ttv_at_risk, "ttv-at-risk", f) == []


def test_ttv_at_risk_without_activation_uses_open_milestones():
    # open milestone due 03-20 (a done one due 05-01 is ignored), as-of 03-01:
    # P = max(03-20, 03-01) + 14 = 04-03; P - T = 2 days
    f = facts(D(2026, 3, 1), milestones=(ms(1, "SSO", D(2026, 3, 20)), ms(2, "Old", D(2026, 5, 1), done=D(2026, 2, 1))))
    assert run(ttv_at_risk, "ttv-at-risk", f) == [("ttv-at-risk", "warning", T, 2, 15)]


def test_ttv_at_risk_without_activation_or_milestones_uses_the_as_of_date():
    # P = 03-20 + 14 = 04-03: 2 days after T
    assert run(ttv_at_risk, "ttv-at-risk", facts(D(2026, 3, 20)))[0][3] == 2
    # P = 03-18 + 14 = 04-01 = T: not at risk
    assert run(ttv_at_risk, "ttv-at-risk", facts(D(2026, 3, 18))) == []


def test_ttv_at_risk_silent_when_breached_or_first_value():
    assert run(ttv_at_risk, "ttv-at-risk", facts(D(2026, 4, 2))) == []  # breached instead
    assert run(ttv_at_risk, "ttv-at-risk", facts(D(2026, 3, 30), first_value_on=D(2026, 3, 29))) == []


def test_ttv_at_risk_self_serve_activation_is_workflow_live():
    # self-serve, target 14: T = 01-15. workflow-live 01-10, lag 3 -> P = max(01-13, 01-12) = 01-13 <= T: none
    f = facts(
        D(2026, 1, 12),
        motion="self-serve",
        ttv_target_days=14,
        workflow_live_on=D(2026, 1, 10),
        go_live_on=D(2026, 1, 14),
    )
    assert run(ttv_at_risk, "ttv-at-risk", f) == []
    # lag 6 -> P = 01-16: 1 day late
    assert run(ttv_at_risk, "ttv-at-risk", f, lag={"high-touch": 14, "self-serve": 6})[0][3] == 1


# -- the lag ---------------------------------------------------------------


def test_median_odd_count_is_the_middle_value():
    assert median_rounded_up([20, 5, 9]) == 9


def test_median_even_count_is_mean_of_middle_two_rounded_up():
    # middle of [5, 9, 20, 30] is 9 and 20: (9 + 20) / 2 = 14.5 -> 15
    assert median_rounded_up([30, 5, 20, 9]) == 15
    # (2 + 4) / 2 = 3 exactly
    assert median_rounded_up([1, 2, 4, 5]) == 3
    # (-3 + -2) / 2 = -2.5 -> rounded up is -2
    assert median_rounded_up([-3, -2]) == -2


def test_lag_needs_three_accounts_of_the_motion():
    cfg = DEFAULTS
    # two high-touch samples: default 14; self-serve none: default 3
    assert lag_by_motion({"high-touch": [5, 9]}, cfg["rules"]["ttv-at-risk"]) == {"high-touch": 14, "self-serve": 3}
    # three: median 9; four self-serve [1, 2, 5, 6]: (2 + 5) / 2 = 3.5 -> 4
    assert lag_by_motion({"high-touch": [5, 9, 20], "self-serve": [6, 1, 5, 2]}, cfg["rules"]["ttv-at-risk"]) == {
        "high-touch": 9,
        "self-serve": 4,
    }


# -- ownerless -------------------------------------------------------------


def test_ownerless_never_assigned_since_signed():
    f = facts(D(2026, 2, 1))
    # since signed: 2026-02-01 - 2026-01-01 = 31 days
    assert run(ownerless, "ownerless", f) == [("ownerless", "breach", SIGNED, 31, 30)]
    assert "since it was signed" in ownerless(f, ctx("ownerless", f.as_of))[0].detail


def test_ownerless_gap_at_the_seam_after_implementation_release():
    f = facts(D(2026, 3, 11), assignments=(assign(1, "implementation", "Ivy", D(2026, 1, 2), D(2026, 3, 1)),))
    found = ownerless(f, ctx("ownerless", f.as_of))
    # since the release 03-01: 10 days
    assert [(x.since, x.days) for x in found] == [(D(2026, 3, 1), 10)]
    assert "seam" in found[0].detail and "Ivy" in found[0].detail


def test_ownerless_after_csm_release_is_not_the_seam():
    f = facts(
        D(2026, 5, 1),
        assignments=(
            assign(1, "implementation", "Ivy", D(2026, 1, 2), D(2026, 3, 1)),
            assign(2, "csm", "Cara", D(2026, 3, 1), D(2026, 4, 1)),
        ),
    )
    found = ownerless(f, ctx("ownerless", f.as_of))
    assert [(x.since, x.days) for x in found] == [(D(2026, 4, 1), 30)]
    assert "seam" not in found[0].detail and "Cara" in found[0].detail


def test_ownerless_silent_while_an_assignment_ends_after_the_as_of_date():
    # ends 03-01 but as-of 02-28: still held
    f = facts(D(2026, 2, 28), assignments=(assign(1, "implementation", "Ivy", D(2026, 1, 2), D(2026, 3, 1)),))
    assert run(ownerless, "ownerless", f) == []
    # on its end date it is no longer held
    f2 = facts(D(2026, 3, 1), assignments=f.assignments)
    assert run(ownerless, "ownerless", f2) == [("ownerless", "breach", D(2026, 3, 1), 0, 30)]


# -- stalled ---------------------------------------------------------------


def test_stalled_fourteen_days_is_not_stalled_fifteen_is():
    live = D(2026, 3, 1)
    # 03-15 - 03-01 = 14 days: not more than 14
    assert run(stalled, "stalled", facts(D(2026, 3, 15), go_live_on=live)) == []
    # 03-16 - 03-01 = 15 days
    assert run(stalled, "stalled", facts(D(2026, 3, 16), go_live_on=live)) == [("stalled", "breach", live, 15, 25)]


def test_stalled_needs_activation_and_no_first_value():
    assert run(stalled, "stalled", facts(D(2026, 5, 1))) == []
    assert run(stalled, "stalled", facts(D(2026, 5, 1), go_live_on=D(2026, 3, 1), first_value_on=D(2026, 4, 1))) == []


def test_stalled_self_serve_counts_from_workflow_live():
    f = facts(D(2026, 1, 27), motion="self-serve", ttv_target_days=14, workflow_live_on=D(2026, 1, 12))
    # 01-27 - 01-12 = 15 days
    assert run(stalled, "stalled", f) == [("stalled", "breach", D(2026, 1, 12), 15, 25)]


# -- premature-close -------------------------------------------------------


def test_premature_close_graduated_without_first_value():
    f = facts(D(2026, 5, 1), graduated_on=D(2026, 4, 20))
    assert run(premature_close, "premature-close", f) == [("premature-close", "breach", D(2026, 4, 20), 11, 20)]
    assert (
        run(
            premature_close,
            "premature-close",
            facts(D(2026, 5, 1), graduated_on=D(2026, 4, 20), first_value_on=D(2026, 4, 1)),
        )
        == []
    )


# -- no-success-plan -------------------------------------------------------


def test_no_success_plan_seven_days_is_fine_eight_is_not():
    # 01-08 - 01-01 = 7: not more than 7
    assert run(no_success_plan, "no-success-plan", facts(D(2026, 1, 8))) == []
    # 01-09 - 01-01 = 8
    assert run(no_success_plan, "no-success-plan", facts(D(2026, 1, 9))) == [
        ("no-success-plan", "warning", SIGNED, 8, 15)
    ]


def test_no_success_plan_silent_with_a_plan():
    plan = PlanFact(1, "Close books in 3 days", None, (), D(2026, 1, 5), D(2026, 1, 5))
    assert run(no_success_plan, "no-success-plan", facts(D(2026, 2, 1), plan=plan)) == []


# -- no-exec-sponsor and sponsor-change ---------------------------------------


def test_no_exec_sponsor_since_signed_or_since_the_last_sponsor_left():
    assert run(no_exec_sponsor, "no-exec-sponsor", facts(D(2026, 1, 11))) == [
        ("no-exec-sponsor", "warning", SIGNED, 10, 10)
    ]
    f = facts(D(2026, 3, 11), assignments=(assign(1, "sponsor", "Sam", D(2026, 1, 5), D(2026, 3, 1)),))
    assert run(no_exec_sponsor, "no-exec-sponsor", f) == [("no-exec-sponsor", "warning", D(2026, 3, 1), 10, 10)]
    held = facts(D(2026, 3, 11), assignments=(assign(1, "sponsor", "Sam", D(2026, 1, 5)),))
    assert run(no_exec_sponsor, "no-exec-sponsor", held) == []


def test_sponsor_change_thirty_days_fires_thirty_one_does_not():
    replaced = (assign(1, "sponsor", "Sam", D(2026, 1, 5), D(2026, 3, 1)), assign(2, "sponsor", "Sue", D(2026, 3, 1)))
    # 03-31 - 03-01 = 30 days: within 0-30
    found = sponsor_change(facts(D(2026, 3, 31), assignments=replaced), ctx("sponsor-change", D(2026, 3, 31)))
    assert [(x.since, x.days, x.weight) for x in found] == [(D(2026, 3, 1), 30, 10)]
    assert "Sam" in found[0].detail and "Sue" in found[0].detail
    # 04-01 - 03-01 = 31 days
    assert run(sponsor_change, "sponsor-change", facts(D(2026, 4, 1), assignments=replaced)) == []


def test_sponsor_change_on_the_day_and_by_release():
    released = (assign(1, "sponsor", "Sam", D(2026, 1, 5), D(2026, 3, 1)),)
    assert run(sponsor_change, "sponsor-change", facts(D(2026, 3, 1), assignments=released)) == [
        ("sponsor-change", "warning", D(2026, 3, 1), 0, 10)
    ]
    # the day before the release it is still held: no change yet
    assert run(sponsor_change, "sponsor-change", facts(D(2026, 2, 28), assignments=released)) == []


def test_a_first_sponsor_assignment_is_not_a_change():
    f = facts(D(2026, 1, 10), assignments=(assign(1, "sponsor", "Sam", D(2026, 1, 5)),))
    assert run(sponsor_change, "sponsor-change", f) == []


# -- milestone-overdue -----------------------------------------------------


def test_milestone_overdue_five_each_at_most_fifteen():
    as_of = D(2026, 3, 10)
    f = facts(
        as_of,
        milestones=(
            ms(1, "A", D(2026, 3, 1)),
            ms(2, "B", D(2026, 3, 2), side="customer"),
            ms(3, "C", D(2026, 3, 3)),
            ms(4, "D", D(2026, 3, 4)),
            ms(5, "Due today", as_of),  # due today: not passed
            ms(6, "Done", D(2026, 2, 1), done=D(2026, 3, 9)),
        ),
    )
    found = milestone_overdue(f, ctx("milestone-overdue", as_of))
    # days: 10-1 = 9, 10-2 = 8, 7, 6; weights 5 + 5 + 5 + 0 = 15
    assert [(x.since, x.days, x.weight) for x in found] == [
        (D(2026, 3, 1), 9, 5),
        (D(2026, 3, 2), 8, 5),
        (D(2026, 3, 3), 7, 5),
        (D(2026, 3, 4), 6, 0),
    ]
    assert "the customer must act" in found[1].detail
    assert "vendor" in found[0].detail


# -- handover rules --------------------------------------------------------


def handover(on, joint=True):
    return HandoverFact(on, "Ivy", "Cara", joint, None, None, None)


def test_config_gate_handover_judges_facts_dated_on_or_before_the_handover():
    h = handover(D(2026, 3, 1))
    # workflow-live came after the handover: the gate had not passed
    early = facts(D(2026, 3, 20), handover=h, go_live_on=D(2026, 2, 20), workflow_live_on=D(2026, 3, 5))
    found = config_gate_handover(early, ctx("config-gate-handover", early.as_of))
    assert [(x.since, x.days, x.weight) for x in found] == [(D(2026, 3, 1), 19, 10)]
    assert "workflow-live" in found[0].detail
    # both by the handover date (workflow-live on the very day): gate passed
    ok = facts(D(2026, 3, 20), handover=h, go_live_on=D(2026, 2, 20), workflow_live_on=D(2026, 3, 1))
    assert run(config_gate_handover, "config-gate-handover", ok) == []


def test_cold_handover_without_joint_call():
    f = facts(D(2026, 3, 6), handover=handover(D(2026, 3, 1), joint=False))
    assert run(cold_handover, "cold-handover", f) == [("cold-handover", "warning", D(2026, 3, 1), 5, 5)]
    assert run(cold_handover, "cold-handover", facts(D(2026, 3, 6), handover=handover(D(2026, 3, 1)))) == []


# -- scope-creep -----------------------------------------------------------


def slip(i, mid, title, on, frm, to, cause):
    return SlipFact(i, mid, title, on, frm, to, cause, None)


def test_scope_creep_from_a_scope_slip():
    go = ms(1, "Go live", D(2026, 3, 15), kind="go-live", baseline=D(2026, 3, 1))
    f = facts(
        D(2026, 2, 20),
        milestones=(go,),
        slips=(slip(1, 1, "Go live", D(2026, 2, 10), D(2026, 3, 1), D(2026, 3, 15), "scope"),),
    )
    found = scope_creep(f, ctx("scope-creep", f.as_of))
    # since the slip 02-10: 10 days; projected 03-15 is 14 days after baseline 03-01
    assert [(x.since, x.days, x.weight) for x in found] == [(D(2026, 2, 10), 10, 10)]
    assert "14 days after its baseline" in found[0].detail


def test_scope_creep_needs_scope_as_a_cause():
    go = ms(1, "Go live", D(2026, 3, 15), kind="go-live", baseline=D(2026, 3, 1))
    f = facts(
        D(2026, 2, 20),
        milestones=(go,),
        slips=(slip(1, 1, "Go live", D(2026, 2, 10), D(2026, 3, 1), D(2026, 3, 15), "internal"),),
    )
    assert run(scope_creep, "scope-creep", f) == []


def test_scope_creep_from_a_milestone_added_after_the_first_done():
    go = ms(1, "Go live", D(2026, 3, 1), kind="go-live", added=D(2026, 1, 5))
    first = ms(2, "Kickoff", D(2026, 1, 10), done=D(2026, 1, 10), added=D(2026, 1, 5))
    extra = ms(3, "Extra SSO", D(2026, 3, 20), added=D(2026, 2, 1))
    f = facts(D(2026, 2, 15), milestones=(go, first, extra))
    # projected go-live = max(03-01, 03-20) = 03-20 > baseline 03-01; added 02-01 > first done 01-10
    assert run(scope_creep, "scope-creep", f) == [("scope-creep", "warning", D(2026, 2, 1), 14, 10)]
    # after go-live the rule is silent
    assert (
        run(scope_creep, "scope-creep", facts(D(2026, 2, 15), milestones=(go, first, extra), go_live_on=D(2026, 2, 14)))
        == []
    )
    # a milestone added on the same day as the first completion is not "after"
    same_day = ms(3, "Extra SSO", D(2026, 3, 20), added=D(2026, 1, 10))
    assert run(scope_creep, "scope-creep", facts(D(2026, 2, 15), milestones=(go, first, same_day))) == []


# -- champion-only ---------------------------------------------------------


def test_champion_only_thirty_days_is_fine_thirty_one_is_not():
    fv = D(2026, 3, 1)
    kw = dict(first_value_on=fv, latest_usage=1.0, latest_usage_on=D(2026, 3, 20))
    # 03-31 - 03-01 = 30 days: not more than 30
    assert run(champion_only, "champion-only", facts(D(2026, 3, 31), **kw)) == []
    # 04-01 - 03-01 = 31 days
    assert run(champion_only, "champion-only", facts(D(2026, 4, 1), **kw)) == [("champion-only", "warning", fv, 31, 10)]


def test_champion_only_needs_a_low_latest_reading():
    fv = D(2026, 3, 1)
    assert (
        run(
            champion_only,
            "champion-only",
            facts(D(2026, 5, 1), first_value_on=fv, latest_usage=2.0, latest_usage_on=D(2026, 4, 1)),
        )
        == []
    )
    assert run(champion_only, "champion-only", facts(D(2026, 5, 1), first_value_on=fv)) == []


# -- the registry: scope of rules and order ----------------------------------


def test_registry_follows_the_product_table_and_the_config_rows():
    assert RULE_IDS == (
        "ttv-breach",
        "ttv-at-risk",
        "ownerless",
        "stalled",
        "premature-close",
        "no-success-plan",
        "no-exec-sponsor",
        "sponsor-change",
        "milestone-overdue",
        "config-gate-handover",
        "cold-handover",
        "scope-creep",
        "champion-only",
    )
    assert tuple(DEFAULTS["rules"]) == RULE_IDS


def rules_of(f: Facts) -> list[str]:
    return [x.rule for x in evaluate(f, as_of=f.as_of, rules=DEFAULTS["rules"], lag=LAG)]


def test_archived_and_churned_accounts_raise_nothing():
    assert rules_of(facts(D(2026, 6, 1))) == ["ttv-breach", "ownerless", "no-success-plan", "no-exec-sponsor"]
    assert rules_of(facts(D(2026, 6, 1), archived_on=D(2026, 5, 1))) == []
    assert rules_of(facts(D(2026, 6, 1), renewal="churned", renewal_on=D(2026, 5, 1))) == []


def test_graduated_accounts_raise_only_premature_close():
    assert rules_of(facts(D(2026, 6, 1), graduated_on=D(2026, 5, 1))) == ["premature-close"]
    assert rules_of(facts(D(2026, 6, 1), graduated_on=D(2026, 5, 1), first_value_on=D(2026, 4, 20))) == []


def test_self_serve_never_raises_the_high_touch_rules():
    h = handover(D(2026, 1, 10), joint=False)
    f = facts(D(2026, 6, 1), motion="self-serve", ttv_target_days=14, handover=h)
    # no owner, plan, sponsor or gate, cold handover: only the TTV breach remains
    assert rules_of(f) == ["ttv-breach"]


def test_disabled_rule_and_config_weight_and_severity():
    cfg = {
        **DEFAULTS,
        "rules": {
            **DEFAULTS["rules"],
            "ownerless": {"severity": "warning", "weight": 7},
            "no-exec-sponsor": {**DEFAULTS["rules"]["no-exec-sponsor"], "enabled": False},
        },
    }
    found = evaluate(facts(D(2026, 6, 1)), as_of=D(2026, 6, 1), rules=cfg["rules"], lag=LAG)
    assert [(x.rule, x.severity, x.weight) for x in found] == [
        ("ttv-breach", "breach", 40),
        ("ownerless", "warning", 7),
        ("no-success-plan", "warning", 15),
    ]


def test_findings_sort_breaches_first_then_account_ignoring_case_then_rule_order():
    as_of = D(2026, 6, 1)
    found = []
    for name in ("beta", "Alpha"):
        found += evaluate(facts(as_of, name=name), as_of=as_of, rules=DEFAULTS["rules"], lag=LAG)
    assert [(x.account, x.rule) for x in sort_findings(found)] == [
        ("Alpha", "ttv-breach"),
        ("Alpha", "ownerless"),
        ("beta", "ttv-breach"),
        ("beta", "ownerless"),
        ("Alpha", "no-success-plan"),
        ("Alpha", "no-exec-sponsor"),
        ("beta", "no-success-plan"),
        ("beta", "no-exec-sponsor"),
    ]
