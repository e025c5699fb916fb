"""handoff ack | ack list | ack end (PRODUCT.md section 3, Acknowledgements)."""

from __future__ import annotations

import json


def setup(handoff) -> None:
    # Acme: ttv-breach (since 2026-04-01) and ownerless (since 2026-01-01), two warnings
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")


def findings(handoff, *args) -> dict:
    return {f["rule"]: f for f in handoff.json("report", "breaches", *args)["findings"]}


def test_an_ack_marks_the_finding_keeps_its_deduction_and_expires(handoff, monkeypatch):
    setup(handoff)
    handoff.ok("owner", "assign", "Acme", "implementation", "Ivan")  # ownerless gone: one breach left
    before = handoff.json("status", "Acme")["score"]
    done = handoff("ack", "Acme", "ttv-breach", "--until", "2026-06-03", "--note", "exec call booked", "--by", "Dana")
    assert done.exit_code == 0, done.stderr
    assert done.stderr == "Dana acknowledged ttv-breach on Acme until 2026-06-03\n"
    f = findings(handoff)["ttv-breach"]
    assert f["acknowledged"] == {"by": "Dana", "until": "2026-06-03", "note": "exec call booked"}
    brief = handoff.json("status", "Acme")
    assert brief["score"] == before  # the score does not lie
    assert brief["findings"][0]["acknowledged"] == {"by": "Dana", "until": "2026-06-03", "note": "exec call booked"}
    assert "(acknowledged by Dana until 2026-06-03: exec call booked)" in handoff.ok("status", "Acme").stdout
    # --fail-on-breach ignores it, --strict counts it
    assert handoff("report", "breaches", "--fail-on-breach").exit_code == 0
    assert handoff("report", "breaches", "--fail-on-breach", "--strict").exit_code == 3
    assert handoff("status", "Acme", "--fail-on-breach").exit_code == 0
    # the last day it holds, then it has expired
    monkeypatch.setenv("HANDOFF_TODAY", "2026-06-03")
    assert handoff("report", "breaches", "--fail-on-breach").exit_code == 0
    monkeypatch.setenv("HANDOFF_TODAY", "2026-06-04")
    assert "acknowledged" not in findings(handoff)["ttv-breach"]
    assert handoff("report", "breaches", "--fail-on-breach").exit_code == 3
    listed = handoff.json("ack", "list")["acks"]
    assert listed == [
        {
            "account": "Acme",
            "rule": "ttv-breach",
            "milestone": None,
            "by": "Dana",
            "on": "2026-06-01",
            "until": "2026-06-03",
            "note": "exec call booked",
            "verdict": None,
            "expired": True,
        }
    ]


def test_until_change_lasts_until_the_findings_identity_changes(handoff):
    setup(handoff)
    handoff.ok("owner", "assign", "Acme", "csm", "Dana", "--on", "2026-02-01")
    handoff.ok("owner", "release", "Acme", "csm", "--on", "2026-05-01")
    assert findings(handoff)["ownerless"]["since"] == "2026-05-01"
    handoff.ok("ack", "Acme", "ownerless", "--until-change", "--by", "Kim", "--verdict", "valid")
    assert findings(handoff)["ownerless"]["acknowledged"] == {"by": "Kim", "until": "change", "note": None}
    # a new gap opens later: same rule, another since: a new finding, not acknowledged
    handoff.ok("owner", "assign", "Acme", "csm", "Eve", "--on", "2026-05-10")
    handoff.ok("owner", "release", "Acme", "csm", "--on", "2026-05-20")
    f = findings(handoff)["ownerless"]
    assert f["since"] == "2026-05-20" and "acknowledged" not in f
    assert handoff("report", "breaches", "--fail-on-breach").exit_code == 3


def test_ack_end_appends_and_the_breach_fails_again(handoff, db_path):
    setup(handoff)
    handoff.ok("ack", "Acme", "ttv-breach", "--until", "+30d", "--by", "Dana")
    handoff.ok("ack", "Acme", "ownerless", "--until", "+30d", "--by", "Dana")
    assert handoff("report", "breaches", "--fail-on-breach").exit_code == 0
    ended = handoff("ack", "end", "Acme", "ttv-breach", "--by", "Dana")
    assert ended.exit_code == 0 and ended.stderr == "ended the acknowledgement of ttv-breach on Acme (by Dana)\n"
    assert handoff("report", "breaches", "--fail-on-breach").exit_code == 3
    assert [a["rule"] for a in handoff.json("ack", "list")["acks"]] == ["ownerless"]
    export = [json.loads(line) for line in handoff.ok("export").stdout.splitlines()[1:]]
    acks = [r["row"] for r in export if r["table"] == "ack"]
    assert [(a["rule"], a["action"]) for a in acks] == [
        ("ttv-breach", "ack"),
        ("ownerless", "ack"),
        ("ttv-breach", "end"),
    ]


