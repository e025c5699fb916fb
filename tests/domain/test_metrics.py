"""The metric arithmetic of PRODUCT.md section 5, worked by hand."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handoff_cli.domain.metrics import (
    Q_MEDIAN,
    Q_P75,
    Q_P90,
    AccountFacts,
    Scope,
    Stint,
    average,
    clip,
    compute_metrics,
    distribution,
    percentile,
    quantile,
    rate,
    releases,
    renewal_split,
    round_half_up,
    seam_gap,
    seam_gaps,
    seam_summary,
    ttv_outcome,
)

D = date.fromisoformat


# -- percentiles ------------------------------------------------------------------


def test_distribution_of_an_even_count():
    # sorted [10, 20, 30, 40], n - 1 = 3
    # median: rank 3 * 0.5 = 1.5 -> 20 + (30 - 20) * 0.5 = 25.0 (the mean of the middle two)
    # p75:    rank 3 * 0.75 = 2.25 -> 30 + (40 - 30) * 0.25 = 32.5
    # p90:    rank 3 * 0.9 = 2.7 -> 30 + (40 - 30) * 0.7 = 37.0
    assert distribution([40, 10, 30, 20]) == {"median": 25.0, "p75": 32.5, "p90": 37.0, "n": 4}


def test_distribution_of_an_odd_count():
    # sorted [4, 10, 31], n - 1 = 2
    # median: rank 1 -> 10
    # p75:    rank 1.5 -> 10 + (31 - 10) * 0.5 = 20.5
    # p90:    rank 1.8 -> 10 + 21 * 0.8 = 26.8
    assert distribution([31, 4, 10]) == {"median": 10.0, "p75": 20.5, "p90": 26.8, "n": 3}


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    # sorted [1, 2, 7, 100]: (2 + 7) / 2 = 4.5
    assert percentile([100, 7, 1, 2], Q_MEDIAN) == 4.5


def test_one_value_is_its_own_median_p75_and_p90():
    assert distribution([12]) == {"median": 12.0, "p75": 12.0, "p90": 12.0, "n": 1}


def test_no_values_give_nulls():
    assert distribution([]) == {"median": None, "p75": None, "p90": None, "n": 0}


def test_percentiles_round_to_one_decimal_halves_away_from_zero():
    # sorted [0, 0, 2, 3], p75 rank 3 * 0.75 = 2.25 -> 2 + (3 - 2) * 0.25 = 2.25 -> 2.3
    assert percentile([0, 0, 2, 3], Q_P75) == 2.3
    # negative halves round away from zero: sorted [-3, -2, 0, 0], q = 0.25,
    # rank 3 * 0.25 = 0.75 -> -3 + (-2 - -3) * 0.75 = -2.25 -> -2.3
    assert percentile([-3, -2, 0, 0], Fraction(1, 4)) == -2.3
    # sorted [1, 2, 3, 4, 5, 6, 7], p90 rank 6 * 0.9 = 5.4 -> 6 + 1 * 0.4 = 6.4
    assert percentile([7, 6, 5, 4, 3, 2, 1], Q_P90) == 6.4


def test_round_half_up():
    assert round_half_up(Fraction(5, 2), 0) == 3.0
    assert round_half_up(0.125, 2) == 0.13
    assert round_half_up(Fraction(-1, 8), 2) == -0.13
    assert round_half_up(Fraction(2, 3), 4) == 0.6667


@given(st.lists(st.integers(min_value=-1000, max_value=5000), min_size=1, max_size=60))
def test_percentiles_are_monotone_and_within_the_range(values):
    d = distribution(values)
    assert d["n"] == len(values)
    assert min(values) <= d["median"] <= d["p75"] <= d["p90"] <= max(values)


@given(st.lists(st.integers(min_value=-1000, max_value=5000), min_size=2, max_size=60))
def test_quantiles_match_the_inclusive_method_of_the_standard_library(values):
    # statistics.quantiles(method="inclusive") is numpy's default "linear" method
    quartiles = statistics.quantiles(values, n=4, method="inclusive")
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    assert float(quantile(values, Q_MEDIAN)) == pytest.approx(quartiles[1])
    assert float(quantile(values, Q_P75)) == pytest.approx(quartiles[2])
    assert float(quantile(values, Q_P90)) == pytest.approx(deciles[8])
    assert float(quantile(values, Q_MEDIAN)) == pytest.approx(statistics.median(values))


# -- rates and averages ---------------------------------------------------------------


def test_rates():
    assert rate(3, 4) == 0.75
    # 2 / 3 = 0.66666... -> 0.6667
    assert rate(2, 3) == 0.6667
    # 1 / 8 = 0.125 exactly (four decimals: 0.125)
    assert rate(1, 8) == 0.125
    assert rate(0, 5) == 0.0
    assert rate(5, 5) == 1.0


def test_a_rate_with_a_zero_denominator_is_null():
    assert rate(0, 0) is None


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_rates_are_fractions_from_zero_to_one(a, b):
    num, den = min(a, b), max(a, b)
    value = rate(num, den)
    if den == 0:
        assert value is None
    else:
        assert 0.0 <= value <= 1.0


def test_averages_round_to_two_decimals_and_are_null_when_empty():
    # (5 + 6 + 6) / 3 = 17 / 3 = 5.666... -> 5.67
    assert average(17, 3) == 5.67
    # (4 + 5) / 2 = 4.5
    assert average(9.0, 2) == 4.5
    assert average(0, 0) is None


# -- the seam --------------------------------------------------------------------------

AS_OF = D("2026-03-20")


def test_a_handover_is_a_release_with_gap_0():
    # the handover ends the implementation owner on 03-01 and starts the CSM on 03-01
    impl = [Stint(D("2026-01-01"), D("2026-03-01"))]
    csm = [Stint(D("2026-03-01"))]
    assert seam_gaps(impl, csm, AS_OF) == [0]


def test_a_release_then_a_csm_five_days_later_is_a_gap_of_5():
    # released 03-01, CSM assigned 03-06: 6 - 1 = 5 days
    impl = [Stint(D("2026-01-01"), D("2026-03-01"))]
    csm = [Stint(D("2026-03-06"))]
    assert seam_gaps(impl, csm, AS_OF) == [5]


def test_a_release_while_a_csm_already_holds_the_role_is_0():
    impl = [Stint(D("2026-01-01"), D("2026-03-01"))]
    csm = [Stint(D("2026-02-01"))]
    assert seam_gaps(impl, csm, AS_OF) == [0]


def test_a_replacement_is_not_a_release():
    # A hands to B on 02-10 (same day): no release; B still holds the role
    impl = [Stint(D("2026-01-01"), D("2026-02-10")), Stint(D("2026-02-10"))]
    assert releases(impl) == []
    assert seam_gaps(impl, [], AS_OF) == []


def test_a_same_day_correction_then_a_release_is_one_release():
    # A replaced by B on 03-01 (B's assignment then released the same day, lasting zero days):
    # A's end is a replacement, B's end a release on 03-01; no CSM by 03-20: 19 days
    impl = [Stint(D("2026-01-01"), D("2026-03-01")), Stint(D("2026-03-01"), D("2026-03-01"))]
    assert releases(impl) == [D("2026-03-01")]
    assert seam_gaps(impl, [], AS_OF) == [19]


def test_a_gap_still_open_counts_up_to_the_as_of_date():
    # released 03-01, no CSM by 03-20: 20 - 1 = 19 days
    impl = [Stint(D("2026-01-01"), D("2026-03-01"))]
    assert seam_gaps(impl, [], AS_OF) == [19]


def test_a_csm_who_left_before_the_release_does_not_close_the_gap():
    # CSM held 01-01 .. 02-01 only; released 03-01; open until 03-20: 19 days
    impl = [Stint(D("2026-01-01"), D("2026-03-01"))]
    csm = [Stint(D("2026-01-01"), D("2026-02-01"))]
    assert seam_gap(D("2026-03-01"), csm, AS_OF) == 19
    assert seam_gaps(impl, csm, AS_OF) == [19]


def test_an_end_after_the_as_of_date_is_not_known_yet():
    # ends 04-01 in the store, but as of 03-20 the owner still holds the role
    stint = clip(D("2026-01-01"), D("2026-04-01"), AS_OF)
    assert stint == Stint(D("2026-01-01"), None)
    assert seam_gaps([stint], [], AS_OF) == []


def test_every_release_counts_and_a_replacement_between_them_does_not():
    # A 01-01..02-01 replaced by B 02-01..02-10 (no release), B released 02-10;
    # C assigned 02-15 and released 03-01; CSM from 03-04.
    # releases: 02-10 -> CSM 03-04 = 22 days; 03-01 -> CSM 03-04 = 3 days
    impl = [
        Stint(D("2026-01-01"), D("2026-02-01")),
        Stint(D("2026-02-01"), D("2026-02-10")),
        Stint(D("2026-02-15"), D("2026-03-01")),
    ]
    csm = [Stint(D("2026-03-04"))]
    assert releases(impl) == [D("2026-02-10"), D("2026-03-01")]
    assert seam_gaps(impl, csm, AS_OF) == [22, 3]
    # median of [22, 3]: (3 + 22) / 2 = 12.5; max 22
    assert seam_summary([22, 3]) == {"median": 12.5, "max": 22, "n": 2}


@st.composite
def assignment_history(draw):
    """Back-to-back or gapped assignments of one role, as the owner commands write them."""
    day = D("2026-01-01")
    stints = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        day += timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        length = draw(st.integers(min_value=0, max_value=40))
        end = day + timedelta(days=length)
        stints.append(Stint(day, end))
        day = end
    if stints and draw(st.booleans()):
        stints[-1] = Stint(stints[-1].start)  # still held
    return stints


@given(assignment_history(), assignment_history(), st.integers(min_value=0, max_value=400))
def test_seam_gaps_are_one_per_release_within_zero_and_the_time_since_it(impl, csm, days):
    as_of = D("2026-01-01") + timedelta(days=days)
    impl = [clip(s.start, s.end, as_of) for s in impl if s.start <= as_of]
    csm = [clip(s.start, s.end, as_of) for s in csm if s.start <= as_of]
    rel = releases(impl)
    gaps = seam_gaps(impl, csm, as_of)
    assert len(gaps) == len(rel)
    for released_on, gap in zip(rel, gaps):
        assert 0 <= gap <= (as_of - released_on).days
        # gap 0 exactly when a CSM held the role on the release day
        held = any(s.holds_on(released_on) for s in csm if s.end is None or s.end > s.start)
        assert (gap == 0) == held or (not held and as_of == released_on and gap == 0)


def test_no_releases_give_null_seam_summary():
    assert seam_summary([]) == {"median": None, "max": None, "n": 0}


# -- time to value and renewals -----------------------------------------------------


def test_ttv_outcome():
    t = D("2026-03-31")
    assert ttv_outcome(D("2026-03-31"), t, AS_OF) == "on_target"  # on T counts as on target
    assert ttv_outcome(D("2026-04-01"), t, D("2026-05-01")) == "late"
    assert ttv_outcome(None, t, D("2026-04-01")) == "late"  # breached: as-of after T
    assert ttv_outcome(None, t, D("2026-03-31")) is None  # on T: not breached yet


def test_renewal_split():
    pairs = [
        ("on_target", "renewed"),
        ("on_target", "renewed"),
        ("on_target", "churned"),
        ("late", "churned"),
        ("late", "renewed"),
        ("late", "churned"),
        ("late", "churned"),
        ("on_target", None),  # neither renewed nor churned: left out
        (None, "renewed"),  # not yet judged on TTV: left out
    ]
    # on target: 2 renewed of 3 = 0.6667; late: 1 renewed of 4 = 0.25
    assert renewal_split(pairs) == {"on_target": 0.6667, "late": 0.25}


def test_renewal_split_with_nobody_is_null():
    assert renewal_split([("on_target", None)]) == {"on_target": None, "late": None}


# -- a whole portfolio, in memory ------------------------------------------------------


def _acc(i, name, signed, target_days=90, **kw):
    signed = D(signed)
    return AccountFacts(
        id=i,
        name=name,
        signed_on=signed,
        motion="high-touch",
        segment=kw.pop("segment", None),
        target_on=signed + timedelta(days=target_days),
        **kw,
    )


def test_compute_metrics_worked_example():
    as_of = D("2026-06-01")
    accounts = [
        # signed 01-01, T = 04-01; go-live 02-20 (50 days) vs baseline 02-15: late;
        # first value 03-12 (70 days): on target; renewed
        _acc(
            1,
            "A",
            "2026-01-01",
            go_live_on=D("2026-02-20"),
            go_live_baseline_on=D("2026-02-15"),
            first_value_on=D("2026-03-12"),
            renewal="renewed",
            seam_gaps=(0,),
            slip_days={"customer": 5, "internal": 0, "scope": 0},
            slip_counts={"customer": 1, "internal": 0, "scope": 0},
            ces=(11.0, 2),
            csat=(4.0, 1),
        ),
        # signed 01-01, T = 04-01; go-live 01-31 (30 days) vs baseline 02-01: on time;
        # first value 04-11 (100 days): late; churned
        _acc(
            2,
            "B",
            "2026-01-01",
            go_live_on=D("2026-01-31"),
            go_live_baseline_on=D("2026-02-01"),
            first_value_on=D("2026-04-11"),
            renewal="churned",
            seam_gaps=(7, 2),
            slip_days={"customer": 0, "internal": 10, "scope": -3},
            slip_counts={"customer": 0, "internal": 2, "scope": 1},
            ces=(3.0, 1),
        ),
        # signed 02-01, T = 05-02; go-live 03-13 (40 days), no go-live milestone; no first value, breached (late)
        _acc(3, "C", "2026-02-01", go_live_on=D("2026-03-13"), renewal="churned", seam_gaps=(30,)),
        # signed 05-01, T = 07-30: nothing yet, not breached
        _acc(4, "D", "2026-05-01"),
    ]
    report = compute_metrics(accounts, as_of)
    assert report.accounts_in_scope == 4
    assert report.metrics == {
        # go-live days [30, 40, 50]: median 40; p75 rank 1.5 -> 45; p90 rank 1.8 -> 40 + 10 * 0.8 = 48
        "time_to_go_live_days": {"median": 40.0, "p75": 45.0, "p90": 48.0, "n": 3},
        # with a go-live milestone: A (late), B (on time) -> 1 / 2
        "on_time_go_live_rate": 0.5,
        # ttv days [70, 100]: median 85; p75 rank 0.75 -> 70 + 30 * 0.75 = 92.5; p90 rank 0.9 -> 97
        "ttv_days": {"median": 85.0, "p75": 92.5, "p90": 97.0, "n": 2},
        # judged: A on target, B late, C breached -> 1 / 3
        "ttv_on_target_rate": 0.3333,
        # first value: A, B of 4 -> 0.5
        "first_value_rate": 0.5,
        # gaps [0, 7, 2, 30] sorted [0, 2, 7, 30]: median (2 + 7) / 2 = 4.5; max 30
        "seam_gap_days": {"median": 4.5, "max": 30, "n": 4},
        # CES (11 + 3) / 3 = 4.666... -> 4.67; CSAT 4 / 1 = 4.0
        "ces_at_go_live_avg": 4.67,
        "handoff_csat_avg": 4.0,
        "slip_days_by_cause": {"customer": 5, "internal": 10, "scope": -3},
        # on target: A renewed -> 1 / 1; late: B churned, C churned -> 0 / 2
        "renewal_rate_by_ttv": {"on_target": 1.0, "late": 0.0},
    }
    rows = {r.metric: (r.value, r.n) for r in report.rows}
    assert rows["on_time_go_live_rate"] == (0.5, 2)
    assert rows["ttv_on_target_rate"] == (0.3333, 3)
    assert rows["slip_days_by_cause.internal"] == (10, 2)
    assert rows["renewal_rate_by_ttv.late"] == (0.0, 2)


def test_compute_metrics_over_nothing_is_all_nulls_and_zeros():
    report = compute_metrics([], D("2026-06-01"))
    m = report.metrics
    assert m["time_to_go_live_days"] == {"median": None, "p75": None, "p90": None, "n": 0}
    assert [
        m[k]
        for k in (
            "on_time_go_live_rate",
            "ttv_on_target_rate",
            "first_value_rate",
            "ces_at_go_live_avg",
            "handoff_csat_avg",
        )
    ] == [None] * 5
    assert m["seam_gap_days"] == {"median": None, "max": None, "n": 0}
    assert m["slip_days_by_cause"] == {"customer": 0, "internal": 0, "scope": 0}
    assert m["renewal_rate_by_ttv"] == {"on_target": None, "late": None}


def test_scope():
    acc = _acc(1, "A", "2026-02-01", segment="Enterprise", owners=frozenset({"dana lee"}))
    assert Scope().admits(acc)
    assert Scope(segment="enterprise").admits(acc)
    assert not Scope(segment="SMB").admits(acc)
    assert Scope(since=D("2026-02-01")).admits(acc)
    assert not Scope(since=D("2026-02-02")).admits(acc)
    assert Scope(owner="Dana Lee").admits(acc)
    assert not Scope(owner="Sam").admits(acc)
