"""`handoff report breaches | health` over a portfolio built through the commands.

Today is 2026-06-01 (tests/conftest.py). The portfolio, worked by hand:

* Acme, high-touch, signed 2026-01-01, target 90 -> T = 2026-04-01. Plan with
  sponsor Sam on 01-05; Ivy implements from 01-02; go-live 03-01 (completes the
  "Go live" milestone); workflow-live 03-05; handover to Cara on 03-10 with a
  joint call (gate passed on 03-05, before it). "SSO" (customer side) due
  02-15 is still open.
  - ttv-breach: no first value, 06-01 > T; since 04-01, 30 + 31 = 61 days, -40
  - stalled: go-live 03-01, 06-01 - 03-01 = 31 + 30 + 31 = 92 days > 14, -25
  - milestone-overdue: SSO since 02-15, 13 + 31 + 30 + 31 + 1 = 106 days, -5
  - score 100 - 70 = 30 -> red; stage first-value; owner Cara (after the handover)
* beta, self-serve, segment SMB, signed 2026-05-01, target 14 -> T = 05-15.
  workflow-live 05-03, first value 05-10, usage 3 on the Mondays 05-11, 05-18,
  05-25, 06-01 (four consecutive ISO weeks >= 3) -> stage adopted. Champion-only
  needs first value more than 30 days ago: 06-01 - 05-10 = 22. No findings,
  score 100 green, no owner.
* Cobalt, high-touch, signed 2026-05-20, target 60 -> T = 07-19. Nothing else:
  - ownerless since signed, 12 days, -30 (breach)
  - no-success-plan: 12 days > 7, -15
  - no-exec-sponsor since signed, 12 days, -10
  - ttv-at-risk: no activation, no milestones: P = 06-01 + 14 (default lag:
    no high-touch account has both activation and first value) = 06-15 <= T: none
  - score 100 - 55 = 45 -> red; stage kickoff
* Delta, signed 2026-02-01, archived 2026-05-01: out of the reports unless --all.
"""

from __future__ import annotations

import json

import pytest


def build_portfolio(handoff, add_acme):
    h = handoff.ok
    add_acme(handoff)

    h("account", "add", "beta", "--signed", "2026-05-01", "--motion", "self-serve", "--segment", "SMB")
    h("event", "log", "beta", "workflow-live", "--on", "2026-05-03")
    h("event", "log", "beta", "first-value", "--on", "2026-05-10")
    for day in ("2026-05-11", "2026-05-18", "2026-05-25", "2026-06-01"):
        h("event", "log", "beta", "usage", "--value", "3", "--on", day)

    h("account", "add", "Cobalt", "--signed", "2026-05-20", "--ttv-target", "60")

    h("account", "add", "Delta", "--signed", "2026-02-01")
    h("account", "archive", "Delta", "--on", "2026-05-01")


@pytest.fixture
def portfolio(handoff, add_acme):
    build_portfolio(handoff, add_acme)
    return handoff


ACME_FINDINGS = [
    {
        "account": "Acme",
        "rule": "ttv-breach",
        "severity": "breach",
        "since": "2026-04-01",
        "days": 61,
        "detail": "no first value 61 days past the 90-day TTV target (2026-04-01)",
        "weight": 40,
    },
    {
        "account": "Acme",
        "rule": "stalled",
        "severity": "breach",
        "since": "2026-03-01",
        "days": 92,
        "detail": "live since 2026-03-01 (go-live) but no first value after 92 days",
        "weight": 25,
    },
    {
        "account": "Acme",
        "rule": "milestone-overdue",
        "severity": "warning",
        "since": "2026-02-15",
        "days": 106,
        "detail": "'SSO' was due 2026-02-15, 106 days overdue: the customer must act",
        "weight": 5,
    },
]
COBALT_OWNERLESS = {
    "account": "Cobalt",
    "rule": "ownerless",
    "severity": "breach",
    "since": "2026-05-20",
    "days": 12,
    "detail": "nobody has owned the account since it was signed on 2026-05-20: assign an implementation owner or a CSM",
    "weight": 30,
}
COBALT_WARNINGS = [
    {
        "account": "Cobalt",
        "rule": "no-success-plan",
        "severity": "warning",
        "since": "2026-05-20",
        "days": 12,
        "detail": "signed 12 days ago and no success plan: agree one with `handoff plan set`",
        "weight": 15,
    },
    {
        "account": "Cobalt",
        "rule": "no-exec-sponsor",
        "severity": "warning",
        "since": "2026-05-20",
        "days": 12,
        "detail": "no executive sponsor named: assign one",
        "weight": 10,
    },
]


