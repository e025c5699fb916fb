"""handoff handover, through the real CLI."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def acme(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    handoff.ok("owner", "assign", "Acme", "implementation", "Alice", "--on", "2026-02-01")
    return "Acme"


def _gate(handoff, go_live="2026-03-20", workflow="2026-03-25"):
    handoff.ok("event", "log", "Acme", "go-live", "--on", go_live)
    handoff.ok("event", "log", "Acme", "workflow-live", "--on", workflow)


def test_a_clean_handover_says_who_handed_to_whom(handoff, acme):
    _gate(handoff)
    result = handoff.ok("handover", "acme", "--to", "Carol", "--on", "2026-04-01", "--joint-call")
    assert result.stdout == ""
    assert result.stderr == "handed Acme from Alice to Carol on 2026-04-01\n"


def test_json_is_the_handover_record(handoff, acme):
    _gate(handoff)
    out = handoff.json(
        "handover",
        "Acme",
        "--to",
        "Carol",
        "--on",
        "2026-04-01",
        "--joint-call",
        "--promised",
        "SSO by May",
        "--customised",
        "GL mapping",
        "--open-issues",
        "export is slow",
    )
    assert out == {
        "schema_version": 1,
        "as_of": "2026-06-01",
        "handover": {
            "account": "Acme",
            "handed_on": "2026-04-01",
            "from": "Alice",
            "to": "Carol",
            "gate_passed": True,
            "joint_call": True,
            "promised": "SSO by May",
            "customised": "GL mapping",
            "open_issues": "export is slow",
        },
    }


def test_the_owners_move_on_the_same_day(handoff, acme):
    handoff.ok("handover", "Acme", "--to", "Carol", "--on", "2026-04-01", "--joint-call")
    assert handoff.json("owner", "history", "Acme")["assignments"] == [
        {"role": "implementation", "person": "Alice", "start_on": "2026-02-01", "end_on": "2026-04-01"},
        {"role": "csm", "person": "Carol", "start_on": "2026-04-01", "end_on": None},
    ]


def test_a_handover_before_the_value_gate_warns(handoff, acme):
    # go-live on 2026-03-20 but the workflow only ran on 2026-04-10, after the handover
    _gate(handoff, workflow="2026-04-10")
    result = handoff.ok("handover", "Acme", "--to", "Carol", "--on", "2026-04-01", "--joint-call")
    assert result.stderr == (
        "handed Acme from Alice to Carol on 2026-04-01; warning: the value gate had not passed "
        "(no workflow-live on or before 2026-04-01) [config-gate-handover]\n"
    )


def test_a_cold_handover_with_no_gate_warns_of_both(handoff, acme):
    result = handoff.ok("handover", "Acme", "--to", "Carol", "--on", "2026-04-01", "--format", "json")
    assert json.loads(result.stdout)["handover"]["gate_passed"] is False
    assert result.stderr == (
        "handed Acme from Alice to Carol on 2026-04-01; warning: the value gate had not passed "
        "(no go-live and no workflow-live on or before 2026-04-01) [config-gate-handover]; "
        "warning: no joint call was held [cold-handover]\n"
    )
    assert len(result.stderr.splitlines()) == 1


def test_the_handover_risks_show_in_the_breach_report(handoff, acme):
    handoff.ok("handover", "Acme", "--to", "Carol", "--on", "2026-04-01")
    rules = [f["rule"] for f in handoff.json("report", "breaches")["findings"]]
    assert "config-gate-handover" in rules
    assert "cold-handover" in rules


def test_handing_to_a_new_csm_says_whose_assignment_ended(handoff, acme):
    handoff.ok("owner", "assign", "Acme", "csm", "Bea", "--on", "2026-02-01")
    _gate(handoff)
    result = handoff.ok("handover", "Acme", "--to", "Carol", "--on", "2026-04-01", "--joint-call")
    assert result.stderr == "handed Acme from Alice to Carol on 2026-04-01, ending Bea's csm assignment\n"


def test_a_self_serve_handover_has_no_seam_warnings(handoff):
    handoff.ok("account", "add", "Tiny", "--signed", "2026-01-01", "--motion", "self-serve")
    result = handoff.ok("handover", "Tiny", "--to", "Carol", "--on", "2026-04-01")
    assert result.stderr == "handed Tiny (nobody held implementation) to Carol on 2026-04-01\n"


def test_on_defaults_to_today(handoff, acme):
    out = handoff.json("handover", "Acme", "--to", "Carol", "--joint-call")
    assert out["handover"]["handed_on"] == "2026-06-01"


@pytest.mark.parametrize(
    "args, message",
    [
        (["handover", "Nope", "--to", "Carol"], "handoff: no account 'Nope'"),
        (["handover", "Acme"], "handoff: Missing option '--to'"),
        (["handover", "Acme", "--to", ""], "handoff: --to must not be empty"),
        (["handover", "Acme", "--to", "Carol", "--on", "next week"], "handoff: --on 'next week' is not a date"),
        (
            ["handover", "Acme", "--to", "Carol", "--on", "2026-01-31"],
            "handoff: Alice has held the implementation role on Acme since 2026-02-01",
        ),
        (["handover", "Acme", "--to", "Ca\x07rol"], "handoff: --to contains control characters"),
        (
            ["handover", "Acme", "--to", "Carol", "--promised", "x\x1b[2J"],
            "handoff: --promised contains control characters",
        ),
        (["handover", "Acme", "--to", "Carol", "--open-issues", "x" * 10_001], "handoff: --open-issues is too long"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(handoff, acme, dump, args, message):
    _gate(handoff)
    before = dump()
    result = handoff(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(message)
    assert dump() == before


def test_repeating_a_handover_is_refused_and_changes_nothing(handoff, acme, dump):
    handoff.ok("handover", "Acme", "--to", "Carol", "--on", "2026-04-01")
    before = dump()
    result = handoff("handover", "Acme", "--to", "Carol", "--on", "2026-04-02")
    assert result.exit_code == 2
    assert result.stderr == (
        "handoff: Acme was handed over to Carol on 2026-04-01 already and nobody holds implementation: "
        "nothing to hand over\n"
    )
    assert dump() == before
