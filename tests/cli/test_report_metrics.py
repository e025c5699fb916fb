"""`handoff report metrics` and `handoff report audit`, end to end over a portfolio
built with the write commands (today is 2026-06-01 by the test clock)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The portfolio's store, built once through the commands and copied for each test."""
    return tmp_path_factory.mktemp("portfolio") / "handoff.db"


@pytest.fixture
def portfolio(handoff, built, db_path):
    if not isinstance(db_path, Path):  # PostgreSQL pass: a fresh database per test, built each time
        build(handoff)
    elif not built.exists():
        build(handoff)
        copy_store(db_path, built)
    else:
        copy_store(built, db_path)
    return handoff


def copy_store(src, dest):
    """A consistent copy through SQLite's backup API (the WAL included)."""
    a, b = sqlite3.connect(str(src)), sqlite3.connect(str(dest))
    try:
        a.backup(b)
    finally:
        b.close()
        a.close()


def build(handoff):
    h = handoff.ok
    # Acme: high-touch, Enterprise, signed 01-05 (T = 01-05 + 90 = 04-05)
    h("account", "add", "Acme", "--signed", "2026-01-05", "--segment", "Enterprise")
    h("owner", "assign", "Acme", "implementation", "Ann", "--on", "2026-01-05")
    h("milestone", "add", "Acme", "SSO", "--due", "2026-02-01", "--kind", "integration", "--on", "2026-01-05")
    h("milestone", "add", "Acme", "Go live", "--due", "2026-03-01", "--kind", "go-live", "--on", "2026-01-05")
    h("milestone", "slip", "Acme", "SSO", "--to", "2026-02-15", "--cause", "scope", "--on", "2026-01-25")
    h("milestone", "slip", "Acme", "Go live", "--to", "2026-03-11", "--cause", "customer", "--on", "2026-02-20")
    h("milestone", "slip", "Acme", "Go live", "--to", "2026-03-08", "--cause", "internal", "--on", "2026-03-01")
    h("milestone", "done", "Acme", "Go live", "--on", "2026-03-06")  # records the go-live
    h("event", "log", "Acme", "ces", "--value", "6", "--on", "2026-03-06")
    h("handover", "Acme", "--to", "Cal", "--on", "2026-03-06", "--joint-call")
    h("event", "log", "Acme", "handoff-csat", "--value", "4", "--on", "2026-03-07")
    h("event", "log", "Acme", "first-value", "--on", "2026-03-20")
    h("event", "log", "Acme", "renewed", "--on", "2026-05-01")
    # Beta: high-touch, SMB, signed 02-01, target 30 days (T = 03-03); churned
    h("account", "add", "Beta", "--signed", "2026-02-01", "--segment", "SMB", "--ttv-target", "30")
    h("owner", "assign", "Beta", "implementation", "Bo", "--on", "2026-02-01")
    h("milestone", "add", "Beta", "Launch", "--due", "2026-03-15", "--kind", "go-live", "--on", "2026-02-01")
    h("event", "log", "Beta", "go-live", "--on", "2026-03-10")  # completes Launch
    h("event", "log", "Beta", "ces", "--value", "4", "--on", "2026-03-10")
    h("owner", "release", "Beta", "implementation", "--on", "2026-03-20")
    h("owner", "assign", "Beta", "csm", "Cy", "--on", "2026-03-27")
    h("event", "log", "Beta", "first-value", "--on", "2026-04-10")
    h("event", "log", "Beta", "renewed", "--on", "2026-05-15")
    h("event", "log", "Beta", "churned", "--on", "2026-05-15")  # same day, logged later: counts
    # Gamma: self-serve, SMB, signed 03-01 (T = 03-01 + 14 = 03-15); graduated; churned then renewed
    h("account", "add", "Gamma", "--signed", "2026-03-01", "--segment", "SMB", "--motion", "self-serve")
    h("event", "log", "Gamma", "go-live", "--on", "2026-03-08")
    h("event", "log", "Gamma", "first-value", "--on", "2026-03-12")
    h("event", "log", "Gamma", "graduated", "--on", "2026-04-01")
    h("event", "log", "Gamma", "churned", "--on", "2026-05-10")
    h("event", "log", "Gamma", "renewed", "--on", "2026-05-25")
    # Delta: high-touch, Enterprise, signed 01-15 (T = 04-15); released with nobody after; archived
    h("account", "add", "Delta", "--signed", "2026-01-15", "--segment", "Enterprise")
    h("owner", "assign", "Delta", "implementation", "Ann", "--on", "2026-01-15")
    h("owner", "release", "Delta", "implementation", "--on", "2026-03-01")
    h("account", "archive", "Delta", "--on", "2026-04-01")
    # Epsilon: signed 05-20 (T = 08-18), just started
    h("account", "add", "Epsilon", "--signed", "2026-05-20")
    h("owner", "assign", "Epsilon", "implementation", "Ann", "--on", "2026-05-20")
    # Zeta: signed after today: not in any report yet
    h("account", "add", "Zeta", "--signed", "2026-07-01")
    h("event", "log", "Zeta", "go-live", "--on", "2026-07-02")


