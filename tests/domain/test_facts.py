"""Pure facts helpers: adoption by usage, the calendar clamp, the value gate, churn (no database)."""

from __future__ import annotations

from datetime import date

from handoff_cli.domain.facts import add_days, adoption_on, churned_on, gate_missing, gate_on, lag_by_motion

D = date


def adopted(readings, threshold=3, weeks=4):
    return adoption_on([(D.fromisoformat(on), float(v)) for on, v in readings], threshold=threshold, weeks=weeks)


def test_four_consecutive_iso_weeks_at_or_above_the_threshold():
    # Mondays 05-04, 05-11, 05-18, 05-25 of 2026: the fourth completes the run
    mondays = [("2026-05-04", 3), ("2026-05-11", 5), ("2026-05-18", 3), ("2026-05-25", 4)]
    assert adopted(mondays) == D(2026, 5, 25)
    assert adopted(mondays[:3]) is None
    # a week below the threshold breaks the run; the run starts again after it
    broken = [("2026-05-04", 3), ("2026-05-11", 2), ("2026-05-18", 3), ("2026-05-25", 3), ("2026-06-01", 3)]
    assert adopted(broken) is None
    assert adopted([*broken, ("2026-06-08", 9)]) == D(2026, 6, 8)
    # a week without readings breaks it too
    assert adopted([("2026-05-04", 3), ("2026-05-11", 3), ("2026-05-25", 3), ("2026-06-01", 3)]) is None


def test_the_latest_reading_of_a_week_counts_and_dates_the_run():
    # week of 05-25: 9 on Monday, then 1 on Friday: the Friday reading counts (below 3)
    weeks = [("2026-05-04", 3), ("2026-05-11", 3), ("2026-05-18", 3), ("2026-05-25", 9), ("2026-05-29", 1)]
    assert adopted(weeks) is None
    # ... and the other way round: 1 on Monday, 4 on Sunday 05-31: the run ends on 05-31
    weeks = [("2026-05-04", 3), ("2026-05-11", 3), ("2026-05-18", 3), ("2026-05-25", 1), ("2026-05-31", 4)]
    assert adopted(weeks) == D(2026, 5, 31)


def test_iso_weeks_run_across_the_year_end():
    # 2026-12-21, 12-28 (ISO week 53 of 2026), 2027-01-04 and 01-11: four consecutive weeks
    assert adopted([("2026-12-21", 3), ("2026-12-28", 3), ("2027-01-04", 3), ("2027-01-11", 3)]) == D(2027, 1, 11)
    # Thursday 12-31 and Sunday 01-03 lie in the same ISO week: one week, the Sunday reading counts
    assert adopted([("2026-12-31", 3), ("2027-01-03", 3)], weeks=2) is None
    assert adopted([("2026-12-31", 3), ("2027-01-04", 3)], weeks=2) == D(2027, 1, 4)


def test_add_days_stops_at_the_calendar_ends():
    assert add_days(D(2026, 1, 1), 90) == D(2026, 4, 1)
    assert add_days(D(2026, 1, 1), 3_000_000) == D(9999, 12, 31)
    assert add_days(D(9999, 12, 31), 14) == D(9999, 12, 31)
    assert add_days(D(1, 1, 5), -10) == D(1, 1, 1)


def test_the_value_gate_and_churn():
    assert gate_on("high-touch", D(2026, 3, 1), D(2026, 3, 5)) == D(2026, 3, 5)
    assert gate_on("high-touch", D(2026, 3, 1), None) is None
    assert gate_on("self-serve", None, D(2026, 3, 5)) == D(2026, 3, 5)
    assert gate_missing("high-touch", D(2026, 3, 1), D(2026, 3, 5), D(2026, 3, 4)) == ["workflow-live"]
    assert gate_missing("self-serve", None, D(2026, 3, 5), D(2026, 3, 5)) == []
    assert churned_on("churned", D(2026, 3, 1)) == D(2026, 3, 1)
    assert churned_on("renewed", D(2026, 3, 10)) is None


def test_the_lag_is_floored_at_zero():
    row = {"min_accounts_for_lag": 3, "default_lag_days": {"high-touch": 14, "self-serve": 3}}
    # medians: -5 (floored to 0) and, for an even count, the mean of the middle two rounded up: (-3 + 1) / 2 = -1 -> 0
    assert lag_by_motion({"self-serve": [-5, -5, -5], "high-touch": [-7, -3, 1, 4]}, row) == {
        "high-touch": 0,
        "self-serve": 0,
    }
    assert lag_by_motion({"self-serve": [-5, -5]}, row) == {"high-touch": 14, "self-serve": 3}
