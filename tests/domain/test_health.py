"""Health score, bands and stages (PRODUCT.md sections 1 and 4), without a database."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from handoff_cli.domain.facts import Facts, PlanFact
from handoff_cli.domain.health import band, health, score, stage
from handoff_cli.domain.rules import Finding

D = date


def finding(weight: int, rule: str = "ttv-breach") -> Finding:
    return Finding("Acme", rule, "warning", D(2026, 1, 1), 0, "why", weight)


def test_score_is_100_minus_the_weights():
    # 100 - (40 + 15 + 5) = 40
    assert score([finding(40), finding(15), finding(5)]) == 40
    assert score([]) == 100


def test_score_floors_at_zero():
    # 100 - (40 + 30 + 25 + 20) = -15 -> 0
    assert score([finding(40), finding(30), finding(25), finding(20)]) == 0


def test_band_boundaries():
    # exactly 75 is green, 74 yellow, exactly 50 yellow, 49 red
    assert [band(s) for s in (100, 75, 74, 50, 49, 0)] == ["green", "green", "yellow", "yellow", "red", "red"]


def acct(**kw) -> Facts:
    base = dict(account_id=1, name="Acme", motion="high-touch", signed_on=D(2026, 1, 1), ttv_target_days=90)
    return Facts(**{**base, "as_of": D(2026, 6, 1), **kw})


def test_band_of_a_score_through_findings():
    # 100 - 25 = 75 -> green; 100 - 50 = 50 -> yellow; 100 - 51 = 49 -> red
    assert health(acct(), [finding(25)]).band == "green"
    assert health(acct(), [finding(40), finding(10)]).band == "yellow"
    assert health(acct(), [finding(40), finding(10), finding(1)]).band == "red"


def test_bands_come_from_the_config():
    assert health(acct(), [finding(15)], green=90, yellow=80).band == "yellow"  # 85
    assert health(acct(), [finding(5)], green=90, yellow=80).band == "green"  # 95


def test_a_breach_caps_the_band_at_yellow():
    breach = Finding("Acme", "stalled", "breach", D(2026, 1, 1), 0, "why", 5)
    # 100 - 5 = 95 would be green, but a breach is at best yellow
    assert (health(acct(), [breach]).score, health(acct(), [breach]).band) == (95, "yellow")
    # a breach with weight 0 too; and the cap never raises a red band
    assert health(acct(), [Finding("Acme", "stalled", "breach", D(2026, 1, 1), 0, "why", 0)]).band == "yellow"
    assert health(acct(), [Finding("Acme", "stalled", "breach", D(2026, 1, 1), 0, "why", 60)]).band == "red"
    # a warning of the same weight leaves it green
    assert health(acct(), [finding(5)]).band == "green"


def test_archived_and_churned_accounts_have_no_score_or_band():
    assert (health(acct(archived_on=D(2026, 5, 1)), []).score, health(acct(archived_on=D(2026, 5, 1)), []).band) == (
        None,
        None,
    )
    churned = acct(renewal="churned", renewal_on=D(2026, 5, 1))
    assert (health(churned, []).score, health(churned, []).band) == (None, None)
    renewed = acct(renewal="renewed", renewal_on=D(2026, 5, 1))  # a win-back: active again
    assert (health(renewed, []).score, health(renewed, []).band) == (100, "green")


def test_deductions_read_term_by_term_in_the_order_findings_sort():
    warning = finding(5, "cold-handover")
    breach = Finding("Acme", "stalled", "breach", D(2026, 1, 1), 0, "why", 25)
    h = health(acct(), [finding(10, "no-exec-sponsor"), warning, breach])
    assert (h.score, h.band) == (60, "yellow")
    # breaches first, then the order of the rules table (no-exec-sponsor before cold-handover)
    assert [(d.rule, d.weight) for d in h.deductions] == [
        ("stalled", 25),
        ("no-exec-sponsor", 10),
        ("cold-handover", 5),
    ]


weights = st.lists(st.integers(min_value=0, max_value=60), max_size=20)


@given(weights)
def test_score_stays_within_0_and_100(ws):
    assert 0 <= score([finding(w) for w in ws]) <= 100


@given(weights, st.integers(min_value=0, max_value=60))
def test_adding_a_finding_never_raises_the_score(ws, extra):
    before = score([finding(w) for w in ws])
    after = score([finding(w) for w in ws] + [finding(extra)])
    assert after <= before


# -- stages ----------------------------------------------------------------


def facts(**kw) -> Facts:
    base = dict(
        account_id=1, name="Acme", motion="high-touch", signed_on=D(2026, 1, 1), ttv_target_days=90, as_of=D(2026, 6, 1)
    )
    base.update(kw)
    return Facts(**base)


PLAN = PlanFact(1, "Close the books in 3 days", "Sam", (), D(2026, 1, 5), D(2026, 1, 5))
LIVE = dict(go_live_on=D(2026, 3, 1), workflow_live_on=D(2026, 3, 2))


def test_stages_in_order():
    assert stage(facts()) == "kickoff"
    # a plan without a sponsor does not exit kickoff
    assert stage(facts(plan=PlanFact(1, "Outcome", None, (), D(2026, 1, 5), D(2026, 1, 5)))) == "kickoff"
    assert stage(facts(plan=PLAN)) == "setup"
    assert stage(facts(plan=PLAN, go_live_on=D(2026, 3, 1))) == "setup"  # workflow-live still missing
    assert stage(facts(plan=PLAN, **LIVE)) == "first-value"
    assert stage(facts(plan=PLAN, **LIVE, first_value_on=D(2026, 4, 1))) == "adoption"
    assert stage(facts(plan=PLAN, **LIVE, first_value_on=D(2026, 4, 1), adopted_on=D(2026, 5, 1))) == "adopted"
    assert stage(facts(plan=PLAN, **LIVE, first_value_on=D(2026, 4, 1), usage_adopted_on=D(2026, 5, 1))) == "adopted"


def test_stage_is_the_first_unmet_exit():
    # first value and adoption recorded, but no plan: still kickoff
    assert stage(facts(**LIVE, first_value_on=D(2026, 4, 1), adopted_on=D(2026, 5, 1))) == "kickoff"


def test_self_serve_skips_kickoff_and_activates_on_workflow_live():
    ss = dict(motion="self-serve", ttv_target_days=14)
    assert stage(facts(**ss)) == "setup"
    assert stage(facts(**ss, workflow_live_on=D(2026, 1, 3))) == "first-value"


def test_graduated_stage_still_comes_from_the_facts():
    assert stage(facts(plan=PLAN, **LIVE, graduated_on=D(2026, 5, 1))) == "first-value"
