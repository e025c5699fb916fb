"""handoff milestone add | done | slip | list | template, through the real app."""

from __future__ import annotations

import pytest

BASE = {"schema_version": 1, "as_of": "2026-06-01"}


@pytest.fixture
def acme(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-03-01")
    return "Acme"


def assert_bad(result, fragment: str = "") -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handoff: ")
    assert fragment in lines[0]
    assert result.stdout == ""


def milestone(
    title, kind="other", side="vendor", baseline="2026-07-01", due=None, done=None, slip_days=0, status="open"
):
    return {
        "title": title,
        "kind": kind,
        "side": side,
        "baseline_due_on": baseline,
        "due_on": due or baseline,
        "done_on": done,
        "slip_days": slip_days,
        "status": status,
    }


def test_add(handoff, acme):
    out = handoff.json(
        "milestone", "add", "acme", "SSO", "--due", "2026-07-01", "--kind", "integration", "--side", "customer"
    )
    assert out == {**BASE, "account": "Acme", "milestone": milestone("SSO", "integration", "customer"), "event": None}


def test_add_says_so_on_stderr_in_table_format(handoff, acme):
    result = handoff.ok("milestone", "add", "Acme", "SSO", "--due", "+30d")
    assert result.stdout == ""
    # 2026-06-01 + 30 days = 2026-07-01
    assert result.stderr == "added milestone 'SSO' to Acme, due 2026-07-01\n"


def test_done_of_go_live_records_the_event(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "Go-live", "--due", "2026-07-01", "--kind", "go-live")
    out = handoff.json("milestone", "done", "Acme", "go-live", "--on", "2026-05-28")
    assert out == {
        **BASE,
        "account": "Acme",
        "milestone": milestone("Go-live", "go-live", done="2026-05-28", status="done"),
        "event": {"on": "2026-05-28", "kind": "go-live", "value": None, "note": None},
    }
    events = handoff.json("event", "list", "Acme")
    assert events == {
        **BASE,
        "account": "Acme",
        "events": [{"id": 1, "on": "2026-05-28", "kind": "go-live", "value": None, "note": None}],
    }


def test_done_of_first_workflow_records_workflow_live(handoff, acme):
    handoff.ok(
        "milestone",
        "add",
        "Acme",
        "First workflow",
        "--due",
        "2026-07-01",
        "--kind",
        "first-workflow",
        "--side",
        "customer",
    )
    result = handoff.ok("milestone", "done", "Acme", "First workflow")
    assert result.stderr == "milestone 'First workflow' of Acme done on 2026-06-01; recorded the workflow-live event\n"
    assert [e["kind"] for e in handoff.json("event", "list", "Acme")["events"]] == ["workflow-live"]


def test_slip(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "SSO", "--due", "2026-07-01")
    out = handoff.json(
        "milestone",
        "slip",
        "Acme",
        "SSO",
        "--to",
        "2026-07-22",
        "--cause",
        "customer",
        "--note",
        "IdP admin away",
        "--on",
        "2026-05-30",
    )
    # 2026-07-22 - 2026-07-01 = 21 days
    assert out == {
        **BASE,
        "account": "Acme",
        "milestone": milestone("SSO", due="2026-07-22", slip_days=21),
        "slip": {
            "recorded_on": "2026-05-30",
            "from_due_on": "2026-07-01",
            "to_due_on": "2026-07-22",
            "days": 21,
            "cause": "customer",
            "note": "IdP admin away",
        },
        "event": None,
    }
    result = handoff.ok("milestone", "slip", "Acme", "SSO", "--to", "2026-07-08", "--cause", "internal")
    # pulled in: 2026-07-08 - 2026-07-22 = -14 days
    assert result.stderr == "milestone 'SSO' of Acme moved from 2026-07-22 to 2026-07-08 (-14 days, cause internal)\n"


def test_list_json_and_table(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "Go-live", "--due", "2026-07-01", "--kind", "go-live")
    handoff.ok("milestone", "add", "Acme", "UAT", "--due", "2026-06-01", "--kind", "uat", "--side", "customer")
    handoff.ok("milestone", "add", "Acme", "Provision", "--due", "2026-04-01", "--kind", "provision")
    handoff.ok("milestone", "add", "Acme", "SSO", "--due", "2026-05-01", "--kind", "integration")
    handoff.ok("milestone", "done", "Acme", "Provision", "--on", "2026-04-03")
    handoff.ok("milestone", "slip", "Acme", "SSO", "--to", "2026-05-20", "--cause", "customer")
    handoff.ok("milestone", "slip", "Acme", "SSO", "--to", "2026-05-25", "--cause", "scope")
    # SSO slips: 19 + 5 = 24 days; due 2026-05-25 is before today: overdue. UAT due today: open.
    assert handoff.json("milestone", "list", "acme") == {
        **BASE,
        "account": "Acme",
        "milestones": [
            milestone("Provision", "provision", baseline="2026-04-01", done="2026-04-03", status="done"),
            milestone("SSO", "integration", baseline="2026-05-01", due="2026-05-25", slip_days=24, status="overdue"),
            milestone("UAT", "uat", "customer", baseline="2026-06-01"),
            milestone("Go-live", "go-live", baseline="2026-07-01"),
        ],
    }
    table = handoff.ok("milestone", "list", "Acme").stdout
    assert table == (
        "Milestone  Kind         Side      Baseline    Due         Done        Slip days  Status\n"
        "Provision  provision    vendor    2026-04-01  2026-04-01  2026-04-03          0  done\n"
        "SSO        integration  vendor    2026-05-01  2026-05-25                     24  overdue\n"
        "UAT        uat          customer  2026-06-01  2026-06-01                      0  open\n"
        "Go-live    go-live      vendor    2026-07-01  2026-07-01                      0  open\n"
    )
    csv_text = handoff.ok("milestone", "list", "Acme", "--format", "csv").stdout
    assert csv_text.splitlines()[:2] == [
        "title,kind,side,baseline_due_on,due_on,done_on,slip_days,status,as_of",
        "Provision,provision,vendor,2026-04-01,2026-04-01,2026-04-03,0,done,2026-06-01",
    ]


def test_list_empty(handoff, acme):
    result = handoff.ok("milestone", "list", "Acme")
    assert result.stdout == ""
    assert result.stderr.startswith("Acme has no milestones yet")
    assert handoff.json("milestone", "list", "Acme") == {**BASE, "account": "Acme", "milestones": []}


def test_extra_kind_from_config(handoff, acme, tmp_path):
    (tmp_path / "config.toml").write_text('[milestones]\nkinds = ["training"]\n')
    out = handoff.json("milestone", "add", "Acme", "Admin training", "--due", "2026-07-01", "--kind", "training")
    assert out["milestone"]["kind"] == "training"


def test_template_standard(handoff, acme):
    out = handoff.json("milestone", "template", "Acme", "--start", "2026-04-06", "--on", "2026-04-01")
    assert out["account"] == "Acme" and out["template"] == "standard" and out["start_on"] == "2026-04-06"
    # due = 2026-04-06 + offset: 7, 10, 21, 28, 35, 35, 42, 49, 56, 63, 70 days
    assert [(m["title"], m["kind"], m["side"], m["due_on"]) for m in out["milestones"]] == [
        ("Discovery and scoping", "discovery", "vendor", "2026-04-13"),
        ("Provision instance", "provision", "vendor", "2026-04-16"),
        ("Connect data sources", "data-source", "customer", "2026-04-27"),
        ("SSO", "integration", "customer", "2026-05-04"),
        ("CRM sync", "integration", "vendor", "2026-05-11"),
        ("Webhooks", "integration", "vendor", "2026-05-11"),
        ("Data migration", "migration", "vendor", "2026-05-18"),
        ("Workspace configuration", "configuration", "vendor", "2026-05-25"),
        ("UAT", "uat", "customer", "2026-06-01"),
        ("First workflow with customer data", "first-workflow", "customer", "2026-06-08"),
        ("Go-live", "go-live", "vendor", "2026-06-15"),
    ]
    assert handoff.json("milestone", "list", "Acme")["milestones"] == out["milestones"]


def test_template_default_start_is_the_on_date(handoff, acme):
    result = handoff.ok("milestone", "template", "Acme", "--on", "2026-05-01")
    assert result.stderr == "added 11 milestones from template 'standard' to Acme, starting 2026-05-01\n"
    # go-live: 2026-05-01 + 70 days = 2026-07-10
    assert handoff.json("milestone", "list", "Acme")["milestones"][-1]["due_on"] == "2026-07-10"


def test_user_template_overrides_standard(handoff, acme, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "standard.toml").write_text(
        '[[milestones]]\ntitle = "Kickoff"\nkind = "discovery"\noffset_days = 1\n'
    )
    out = handoff.json("milestone", "template", "Acme", "--start", "2026-06-10")
    assert out["milestones"] == [milestone("Kickoff", "discovery", baseline="2026-06-11")]


def test_template_clash_writes_nothing(handoff, acme, dump):
    handoff.ok("milestone", "add", "Acme", "uat", "--due", "2026-07-01")
    handoff.ok("milestone", "add", "Acme", "Webhooks", "--due", "2026-07-01")
    before = dump()
    result = handoff("milestone", "template", "Acme")
    assert_bad(result, "Acme has milestone(s) 'Webhooks', 'uat' already: template 'standard' added nothing")
    assert dump() == before


def test_template_unknown_name_and_malformed_file(handoff, acme, tmp_path, dump):
    (tmp_path / "templates").mkdir()
    bad = tmp_path / "templates" / "broken.toml"
    bad.write_text("[[milestones]\n")
    before = dump()
    assert_bad(
        handoff("milestone", "template", "Acme", "--name", "fast"),
        "no milestone template 'fast': available: broken, standard",
    )
    assert_bad(handoff("milestone", "template", "Acme", "--name", "broken"), f"template file {bad}: not valid TOML: ")
    assert dump() == before


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["milestone", "add", "Nobody", "SSO", "--due", "2026-07-01"], "no account 'Nobody'"),
        (
            ["milestone", "add", "Acme", "SSO", "--due", "2026-07-01", "--kind", "party"],
            "unknown milestone kind 'party'",
        ),
        (
            ["milestone", "add", "Acme", "SSO", "--due", "2026-07-01", "--side", "both"],
            "side 'both' is not one of vendor, customer",
        ),
        (["milestone", "add", "Acme", "SSO", "--due", "next tuesday"], "--due 'next tuesday' is not a date"),
        (
            ["milestone", "add", "Acme", "SSO", "--due", "2026-07-01", "--on", "2026-02-30"],
            "--on '2026-02-30' is not a date",
        ),
        (["milestone", "add", "Acme", "go-live", "--due", "2026-07-01"], "Acme has a milestone 'Go-live' already"),
        (
            ["milestone", "add", "Acme", "Tab\tin title", "--due", "2026-07-01"],
            "milestone title contains control characters",
        ),
        (["milestone", "add", "Acme", "", "--due", "2026-07-01"], "milestone title must not be empty"),
        (["milestone", "add", "Acme", "SSO"], "--due"),
        (["milestone", "done", "Acme", "Go-live"], "milestone 'Go-live' of Acme was done on 2026-05-20 already"),
        (["milestone", "done", "Acme", "Nope"], "Acme has no milestone 'Nope'"),
        (["milestone", "done", "Acme", "UAT", "--on", "someday"], "--on 'someday' is not a date"),
        (
            ["milestone", "slip", "Acme", "Go-live", "--to", "2026-08-01", "--cause", "scope"],
            "a done milestone cannot slip",
        ),
        (
            ["milestone", "slip", "Acme", "UAT", "--to", "2026-06-20", "--cause", "scope"],
            "is due on 2026-06-20 already",
        ),
        (
            ["milestone", "slip", "Acme", "UAT", "--to", "2026-06-21", "--cause", "rain"],
            "slip cause 'rain' is not one of",
        ),
        (["milestone", "slip", "Acme", "UAT", "--to", "June", "--cause", "scope"], "--to 'June' is not a date"),
        (
            ["milestone", "slip", "Acme", "UAT", "--to", "2026-06-21", "--cause", "scope", "--note", "a\x1bb"],
            "note contains control characters",
        ),
        (["milestone", "list", "Nobody"], "no account 'Nobody'"),
        (["milestone", "template", "Nobody"], "no account 'Nobody'"),
        (["milestone", "template", "Acme", "--start", "soon"], "--start 'soon' is not a date"),
    ],
)
def test_bad_input_exits_2_and_changes_nothing(handoff, acme, dump, args, fragment):
    handoff.ok("milestone", "add", "Acme", "Go-live", "--due", "2026-07-01", "--kind", "go-live")
    handoff.ok("milestone", "done", "Acme", "Go-live", "--on", "2026-05-20")
    handoff.ok("milestone", "add", "Acme", "UAT", "--due", "2026-06-20", "--kind", "uat")
    before = dump()
    assert_bad(handoff(*args), fragment)
    assert dump() == before