def test_metrics_json(portfolio):
    out = portfolio.json("report", "metrics")
    assert out == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        # Acme, Beta, Gamma, Delta (archived), Epsilon; not Zeta
        "accounts_in_scope": 5,
        "metrics": {
            # Acme 01-05 -> 03-06 = 26 + 28 + 6 = 60; Beta 02-01 -> 03-10 = 27 + 10 = 37; Gamma 03-01 -> 03-08 = 7
            # sorted [7, 37, 60]: median 37; p75 rank 1.5 -> 37 + 23 * 0.5 = 48.5; p90 rank 1.8 -> 37 + 23 * 0.8 = 55.4
            "time_to_go_live_days": {"median": 37.0, "p75": 48.5, "p90": 55.4, "n": 3},
            # Acme 03-06 after its baseline 03-01 (late); Beta 03-10 by 03-15 (on time); Gamma has no milestone
            "on_time_go_live_rate": 0.5,
            # Acme 01-05 -> 03-20 = 26 + 28 + 20 = 74; Beta 02-01 -> 04-10 = 27 + 31 + 10 = 68; Gamma 03-01 -> 03-12 = 11
            # sorted [11, 68, 74]: median 68; p75 rank 1.5 -> 71; p90 rank 1.8 -> 68 + 6 * 0.8 = 72.8
            "ttv_days": {"median": 68.0, "p75": 71.0, "p90": 72.8, "n": 3},
            # on target: Acme (03-20 <= 04-05), Gamma (03-12 <= 03-15); late: Beta (04-10 > 03-03),
            # Delta breached (no first value, 06-01 > 04-15); Epsilon not judged yet: 2 / 4
            "ttv_on_target_rate": 0.5,
            # 3 of 5 have a first value
            "first_value_rate": 0.6,
            # Acme's handover (0); Beta released 03-20, CSM 03-27 (7); Delta released 03-01, still open:
            # 03-01 -> 06-01 = 31 + 30 + 31 = 92. sorted [0, 7, 92]: median 7, max 92
            "seam_gap_days": {"median": 7.0, "max": 92, "n": 3},
            # CES (6 + 4) / 2 = 5; CSAT 4 / 1 = 4
            "ces_at_go_live_avg": 5.0,
            "handoff_csat_avg": 4.0,
            # customer 03-01 -> 03-11 = +10; internal 03-11 -> 03-08 = -3; scope 02-01 -> 02-15 = +14
            "slip_days_by_cause": {"customer": 10, "internal": -3, "scope": 14},
            # on target: Acme renewed, Gamma renewed (latest) -> 2 / 2; late: Beta churned (latest, same day) -> 0 / 1;
            # Delta has neither event
            "renewal_rate_by_ttv": {"on_target": 1.0, "late": 0.0},
        },
    }


def test_metrics_scoped_by_owner_segment_and_since(portfolio):
    # Ann ever held implementation on Acme, Delta (released) and Epsilon
    m = portfolio.json("report", "metrics", "--owner", "ann")
    assert m["accounts_in_scope"] == 3
    # go-live: Acme only (60 days)
    assert m["metrics"]["time_to_go_live_days"] == {"median": 60.0, "p75": 60.0, "p90": 60.0, "n": 1}
    # first value: Acme of 3 = 0.3333; judged: Acme on target, Delta breached -> 1 / 2
    assert m["metrics"]["first_value_rate"] == 0.3333
    assert m["metrics"]["ttv_on_target_rate"] == 0.5
    # Cal became Acme's CSM at the handover
    assert portfolio.json("report", "metrics", "--owner", "Cal")["accounts_in_scope"] == 1

    smb = portfolio.json("report", "metrics", "--segment", "SMB")["metrics"]
    # Beta 37 and Gamma 7: median (7 + 37) / 2 = 22; p75 7 + 30 * 0.75 = 29.5; p90 7 + 30 * 0.9 = 34
    assert smb["time_to_go_live_days"] == {"median": 22.0, "p75": 29.5, "p90": 34.0, "n": 2}
    assert smb["renewal_rate_by_ttv"] == {"on_target": 1.0, "late": 0.0}

    since = portfolio.json("report", "metrics", "--since", "2026-02-01")
    # Beta, Gamma, Epsilon
    assert since["accounts_in_scope"] == 3
    assert since["metrics"]["slip_days_by_cause"] == {"customer": 0, "internal": 0, "scope": 0}