def test_breaches_json_exact(portfolio):
    out = portfolio.json("report", "breaches")
    # breaches first (Acme before Cobalt), then warnings, each in rule-table order
    assert out == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "findings": ACME_FINDINGS[:2] + [COBALT_OWNERLESS] + ACME_FINDINGS[2:] + COBALT_WARNINGS,
    }


def test_health_json_exact(portfolio):
    out = portfolio.json("report", "health")
    assert out == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "accounts": [
            {
                "account": "Acme",
                "motion": "high-touch",
                "stage": "first-value",
                "score": 30,
                "band": "red",
                "owner": "Cara",
                "findings": ["ttv-breach", "stalled", "milestone-overdue"],
                "segment": "Enterprise",
                "signed_on": "2026-01-01",
                "ttv_day": 151,
                "ttv_target_days": 90,
                "first_value_on": None,
            },
            {
                "account": "Cobalt",
                "motion": "high-touch",
                "stage": "kickoff",
                "score": 45,
                "band": "red",
                "owner": None,
                "findings": ["ownerless", "no-success-plan", "no-exec-sponsor"],
                "segment": None,
                "signed_on": "2026-05-20",
                "ttv_day": 12,
                "ttv_target_days": 60,
                "first_value_on": None,
            },
            {
                "account": "beta",
                "motion": "self-serve",
                "stage": "adopted",
                "score": 100,
                "band": "green",
                "owner": None,
                "findings": [],
                "segment": "SMB",
                "signed_on": "2026-05-01",
                "ttv_day": 31,
                "ttv_target_days": 14,
                "first_value_on": "2026-05-10",
            },
        ],
    }


def test_health_all_adds_archived_accounts(portfolio):
    names = [a["account"] for a in portfolio.json("report", "health", "--all")["accounts"]]
    # Delta raises nothing once archived: 100, sorted after Acme 30, Cobalt 45, then by name beta < Delta
    assert names == ["Acme", "Cobalt", "beta", "Delta"]


def test_scope_options(portfolio):
    rows = lambda *a: [x["account"] for x in portfolio.json("report", "health", *a)["accounts"]]  # noqa: E731
    assert rows("--segment", "smb") == ["beta"]
    assert rows("--owner", "cara") == ["Acme"]
    assert rows("--owner", "Ivy") == []  # Ivy was released at the handover
    assert rows("--since", "2026-05-01") == ["Cobalt", "beta"]


def test_as_of_sees_only_earlier_facts(portfolio):
    # On 2026-03-04: Acme live since 03-01 (3 days: not stalled), workflow-live not yet, Ivy still owns it.
    # SSO overdue since 02-15: 13 + 4 = 17 days. T = 04-01 not passed; lag default 14 -> P = max(03-15, 03-04)
    # = 03-15 <= T: not at risk. Cobalt and beta do not exist yet. Delta (signed 02-01, archived only
    # from 05-01) is active and nobody owns it: 03-04 - 02-01 = 27 + 4 = 31 days.
    out = portfolio.json("report", "breaches", "--as-of", "2026-03-04")

    def delta(rule, sev, w, detail):
        return {
            "account": "Delta",
            "rule": rule,
            "severity": sev,  # noqa: E731
            "since": "2026-02-01",
            "days": 31,
            "detail": detail,
            "weight": w,
        }

    assert out == {
        "schema_version": 1,
        "as_of": "2026-03-04",
        "findings": [
            delta(
                "ownerless",
                "breach",
                30,
                "nobody has owned the account since it was signed on 2026-02-01: "
                "assign an implementation owner or a CSM",
            ),
            {
                "account": "Acme",
                "rule": "milestone-overdue",
                "severity": "warning",
                "since": "2026-02-15",
                "days": 17,
                "detail": "'SSO' was due 2026-02-15, 17 days overdue: the customer must act",
                "weight": 5,
            },
            delta(
                "no-success-plan",
                "warning",
                15,
                "signed 31 days ago and no success plan: agree one with `handoff plan set`",
            ),
            delta("no-exec-sponsor", "warning", 10, "no executive sponsor named: assign one"),
        ],
    }
    health = portfolio.json("report", "health", "--as-of", "2026-03-04")["accounts"]
    # Delta (signed 02-01, archived only from 05-01) exists and is active: ownerless, no plan, no sponsor
    assert [(a["account"], a["stage"], a["score"], a["owner"]) for a in health] == [
        ("Delta", "kickoff", 45, None),
        ("Acme", "setup", 95, "Ivy"),
    ]


