"""`handoff status [ACCOUNT]` and `handoff timeline ACCOUNT`.

Today is 2026-06-01. Acme, worked by hand (as in tests/cli/test_report.py):
high-touch, signed 2026-01-01, target 90 -> T = 2026-04-01; plan v1 with
sponsor Sam on 01-05; Ivy implements from 01-02; go-live 03-01; workflow-live
03-05; handover to Cara on 03-10 with a joint call; SSO (customer) due 02-15
still open. Findings: ttv-breach 61 days (-40), stalled 92 days (-25),
milestone-overdue 106 days (-5): 100 - 70 = 30, red.
Projected first value: activation 03-01 + default lag 14 = 03-15, but never
before the as-of date: P = 06-01.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


@pytest.fixture
def acme(handoff, add_acme):
    h = handoff.ok
    add_acme(handoff, "--external-id", "CRM-1")
    # facts after today are invisible to today's brief
    h("event", "log", "Acme", "first-value", "--on", "2026-06-10")
    return handoff


FINDINGS = [
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


def test_status_account_json_exact(acme):
    out = acme.json("status", "acme")
    assert out == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "account": "Acme",
        "external_id": "CRM-1",
        "motion": "high-touch",
        "segment": "Enterprise",
        "stage": "first-value",
        "score": 30,
        "band": "red",
        "owner": "Cara",
        "owners": {"implementation": None, "csm": "Cara", "sponsor": "Sam", "champion": None},
        "findings": FINDINGS,
        "deductions": [{"rule": f["rule"], "weight": f["weight"], "detail": f["detail"]} for f in FINDINGS],
        "signed_on": "2026-01-01",
        "ttv_target_days": 90,
        "target_on": "2026-04-01",
        "ttv_day": 151,
        "go_live_planned_on": "2026-03-01",
        "go_live_due_on": "2026-03-01",
        "go_live_on": "2026-03-01",
        "workflow_live_on": "2026-03-05",
        "first_value_on": None,
        "projected_first_value_on": "2026-06-01",
        "lag_days": 14,
        "archived_on": None,
        "churned_on": None,
        "graduated_on": None,
        "plan": {
            "version": 1,
            "outcome": "Close the books in 3 days",
            "sponsor": "Sam",
            "criteria": ["3-day close by Q2"],
            "agreed_on": "2026-01-05",
        },
        "handover": {
            "handed_on": "2026-03-10",
            "from": "Ivy",
            "to": "Cara",
            "gate_passed": True,
            "joint_call": True,
            "promised": "Weekly sync",
            "customised": None,
            "open_issues": None,
        },
        "recent_events": [
            {"on": "2026-03-05", "kind": "workflow-live", "value": None, "note": None},
            {"on": "2026-03-01", "kind": "go-live", "value": None, "note": None},
        ],
        "arr": None,
        "last_sponsor_contact_on": None,
        "open_milestones": [
            {"title": "SSO", "kind": "integration", "side": "customer", "due_on": "2026-02-15", "overdue_days": 106}
        ],
        "usage": [],
    }


def test_status_account_by_external_id_and_as_of(acme):
    # On 2026-06-10 first value is recorded: 06-10 - 01-01 = 160 days, T passed but value reached.
    # Stalled and ttv-breach are gone; SSO overdue 06-10 - 02-15 = 115 days: 100 - 5 = 95, green; stage adoption.
    out = acme.json("status", "CRM-1", "--as-of", "2026-06-10")
    assert (out["stage"], out["score"], out["band"], out["first_value_on"], out["projected_first_value_on"]) == (
        "adoption",
        95,
        "green",
        "2026-06-10",
        None,
    )
    assert [(f["rule"], f["days"]) for f in out["findings"]] == [("milestone-overdue", 115)]


def test_status_account_full_plain_text_brief(acme):
    out = acme.ok("status", "Acme", "--full").stdout
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "Acme  (high-touch, Enterprise, CRM-1)   as of 2026-06-01"
    assert lines[1] == "Stage first-value   Health 30/100 red   Owner Cara"
    for expected in (
        "  csm            Cara",
        "  Outcome  Close the books in 3 days",
        "  - 3-day close by Q2",
        "    100  start",
        "  -  40  ttv-breach         no first value 61 days past the 90-day TTV target (2026-04-01)",
        "  -  25  stalled            live since 2026-03-01 (go-live) but no first value after 92 days",
        "  -   5  milestone-overdue  'SSO' was due 2026-02-15, 106 days overdue: the customer must act",
        "  =  30  red",
        "  2026-03-05  workflow-live",
        "Handover  2026-03-10  Ivy -> Cara",
        "  promised    Weekly sync",
    ):
        assert expected in lines, expected
    ttv = next(line for line in lines if line.startswith("  TTV"))
    assert ttv.endswith("day 151 of 90 (target 2026-04-01); projected first value 2026-06-01, 61 days late")
    go = next(line for line in lines if line.startswith("  Go-live"))
    assert go.endswith("planned 2026-03-01, live 2026-03-01, +0 days")


def test_status_account_brief_fits_one_screen(acme):
    acme.ok("account", "edit", "Acme", "--arr", "48000")
    for week, users in enumerate((1, 2, 4, 3), start=1):
        acme.ok("event", "log", "Acme", "usage", "--value", str(users), "--on", f"2026-05-0{week}")
    acme.ok("event", "log", "Acme", "sponsor-contact", "--on", "2026-04-15", "--note", "QBR")
    out = acme.ok("status", "Acme").stdout
    assert out.splitlines() == [
        "Acme  high-touch · ARR 48,000 · CRM-1 · Enterprise              as of 2026-06-01",
        "Stage first-value   Health 30 red   Owner Cara",
        "Owners    impl -  csm Cara  sponsor Sam  champion -",
        "Plan      v1 Close the books in 3 days  (1 criterion)",
        "Sponsor   Sam   last contact 47 days ago (2026-04-15)",
        "Go-live   live 2026-03-01 (planned 2026-03-01, +0 days)",
        "TTV       day 151 of 90 (target 2026-04-01); projected 2026-06-01, 61 days late",
        "Usage     ▃▅█▆  3 active users 28 days ago (last 4 readings)",
        "",
        "Next      2026-02-15  106d late  customer  SSO",
        "",
        "Health    30 red = 100 - 70",
        "  -40  ttv-breach         no first value 61 days past the 90-day TTV target (20…",
        "  -25  stalled            live since 2026-03-01 (go-live) but no first value af…",
        "  -5   milestone-overdue  'SSO' was due 2026-02-15, 106 days overdue: the custo…",
        "",
        "Recent    2026-04-15  sponsor-contact  QBR",
        "          2026-03-05  workflow-live",
        "          2026-03-01  go-live",
        "Handover  2026-03-10  Ivy -> Cara, at the value gate, joint call; promised: Wee…",
    ]
    assert all(len(line) <= 80 for line in out.splitlines())


def test_a_self_serve_brief_is_about_activation(handoff):
    handoff.ok("account", "add", "Zed", "--signed", "2026-05-01", "--motion", "self-serve")
    out = handoff.ok("status", "Zed").stdout.splitlines()
    assert out[1] == "Stage setup   Health 60 yellow"
    assert out[2] == "Activated not yet: day 31 of 14; TTV target 2026-05-15 passed"
    assert not any(line.startswith(("Owners", "Plan", "Go-live", "Handover", "Sponsor")) for line in out)
    handoff.ok("event", "log", "Zed", "workflow-live", "--on", "2026-05-03")
    assert (
        handoff.ok("status", "Zed").stdout.splitlines()[2]
        == "Activated activated in product 2026-05-03, day 2; TTV target 2026-05-15 passed"
    )


def test_zero_weight_deductions_fold_into_one_line(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-05-20", "--motion", "self-serve", "--ttv-target", "60")
    for n in range(5):
        handoff.ok("milestone", "add", "Acme", f"Step {n}", "--due", f"2026-05-2{n + 1}", "--on", "2026-05-20")
    out = handoff.ok("status", "Acme").stdout.splitlines()
    assert "  -0   2 more milestone-overdue (no points: the rule's cap is reached)" in out
    assert sum(line.startswith("  -5 ") for line in out) == 3


def test_status_account_markdown(acme):
    out = acme.ok("status", "Acme", "--format", "markdown").stdout
    assert out.startswith(
        "**Acme** (high-touch) as of 2026-06-01: stage **first-value**, health **30/100 (red)**, owner Cara\n"
    )
    assert "- −40 `ttv-breach` (breach): no first value 61 days past the 90-day TTV target (2026-04-01)\n" in out
    assert "**Handover** 2026-03-10 Ivy → Cara: value gate passed, joint call\n" in out


def test_status_unknown_account_is_exit_2(acme):
    result = acme("status", "Acem")
    assert result.exit_code == 2
    assert "no account 'Acem'" in result.stderr and "Acme" in result.stderr


def test_status_account_not_signed_yet(acme):
    result = acme("status", "Acme", "--as-of", "2025-12-31")
    assert result.exit_code == 2
    assert "signed on 2026-01-01" in result.stderr


def test_status_fail_on_breach(acme):
    assert acme("status", "Acme", "--fail-on-breach").exit_code == 3
    assert acme("status", "Acme", "--fail-on-breach", "--as-of", "2026-06-10").exit_code == 0


def test_status_portfolio_riskiest_first(acme):
    acme.ok("account", "add", "Zed", "--signed", "2026-05-30", "--motion", "self-serve")
    out = acme.json("status")
    # Zed: self-serve, 2 days old, target 14 -> no findings, 100; Acme 30 first
    assert [(a["account"], a["score"], a["top"]) for a in out["accounts"]] == [
        ("Acme", 30, "no first value 61 days past the 90-day TTV target (2026-04-01)"),
        ("Zed", 100, None),
    ]
    table = acme.ok("status").stdout.splitlines()[2:]  # after the heading line and a blank line
    assert table[0].split() == ["Account", "Stage", "Score", "Band", "Owner", "TTV", "Top", "issue"]
    assert table[1].split()[:6] == ["Acme", "first-value", "30", "red", "Cara", "day"]


def test_timeline_json_exact(acme):
    out = acme.json("timeline", "Acme")
    e = lambda on, fact, detail: {"on": on, "fact": fact, "detail": detail}  # noqa: E731
    assert out == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "account": "Acme",
        "timeline": [
            e("2026-01-01", "signed", "contract signed (high-touch; TTV target 90 days, due 2026-04-01)"),
            e("2026-01-02", "assignment-start", "Ivy became implementation"),
            e("2026-01-05", "assignment-start", "Sam became sponsor"),
            e("2026-01-05", "plan", "success plan v1: Close the books in 3 days; sponsor Sam; 1 criteria"),
            e("2026-01-05", "milestone-added", "milestone 'Go live' added (go-live, vendor side), due 2026-03-01"),
            e("2026-01-05", "milestone-added", "milestone 'SSO' added (integration, customer side), due 2026-02-15"),
            e("2026-02-15", "milestone-due", "milestone 'SSO' due (still open)"),
            e("2026-03-01", "milestone-done", "milestone 'Go live' done"),
            e("2026-03-01", "event", "go-live"),
            e("2026-03-05", "event", "workflow-live"),
            e("2026-03-10", "assignment-end", "Ivy stopped being implementation"),
            e("2026-03-10", "handover", "handed over from Ivy to Cara, with a joint call"),
            e("2026-03-10", "assignment-start", "Cara became csm"),
        ],
    }


def test_timeline_as_of_and_markdown(acme):
    out = acme.ok("timeline", "Acme", "--as-of", "2026-01-02", "--format", "markdown").stdout
    assert out == (
        "| Date | Fact | Detail |\n"
        "| --- | --- | --- |\n"
        "| 2026-01-01 | signed | contract signed (high-touch; TTV target 90 days, due 2026-04-01) |\n"
        "| 2026-01-02 | assignment-start | Ivy became implementation |\n"
    )


@pytest.mark.sqlite_only  # the read path on PostgreSQL runs through SQLAlchemy Core by design
def test_status_account_does_not_import_the_orm(acme, db_path, tmp_path):
    code = (
        "import sys\n"
        "from handoff_cli.cli import app\n"
        "try:\n    app(['status', 'Acme', '--format', 'json'], prog_name='handoff')\n"
        "except SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        "print('LOADED:' + ','.join(m for m in ('sqlmodel', 'sqlalchemy', 'alembic') if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "HANDOFF_DB": str(db_path), "HANDOFF_CONFIG": str(tmp_path / "config.toml")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert json.loads(run.stdout)["account"] == "Acme"
    assert "LOADED:\n" in run.stderr