def test_metrics_as_of_a_past_date(portfolio):
    out = portfolio.json("report", "metrics", "--as-of", "2026-03-15")
    assert out["as_of"] == "2026-03-15"
    # Epsilon not signed yet; Acme, Beta, Gamma, Delta
    assert out["accounts_in_scope"] == 4
    m = out["metrics"]
    # go-lives by 03-15: Acme 60, Beta 37, Gamma 7 (as before)
    assert m["time_to_go_live_days"]["n"] == 3
    # first values by 03-15: Gamma only (11 days); judged: Gamma on target, Beta breached (03-15 > 03-03) -> 1 / 2
    assert m["ttv_days"] == {"median": 11.0, "p75": 11.0, "p90": 11.0, "n": 1}
    assert m["ttv_on_target_rate"] == 0.5
    # Beta not released yet (03-20); Delta released 03-01, open 14 days; Acme 0: sorted [0, 14] median 7
    assert m["seam_gap_days"] == {"median": 7.0, "max": 14, "n": 2}
    # no renewals or churns yet
    assert m["renewal_rate_by_ttv"] == {"on_target": None, "late": None}


def test_metrics_with_nothing_in_scope_are_nulls(handoff):
    handoff.ok("init")
    out = handoff.json("report", "metrics")
    assert out["accounts_in_scope"] == 0
    assert out["metrics"]["time_to_go_live_days"] == {"median": None, "p75": None, "p90": None, "n": 0}
    assert out["metrics"]["first_value_rate"] is None
    assert out["metrics"]["ces_at_go_live_avg"] is None


def test_metrics_table_is_one_readable_row_per_metric(portfolio):
    result = portfolio.ok("report", "metrics")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Metric", "Value", "n"]
    text = result.stdout
    assert "time to go-live (days): median" in text
    assert "on-time go-live rate" in text and "50.0%" in text
    row = next(line for line in lines if line.startswith("seam gap (days): max"))
    assert row.split()[-2:] == ["92", "3"]
    assert "5 account(s) in scope as of 2026-06-01" in result.stderr