def test_fail_on_breach_exits_3_after_printing(portfolio):
    result = portfolio("report", "breaches", "--fail-on-breach", "--format", "json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["findings"][0]["rule"] == "ttv-breach"
    assert "breach" in result.stderr


def test_fail_on_breach_exits_0_when_clean(portfolio):
    result = portfolio("report", "breaches", "--fail-on-breach", "--segment", "SMB", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"schema_version": 1, "as_of": "2026-06-01", "findings": []}
    # warnings alone do not fail: on 2026-03-04 Acme only has a milestone overdue
    assert (
        portfolio(
            "report", "breaches", "--fail-on-breach", "--as-of", "2026-03-04", "--segment", "Enterprise"
        ).exit_code
        == 0
    )


def test_breaches_csv(portfolio):
    out = portfolio.ok("report", "breaches", "--format", "csv", "--segment", "Enterprise").stdout
    assert out == (
        "account,rule,severity,since,days,detail,as_of\n"
        "Acme,ttv-breach,breach,2026-04-01,61,no first value 61 days past the 90-day TTV target (2026-04-01),2026-06-01\n"
        "Acme,stalled,breach,2026-03-01,92,live since 2026-03-01 (go-live) but no first value after 92 days,2026-06-01\n"
        "Acme,milestone-overdue,warning,2026-02-15,106,"
        "'SSO' was due 2026-02-15, 106 days overdue: the customer must act,2026-06-01\n"
    ).replace(
        "'SSO' was due 2026-02-15, 106 days overdue: the customer must act",
        "\"'SSO' was due 2026-02-15, 106 days overdue: the customer must act\"",
    )


def test_health_markdown(portfolio):
    out = portfolio.ok("report", "health", "--format", "markdown").stdout
    assert out == (
        "3 accounts as of 2026-06-01: 2 red, 0 yellow, 1 green; 2 with breaches\n"
        "\n"
        "| Account | Motion | Stage | Score | Band | Owner | Findings |\n"
        "| --- | --- | --- | ---: | --- | --- | --- |\n"
        "| Acme | high-touch | first-value | 30 | red | Cara | ttv-breach, stalled, milestone-overdue |\n"
        "| Cobalt | high-touch | kickoff | 45 | red | nobody | ownerless, no-success-plan, no-exec-sponsor |\n"
        "| beta | self-serve | adopted | 100 | green | (self-serve) |  |\n"
    )


def test_breaches_table_stops_at_limit_and_says_how_many_more(portfolio):
    result = portfolio("report", "breaches", "--limit", "2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "3 breaches, 3 warnings in 2 of 3 accounts as of 2026-06-01"
    assert lines[1] == ""
    assert lines[2].split() == ["Account", "Rule", "Severity", "Since", "Days", "Detail"]
    assert [line.split()[:2] for line in lines[3:]] == [["Acme", "ttv-breach"], ["Acme", "stalled"]]
    assert "4 more" in result.stderr
    assert "\x1b[" not in result.stdout


def test_bad_as_of_is_exit_2(portfolio):
    result = portfolio("report", "health", "--as-of", "someday")
    assert result.exit_code == 2
    assert "not a date" in result.stderr


def test_report_group_carries_metrics_and_audit(handoff):
    out = handoff.ok("report", "--help").stdout
    for name in ("health", "breaches", "metrics", "audit"):
        assert name in out


def test_a_relative_since_counts_back_from_the_reports_own_as_of(handoff):
    # HANDOFF_TODAY is 2026-06-01; the report is as of 2026-05-01, so --since=-30d is
    # 2026-05-01 - 30 days = 2026-04-01: Late (signed 2026-04-15) is in, Early (2026-03-15) out.
    # Counted from 2026-06-01 it would be 2026-05-02, and neither would be in scope.
    handoff.ok("account", "add", "Early", "--signed", "2026-03-15")
    handoff.ok("account", "add", "Late", "--signed", "2026-04-15")
    for cmd in (["report", "health"], ["status"]):
        data = handoff.json(*cmd, "--as-of", "2026-05-01", "--since=-30d")
        assert [a["account"] for a in data["accounts"]] == ["Late"]
    metrics = handoff.json("report", "metrics", "--as-of", "2026-05-01", "--since=-30d")
    assert metrics["accounts_in_scope"] == 1
