"""handoff plan set | show, through the real CLI."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def acme(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    return "Acme"


def _two_versions(handoff):
    handoff.ok(
        "plan",
        "set",
        "Acme",
        "--outcome",
        "Close the books in 3 days",
        "--sponsor",
        "Dana",
        "--criterion",
        "close < 3 days",
        "--criterion",
        "2 teams live",
        "--on",
        "2026-01-10",
    )
    handoff.ok("plan", "set", "Acme", "--outcome", "Close in 2 days", "--on", "2026-03-01")


def test_set_prints_a_note(handoff, acme):
    result = handoff.ok(
        "plan",
        "set",
        "acme",
        "--outcome",
        "Close the books in 3 days",
        "--sponsor",
        "Dana",
        "--criterion",
        "close < 3 days",
        "--on",
        "2026-01-10",
    )
    assert result.stdout == ""
    assert result.stderr == (
        "Acme success plan v1 agreed 2026-01-10: sponsor Dana, 1 criterion; Dana holds the sponsor role from 2026-01-10\n"
    )


def test_set_json_is_the_new_version_with_what_it_carried_forward(handoff, acme):
    _two_versions(handoff)
    out = handoff.json("plan", "set", "Acme", "--outcome", "Close in 1 day", "--on", "2026-04-01")
    assert out == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "account": "Acme",
        "plan": {
            "version": 3,
            "agreed_on": "2026-04-01",
            "outcome": "Close in 1 day",
            "sponsor": "Dana",
            "criteria": ["close < 3 days", "2 teams live"],
        },
    }


def test_replacing_the_sponsor_says_so_and_moves_the_role(handoff, acme):
    _two_versions(handoff)
    result = handoff.ok("plan", "set", "Acme", "--outcome", "Close in 2 days", "--sponsor", "Eve", "--on", "2026-04-01")
    assert result.stderr == (
        "Acme success plan v3 agreed 2026-04-01: sponsor Eve, 2 criteria; "
        "Eve holds the sponsor role from 2026-04-01 (replacing Dana)\n"
    )
    assert handoff.json("owner", "history", "Acme")["assignments"] == [
        {"role": "sponsor", "person": "Dana", "start_on": "2026-01-10", "end_on": "2026-04-01"},
        {"role": "sponsor", "person": "Eve", "start_on": "2026-04-01", "end_on": None},
    ]


def test_show_json_is_the_latest_version(handoff, acme):
    _two_versions(handoff)
    assert handoff.json("plan", "show", "Acme") == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "plans": [
            {
                "version": 2,
                "agreed_on": "2026-03-01",
                "outcome": "Close in 2 days",
                "sponsor": "Dana",
                "criteria": ["close < 3 days", "2 teams live"],
            }
        ],
    }


def test_show_history_json_is_every_version(handoff, acme):
    _two_versions(handoff)
    out = handoff.json("plan", "show", "Acme", "--history")
    assert out["plans"] == [
        {
            "version": 1,
            "agreed_on": "2026-01-10",
            "outcome": "Close the books in 3 days",
            "sponsor": "Dana",
            "criteria": ["close < 3 days", "2 teams live"],
        },
        {
            "version": 2,
            "agreed_on": "2026-03-01",
            "outcome": "Close in 2 days",
            "sponsor": "Dana",
            "criteria": ["close < 3 days", "2 teams live"],
        },
    ]


def test_show_table_lists_criteria_one_per_line(handoff, acme):
    _two_versions(handoff)
    assert handoff.ok("plan", "show", "Acme").stdout == (
        "Version  Agreed      Outcome          Sponsor  Criteria\n"
        "      2  2026-03-01  Close in 2 days  Dana     - close < 3 days\n"
        "                                               - 2 teams live\n"
    )


def test_show_csv_joins_criteria(handoff, acme):
    _two_versions(handoff)
    assert handoff.ok("plan", "show", "Acme", "--history", "--format", "csv").stdout == (
        "version,agreed_on,outcome,sponsor,criteria,as_of\n"
        "1,2026-01-10,Close the books in 3 days,Dana,close < 3 days; 2 teams live,2026-06-01\n"
        "2,2026-03-01,Close in 2 days,Dana,close < 3 days; 2 teams live,2026-06-01\n"
    )


def test_show_markdown(handoff, acme):
    handoff.ok("plan", "set", "Acme", "--outcome", "A | B", "--on", "2026-01-10")
    assert handoff.ok("plan", "show", "Acme", "--format", "markdown").stdout == (
        "| Version | Agreed | Outcome | Sponsor | Criteria |\n"
        "| ---: | --- | --- | --- | --- |\n"
        "| 1 | 2026-01-10 | A \\| B |  |  |\n"
    )


def test_a_plan_less_account_is_normal(handoff, acme):
    result = handoff.ok("plan", "show", "Acme")
    assert result.stdout == ""
    assert result.stderr == "Acme has no success plan yet (agree one with `handoff plan set`)\n"
    result = handoff.ok("plan", "show", "Acme", "--format", "json")
    assert json.loads(result.stdout) == {"schema_version": 1, "as_of": "2026-06-01", "plans": []}
    assert result.stderr == "Acme has no success plan yet (agree one with `handoff plan set`)\n"


def test_show_as_of_a_past_date(handoff, acme):
    _two_versions(handoff)
    result = handoff.ok("--as-of", "2026-02-01", "plan", "show", "Acme", "--history", "--format", "json")
    assert [p["version"] for p in json.loads(result.stdout)["plans"]] == [1]
    assert result.stderr == "1 version(s) agreed after 2026-02-01 not shown (see them with --as-of)\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["plan", "set", "Nope", "--outcome", "x"], "handoff: no account 'Nope'"),
        (["plan", "show", "Nope"], "handoff: no account 'Nope'"),
        (["plan", "set", "Acme", "--outcome", ""], "handoff: outcome must not be empty"),
        (["plan", "set", "Acme", "--outcome", "  "], "handoff: outcome must not be empty"),
        (["plan", "set", "Acme"], "handoff: Missing option '--outcome'"),
        (["plan", "set", "Acme", "--outcome", "x", "--on", "2026-02-30"], "handoff: --on '2026-02-30' is not a date"),
        (
            ["plan", "set", "Acme", "--outcome", "x", "--on", "2026-02-28"],
            "handoff: version 2 of Acme's plan was agreed on 2026-03-01",
        ),
        (["plan", "set", "Acme", "--outcome", "x\x1b[31m"], "handoff: outcome contains control characters"),
        (
            ["plan", "set", "Acme", "--outcome", "x", "--sponsor", "E\tve"],
            "handoff: sponsor contains control characters",
        ),
        (["plan", "set", "Acme", "--outcome", "x", "--criterion", ""], "handoff: criterion 1 must not be empty"),
        (
            ["plan", "set", "Acme", "--outcome", "x", "--criterion", "a", "--criterion", "a"],
            "handoff: criterion 2 'a' is given twice",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(handoff, acme, dump, args, message):
    _two_versions(handoff)
    before = dump()
    result = handoff(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(message)
    assert dump() == before
