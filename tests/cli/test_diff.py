"""report breaches --diff DATE|last-run --only, and status ACCOUNT --diff (PRODUCT.md section 3, What changed)."""

from __future__ import annotations


def rows(report: dict) -> list[tuple]:
    return [(f["account"], f["rule"], f["since"], f["change"]) for f in report["findings"]]


def test_diff_date_marks_new_open_and_resolved(handoff, monkeypatch):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    handoff.ok("owner", "assign", "Acme", "csm", "Dana", "--on", "2026-01-02")
    handoff.ok("owner", "assign", "Acme", "sponsor", "Kim", "--on", "2026-01-02")
    handoff.ok("owner", "release", "Acme", "sponsor", "--on", "2026-05-31")
    report = handoff.json("report", "breaches", "--diff", "2026-05-30")
    assert rows(report) == [
        ("Acme", "ttv-breach", "2026-04-01", "open"),
        ("Acme", "no-success-plan", "2026-01-01", "open"),
        ("Acme", "no-exec-sponsor", "2026-05-31", "new"),
        ("Acme", "sponsor-change", "2026-05-31", "new"),
    ]
    assert report["findings"][2]["milestone"] is None
    # a warning that became a breach: the old one resolved, a new one
    handoff.ok("account", "add", "Bolt", "--signed", "2026-02-25", "--ttv-target", "90")
    handoff.ok("owner", "assign", "Bolt", "csm", "Dana", "--on", "2026-02-26")
    handoff.ok("milestone", "add", "Bolt", "Go live", "--due", "2026-07-01", "--kind", "go-live", "--on", "2026-02-26")
    before = {
        (f["rule"])
        for f in handoff.json("report", "breaches", "--as-of", "2026-05-25")["findings"]
        if f["account"] == "Bolt"
    }
    assert "ttv-at-risk" in before
    report = handoff.json("report", "breaches", "--diff", "2026-05-25", "--only", "new,resolved")
    bolt = [(f["rule"], f["change"]) for f in report["findings"] if f["account"] == "Bolt"]
    assert ("ttv-breach", "new") in bolt and ("ttv-at-risk", "resolved") in bolt


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


def test_status_account_diff_lists_what_changed_since_the_last_run(handoff, tmp_path):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
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
