"""report breaches --diff DATE|last-run --only, and status ACCOUNT --diff (PRODUCT.md section 3, What changed)."""

from __future__ import annotations


def rows(report: dict) -> list[tuple]:
    return [(f["account"], f["rule"], f["since"], f["change"]) for f in report["findings"]]


def test_diff_date_marks_new_open_and_resolved(handoff, monkeypatch):
    monkeypatch.setenv("HANDOFF_TODAY", "2026-05-20")  # entered before the day compared with
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    handoff.ok("owner", "assign", "Acme", "csm", "Dana", "--on", "2026-01-02")
    handoff.ok("owner", "assign", "Acme", "sponsor", "Kim", "--on", "2026-01-02")
    handoff.ok("account", "add", "Bolt", "--signed", "2026-02-25", "--ttv-target", "90")
    handoff.ok("owner", "assign", "Bolt", "csm", "Dana", "--on", "2026-02-26")
    handoff.ok("owner", "assign", "Bolt", "sponsor", "Kim", "--on", "2026-02-26")
    handoff.ok("plan", "set", "Bolt", "--outcome", "Faster close", "--on", "2026-02-27")
    handoff.ok("milestone", "add", "Bolt", "Go live", "--due", "2026-07-01", "--kind", "go-live", "--on", "2026-02-26")
    monkeypatch.setenv("HANDOFF_TODAY", "2026-06-01")
    handoff.ok("owner", "release", "Acme", "sponsor", "--on", "2026-05-31")
    report = handoff.json("report", "breaches", "--diff", "2026-05-25")
    assert rows(report) == [
        ("Acme", "ttv-breach", "2026-04-01", "open"),
        ("Bolt", "ttv-breach", "2026-05-26", "new"),
        ("Acme", "no-success-plan", "2026-01-01", "open"),
        ("Acme", "no-exec-sponsor", "2026-05-31", "new"),
        ("Acme", "sponsor-change", "2026-05-31", "new"),
        ("Bolt", "ttv-at-risk", "2026-05-26", "resolved"),  # the warning that became a breach
    ]
    assert report["findings"][2]["milestone"] is None
    only = handoff.json("report", "breaches", "--diff", "2026-05-25", "--only", "resolved")
    assert rows(only) == [("Bolt", "ttv-at-risk", "2026-05-26", "resolved")]


def test_only_needs_diff_and_known_changes(handoff, dump):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    bad = handoff("report", "breaches", "--only", "new")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("handoff: --only needs --diff DATE|last-run")
    bad = handoff("report", "breaches", "--diff", "last-run", "--only", "new,gone")
    assert bad.exit_code == 2
    assert bad.stderr == "handoff: --only 'gone': give one or more of new, open, resolved, separated by commas\n"
    bad = handoff("report", "breaches", "--diff", "tomorrow")
    assert bad.exit_code == 2 and "is after the report's date 2026-06-01" in bad.stderr


def test_status_account_diff_lists_what_changed_since_the_last_run(handoff, monkeypatch):
    monkeypatch.setenv("HANDOFF_TODAY", "2026-04-30")
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    monkeypatch.setenv("HANDOFF_TODAY", "2026-06-01")
    brief = handoff.json("status", "Acme", "--diff", "last-run")
    assert brief["compared_with"] == "nothing"
    assert {f["change"] for f in brief["findings"]} == {"new"}
    plain = handoff.ok("status", "Acme", "--diff", "2026-05-01").stdout
    assert "resolved since 2026-05-01: 0" in plain
    handoff.ok("owner", "assign", "Acme", "csm", "Dana")
    brief = handoff.json("status", "Acme", "--diff", "2026-05-01")
    assert brief["compared_with"] == "2026-05-01"
    changes = [(f["rule"], f["change"]) for f in brief["findings"]]
    assert changes == [
        ("ttv-breach", "open"),
        ("no-success-plan", "open"),
        ("no-exec-sponsor", "open"),
        ("ownerless", "resolved"),
    ]
    assert [d["rule"] for d in brief["deductions"]] == ["ttv-breach", "no-success-plan", "no-exec-sponsor"]
    assert (
        "- `ownerless` (breach)" in handoff.ok("status", "Acme", "--diff", "2026-05-01", "--format", "markdown").stdout
    )
    bad = handoff("status", "--diff", "last-run")
    assert bad.exit_code == 2 and "name an account" in bad.stderr


def test_notify_config_is_validated(handoff, tmp_path):
    cases = [
        ('[notify]\nurls = "mailto://x@example.com"\n', "notify.urls must be a list of Apprise URLs"),
        (
            '[notify]\nrepeat_open_breaches = "weekly"\n',
            "notify.repeat_open_breaches must be a number of days or weeks",
        ),
        ('[[notify.routes]]\nurls = ["json://h/x"]\n', "notify.routes needs an owner"),
        (
            '[[notify.routes]]\nowner = "P"\nurls = ["json://h/x"]\nseverity = ["major"]\n',
            "notify.routes severity must be",
        ),
        ("[notify]\nchannels = []\n", "notify.channels is not a known setting"),
    ]
    for text, message in cases:
        (tmp_path / "config.toml").write_text(text, encoding="utf-8")
        result = handoff("notify", "--dry-run")
        assert result.exit_code == 2, text
        assert message in result.stderr, (text, result.stderr)


def test_a_release_entered_today_and_dated_yesterday_is_new_in_todays_diff_yesterday(handoff, monkeypatch):
    """The backdating case: yesterday's report as it was KNOWN yesterday did not have the gap."""
    monkeypatch.setenv("HANDOFF_TODAY", "2026-05-31")
    handoff.ok("account", "add", "Acme", "--signed", "2026-05-20")
    handoff.ok("owner", "assign", "Acme", "csm", "Dana", "--on", "2026-05-21")
    monkeypatch.setenv("HANDOFF_TODAY", "2026-06-01")
    handoff.ok("owner", "release", "Acme", "csm", "--on", "yesterday")  # entered today, dated 2026-05-31
    report = handoff.json("report", "breaches", "--diff", "yesterday")
    ownerless = [r for r in rows(report) if r[1] == "ownerless"]
    assert ownerless == [("Acme", "ownerless", "2026-05-31", "new")]
    # re-running yesterday's report with --as-of and subtracting would miss it: as of
    # 2026-05-31, the store as it stands now already shows the gap
    as_of_yesterday = handoff.json("report", "breaches", "--as-of", "2026-05-31")["findings"]
    assert [f["rule"] for f in as_of_yesterday if f["rule"] == "ownerless"] == ["ownerless"]
