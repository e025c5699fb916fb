"""handoff owner assign | release | history, through the real CLI."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def acme(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01", "--external-id", "CRM-1")
    return "Acme"


def test_assign_prints_a_note_and_no_data(handoff, acme):
    result = handoff.ok("owner", "assign", "acme", "implementation", "Alice", "--on", "2026-02-01")
    assert result.stdout == ""
    assert result.stderr == "Alice holds the implementation role on Acme from 2026-02-01\n"


def test_replacing_a_holder_says_whose_assignment_ended(handoff, acme):
    handoff.ok("owner", "assign", "Acme", "csm", "Carol", "--on", "2026-02-01")
    result = handoff.ok("owner", "assign", "Acme", "csm", "Dan", "--on", "2026-03-01")
    assert result.stderr == (
        "Dan holds the csm role on Acme from 2026-03-01 (replacing Carol, whose assignment ended 2026-03-01)\n"
    )


def test_assign_json_is_the_change(handoff, acme):
    handoff.ok("owner", "assign", "Acme", "csm", "Carol", "--on", "2026-02-01")
    out = handoff.json("owner", "assign", "CRM-1", "csm", "Dan", "--on", "2026-03-01")
    assert out == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "account": "Acme",
        "role": "csm",
        "assignment": {"role": "csm", "person": "Dan", "start_on": "2026-03-01", "end_on": None},
        "ended": {"role": "csm", "person": "Carol", "start_on": "2026-02-01", "end_on": "2026-03-01"},
        "changed": True,
    }


def test_assign_defaults_to_today_and_takes_offsets(handoff, acme):
    handoff.ok("owner", "assign", "Acme", "sponsor", "Dana")
    handoff.ok("owner", "assign", "Acme", "champion", "Chris", "--on=-2w")
    out = handoff.json("owner", "history", "Acme")
    # today is 2026-06-01 (conftest); -2w is 2026-05-18
    assert out["assignments"] == [
        {"role": "champion", "person": "Chris", "start_on": "2026-05-18", "end_on": None},
        {"role": "sponsor", "person": "Dana", "start_on": "2026-06-01", "end_on": None},
    ]


def test_assigning_the_holder_again_changes_nothing_and_says_so(handoff, acme, dump):
    handoff.ok("owner", "assign", "Acme", "csm", "Carol Jones", "--on", "2026-02-01")
    before = dump()
    result = handoff.ok("owner", "assign", "Acme", "csm", "carol jones", "--on", "2026-04-01")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "Carol Jones already holds the csm role on Acme (since 2026-02-01): nothing changed\n"
    assert dump() == before
    out = handoff.json("owner", "assign", "Acme", "csm", "CAROL JONES", "--on", "2026-04-01")
    assert out["changed"] is False
    assert out["ended"] is None
    assert out["assignment"] == {"role": "csm", "person": "Carol Jones", "start_on": "2026-02-01", "end_on": None}
    assert dump() == before


def test_release_ends_the_assignment(handoff, acme):
    handoff.ok("owner", "assign", "Acme", "champion", "Chris", "--on", "2026-02-01")
    result = handoff.ok("owner", "release", "Acme", "champion", "--on", "2026-03-01")
    assert result.stdout == ""
    assert result.stderr == "released Chris from the champion role on Acme on 2026-03-01\n"
    assert handoff.json("owner", "history", "Acme")["assignments"] == [
        {"role": "champion", "person": "Chris", "start_on": "2026-02-01", "end_on": "2026-03-01"},
    ]


def test_releasing_the_last_owner_warns_of_an_ownerless_account(handoff, acme):
    handoff.ok("owner", "assign", "Acme", "implementation", "Alice", "--on", "2026-02-01")
    result = handoff.ok("owner", "release", "Acme", "implementation", "--on", "2026-03-01")
    assert result.stderr == (
        "released Alice from the implementation role on Acme on 2026-03-01; nobody holds implementation or csm now: "
        "the account is ownerless (assign one with `handoff owner assign`)\n"
    )


def test_release_json(handoff, acme):
    handoff.ok("owner", "assign", "Acme", "sponsor", "Dana", "--on", "2026-02-01")
    assert handoff.json("owner", "release", "Acme", "sponsor", "--on", "2026-02-20") == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "account": "Acme",
        "role": "sponsor",
        "assignment": {"role": "sponsor", "person": "Dana", "start_on": "2026-02-01", "end_on": "2026-02-20"},
        "ended": None,
        "changed": True,
    }


def _story(handoff):
    handoff.ok("owner", "assign", "Acme", "implementation", "Alice", "--on", "2026-02-01")
    handoff.ok("owner", "assign", "Acme", "sponsor", "Dana", "--on", "2026-02-01")
    handoff.ok("owner", "assign", "Acme", "implementation", "Bob", "--on", "2026-03-15")
    handoff.ok("owner", "assign", "Acme", "csm", "Carol", "--on", "2026-01-20")


def test_history_json_orders_by_start(handoff, acme):
    _story(handoff)
    assert handoff.json("owner", "history", "Acme") == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "account": "Acme",
        "assignments": [
            {"role": "csm", "person": "Carol", "start_on": "2026-01-20", "end_on": None},
            {"role": "implementation", "person": "Alice", "start_on": "2026-02-01", "end_on": "2026-03-15"},
            {"role": "sponsor", "person": "Dana", "start_on": "2026-02-01", "end_on": None},
            {"role": "implementation", "person": "Bob", "start_on": "2026-03-15", "end_on": None},
        ],
    }


def test_history_table(handoff, acme):
    _story(handoff)
    result = handoff.ok("owner", "history", "Acme")
    assert result.stdout == (
        "Role            Person  From        Until\n"
        "csm             Carol   2026-01-20\n"
        "implementation  Alice   2026-02-01  2026-03-15\n"
        "sponsor         Dana    2026-02-01\n"
        "implementation  Bob     2026-03-15\n"
    )


def test_history_table_stops_at_limit_and_says_how_many_more(handoff, acme):
    _story(handoff)
    result = handoff.ok("owner", "history", "Acme", "--limit", "3")
    assert result.stdout.count("\n") == 4  # header + 3 rows
    assert "... and 1 more" in result.stderr


def test_history_csv(handoff, acme):
    handoff.ok("owner", "assign", "Acme", "champion", "--on", "2026-02-01", "--", "-Eve")
    result = handoff.ok("owner", "history", "Acme", "--format", "csv")
    # a name starting with '-' comes after `--`; its cell is escaped for spreadsheets
    assert result.stdout == "role,person,start_on,end_on,as_of\nchampion,'-Eve,2026-02-01,,2026-06-01\n"


def test_history_of_an_account_nobody_owned_yet(handoff, acme):
    result = handoff.ok("owner", "history", "Acme")
    assert result.stdout == ""
    assert result.stderr == "nobody has held a role on Acme yet (assign one with `handoff owner assign`)\n"
    assert handoff.json("owner", "history", "Acme")["assignments"] == []


def test_history_as_of_a_past_date_hides_later_facts(handoff, acme):
    _story(handoff)
    out = json.loads(handoff.ok("--as-of", "2026-03-01", "owner", "history", "Acme", "--format", "json").stdout)
    assert out == {
        "schema_version": 1,
        "as_of": "2026-03-01",
        "account": "Acme",
        "assignments": [
            {"role": "csm", "person": "Carol", "start_on": "2026-01-20", "end_on": None},
            {"role": "implementation", "person": "Alice", "start_on": "2026-02-01", "end_on": None},
            {"role": "sponsor", "person": "Dana", "start_on": "2026-02-01", "end_on": None},
        ],
    }
    result = handoff.ok("--as-of", "2026-03-01", "owner", "history", "Acme")
    assert result.stderr == "1 assignment(s) starting after 2026-03-01 not shown (see them with --as-of)\n"


# -- bad input: exit 2, one line, nothing changed ------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["owner", "assign", "Nope", "csm", "Carol"], "handoff: no account 'Nope'"),
        (
            ["owner", "assign", "Acme", "boss", "Carol"],
            "handoff: unknown role 'boss': use one of implementation, csm, sponsor, champion",
        ),
        (["owner", "release", "Acme", "boss"], "handoff: unknown role 'boss'"),
        (["owner", "assign", "Acme", "csm", "Carol", "--on", "2026-13-01"], "handoff: --on '2026-13-01' is not a date"),
        (["owner", "assign", "Acme", "csm", "Carol", "--on", "soon"], "handoff: --on 'soon' is not a date"),
        (
            ["owner", "release", "Acme", "champion"],
            "handoff: nobody holds the champion role on Acme: nothing to release",
        ),
        (
            ["owner", "release", "Acme", "csm", "--on", "2026-01-31"],
            "handoff: Carol has held the csm role on Acme since 2026-02-01",
        ),
        (
            ["owner", "assign", "Acme", "csm", "Dan", "--on", "2026-01-31"],
            "handoff: Carol has held the csm role on Acme since 2026-02-01",
        ),
        (
            ["owner", "assign", "Acme", "sponsor", "Dana", "--on", "2026-02-10"],
            "handoff: Dana held the sponsor role on Acme until 2026-02-20",
        ),
        (["owner", "assign", "Acme", "csm", "Car\x1bol"], "handoff: person contains control characters"),
        (["owner", "assign", "Acme", "csm", "  "], "handoff: person must not be empty"),
        (["owner", "history", "Nope"], "handoff: no account 'Nope'"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(handoff, acme, dump, args, message):
    handoff.ok("owner", "assign", "Acme", "csm", "Carol", "--on", "2026-02-01")
    handoff.ok("owner", "assign", "Acme", "sponsor", "Dana", "--on", "2026-02-01")
    handoff.ok("owner", "release", "Acme", "sponsor", "--on", "2026-02-20")
    before = dump()
    result = handoff(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(message)
    assert dump() == before