def test_ack_refuses_what_it_cannot_acknowledge(handoff, dump):
    setup(handoff)
    before = dump()
    cases = [
        (["ack", "Acme", "stalled", "--until", "+3d", "--by", "D"], "handoff: Acme has no 'stalled' finding as of"),
        (["ack", "Acme", "nope", "--until", "+3d", "--by", "D"], "handoff: unknown rule 'nope': use one of"),
        (["ack", "Acme", "ttv-breach", "--by", "D"], "handoff: give --until DATE or --until-change"),
        (["ack", "Acme", "ttv-breach", "--until", "2026-05-01", "--by", "D"], "handoff: --until 2026-05-01 is before"),
        (["ack", "Acme", "ttv-breach", "--until", "+1d", "--verdict", "meh", "--by", "D"], "handoff: unknown verdict"),
        (["ack", "end", "Acme", "ttv-breach", "--by", "D"], "handoff: Acme has no acknowledgement of 'ttv-breach'"),
    ]
    for args, start in cases:
        result = handoff(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.startswith(start), result.stderr
    assert dump() == before


def test_milestone_overdue_needs_the_milestone_when_several_are_late(handoff):
    setup(handoff)
    handoff.ok("milestone", "add", "Acme", "SSO", "--due", "2026-05-01")
    handoff.ok("milestone", "add", "Acme", "CRM sync", "--due", "2026-05-02")
    result = handoff("ack", "Acme", "milestone-overdue", "--until", "+7d", "--by", "D")
    assert result.exit_code == 2
    assert result.stderr == (
        "handoff: Acme has 2 'milestone-overdue' findings: name one with --milestone ('SSO', 'CRM sync')\n"
    )
    handoff.ok("ack", "Acme", "milestone-overdue", "--milestone", "sso", "--until", "+7d", "--by", "D")
    late = [f for f in handoff.json("report", "breaches")["findings"] if f["rule"] == "milestone-overdue"]
    assert [("acknowledged" in f) for f in late] == [True, False]


def test_by_defaults_to_the_config_then_the_login_name(handoff, tmp_path, monkeypatch):
    import os
    import pwd

    setup(handoff)
    for name in ("LOGNAME", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("USER", "ops-login")
    handoff.ok("ack", "Acme", "ttv-breach", "--until", "+1d")
    assert findings(handoff)["ttv-breach"]["acknowledged"]["by"] == "ops-login"
    # a cron job may have no login variable at all: the user database names the login
    monkeypatch.delenv("USER")
    handoff.ok("ack", "Acme", "no-success-plan", "--until", "+1d")
    assert findings(handoff)["no-success-plan"]["acknowledged"]["by"] == pwd.getpwuid(os.getuid()).pw_name
    (tmp_path / "config.toml").write_text('[ack]\nby = "Dana Lee"\n', encoding="utf-8")
    handoff.ok("ack", "Acme", "ownerless", "--until", "+1d")
    assert findings(handoff)["ownerless"]["acknowledged"]["by"] == "Dana Lee"


def test_acks_are_journaled_and_undone_like_every_write(handoff, monkeypatch):
    monkeypatch.setenv("HANDOFF_TODAY", "2026-05-30")
    setup(handoff)
    monkeypatch.setenv("HANDOFF_TODAY", "2026-06-01")
    handoff.ok("ack", "Acme", "ttv-breach", "--until", "+7d", "--by", "Dana")
    assert "ack Acme ttv-breach --until +7d --by Dana" in handoff.ok("log").stdout
    assert handoff("report", "breaches", "--fail-on-breach").exit_code == 3  # ownerless is not acknowledged
    handoff.ok("undo")
    assert "acknowledged" not in findings(handoff)["ttv-breach"]
    assert handoff.json("ack", "list")["acks"] == []
    # and --known-at sees the ack only once it was recorded
    handoff.ok("ack", "Acme", "ttv-breach", "--until", "+7d", "--by", "Dana")
    assert "acknowledged" in findings(handoff)["ttv-breach"]
    assert "acknowledged" not in findings(handoff, "--known-at", "2026-05-31")["ttv-breach"]