def test_metrics_csv(portfolio):
    result = portfolio.ok("report", "metrics", "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == "metric,value,n,unit,as_of"
    assert "time_to_go_live_days.p90,55.4,3,days,2026-06-01" in lines
    assert "on_time_go_live_rate,0.5,2,rate,2026-06-01" in lines
    assert "slip_days_by_cause.internal,-3,1,days,2026-06-01" in lines
    assert "renewal_rate_by_ttv.late,0,1,rate,2026-06-01" in lines


def test_metrics_markdown(portfolio):
    out = portfolio.ok("report", "metrics", "--format", "markdown").stdout
    assert out.startswith("| Metric | Value | n |\n| --- | ---: | ---: |\n")
    assert "| first-value rate | 60.0% | 5 |" in out


AUDIT = [
    {
        "account": "Beta",
        "signed_on": "2026-02-01",
        "go_live_on": "2026-03-10",
        "signed_to_go_live_days": 37,
        "baseline_go_live_on": "2026-03-15",
        # 03-10 - 03-15 = -5: early
        "go_live_delta_days": -5,
        "slip_days_by_cause": {"customer": 0, "internal": 0, "scope": 0},
        "seam_gap_days": 7,
        "ttv_days": 68,
    },
    {
        "account": "Gamma",
        "signed_on": "2026-03-01",
        "go_live_on": "2026-03-08",
        "signed_to_go_live_days": 7,
        "baseline_go_live_on": None,
        "go_live_delta_days": None,
        "slip_days_by_cause": {"customer": 0, "internal": 0, "scope": 0},
        "seam_gap_days": None,
        "ttv_days": 11,
    },
    {
        "account": "Acme",
        "signed_on": "2026-01-05",
        "go_live_on": "2026-03-06",
        "signed_to_go_live_days": 60,
        "baseline_go_live_on": "2026-03-01",
        # 03-06 - 03-01 = 5
        "go_live_delta_days": 5,
        "slip_days_by_cause": {"customer": 10, "internal": -3, "scope": 14},
        "seam_gap_days": 0,
        "ttv_days": 74,
    },
]


def test_audit_json(portfolio):
    assert portfolio.json("report", "audit") == {"schema_version": 1, "as_of": "2026-06-01", "go_lives": AUDIT}


def test_audit_last_and_limit(portfolio):
    assert portfolio.json("report", "audit", "--last", "2")["go_lives"] == AUDIT[:2]
    assert portfolio.json("report", "audit", "--limit", "1")["go_lives"] == AUDIT[:1]
    assert portfolio.json("report", "audit", "--last", "1", "--limit", "1")["go_lives"] == AUDIT[:1]


def test_audit_scope_and_as_of(portfolio):
    assert portfolio.json("report", "audit", "--owner", "ANN")["go_lives"] == [AUDIT[2]]
    assert portfolio.json("report", "audit", "--segment", "smb")["go_lives"] == AUDIT[:2]
    assert [g["account"] for g in portfolio.json("report", "audit", "--since", "2026-02-15")["go_lives"]] == ["Gamma"]
    # as of 03-09: Beta not live; Gamma had no first value before 03-12; Acme's first value came 03-20
    past = portfolio.json("report", "audit", "--as-of", "2026-03-09")
    assert past["as_of"] == "2026-03-09"
    assert past["go_lives"] == [{**AUDIT[1], "ttv_days": None}, {**AUDIT[2], "ttv_days": None}]


def test_audit_table_and_csv(portfolio):
    table = portfolio.ok("report", "audit", "--last", "2")
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "Account",
        "Signed",
        "Go-live",
        "Days",
        "to",
        "go-live",
        "Baseline",
        "vs",
        "baseline",
        "Slip",
        "cust.",
        "Slip",
        "int.",
        "Slip",
        "scope",
        "Seam",
        "gap",
        "TTV",
        "days",
    ]
    assert lines[1].split() == ["Beta", "2026-02-01", "2026-03-10", "37", "2026-03-15", "-5", "0", "0", "0", "7", "68"]
    assert lines[2].split() == ["Gamma", "2026-03-01", "2026-03-08", "7", "-", "-", "0", "0", "0", "-", "11"]
    assert "1 earlier go-live(s)" in table.stderr
    csv_lines = portfolio.ok("report", "audit", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == (
        "account,signed_on,go_live_on,signed_to_go_live_days,baseline_go_live_on,"
        "go_live_delta_days,slip_customer,slip_internal,slip_scope,seam_gap_days,ttv_days,as_of"
    )
    assert csv_lines[2] == "Gamma,2026-03-01,2026-03-08,7,,,0,0,0,,11,2026-06-01"
    assert csv_lines[3] == "Acme,2026-01-05,2026-03-06,60,2026-03-01,5,10,-3,14,0,74,2026-06-01"


def test_audit_with_no_go_lives_says_so(handoff):
    handoff.ok("init")
    result = handoff.ok("report", "audit")
    assert result.stdout == ""
    assert "no go-lives in scope yet" in result.stderr
    assert json.loads(handoff.ok("report", "audit", "--format", "json").stdout)["go_lives"] == []


def test_bad_input_is_exit_2_and_changes_nothing(portfolio, dump):
    before = dump()
    for args in (
        ("report", "audit", "--last", "2", "--limit", "3"),
        ("report", "audit", "--last", "0"),
        ("report", "metrics", "--as-of", "someday"),
        ("report", "metrics", "--since", "not-a-date"),
    ):
        result = portfolio(*args)
        assert result.exit_code == 2, args
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
    assert dump() == before


def test_the_options_every_report_takes_are_accepted(portfolio):
    # --all changes nothing (archived and churned accounts always count); there are no findings,
    # so --fail-on-breach never exits 3
    plain = portfolio.json("report", "metrics")
    assert portfolio.json("report", "metrics", "--all", "--fail-on-breach") == plain
    assert portfolio.json("report", "audit", "--all", "--fail-on-breach")["go_lives"] == AUDIT
    # --limit stops the metrics table: 3 rows, and stderr says how many more (18 - 3 = 15)
    result = portfolio.ok("report", "metrics", "--limit", "3")
    assert len(result.stdout.splitlines()) == 1 + 3
    assert "and 15 more" in result.stderr
    # --since is read relative to the report's as-of date: 2026-03-15 - 2w = 03-01 -> Gamma only
    since = portfolio.json("report", "metrics", "--as-of", "2026-03-15", "--since=-2w")
    assert since["accounts_in_scope"] == 1
