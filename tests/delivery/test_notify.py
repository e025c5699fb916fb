"""handoff notify against real servers on 127.0.0.1: Apprise json:// to an HTTP server, mailto://
to an SMTP server (aiosmtpd), the heartbeat to the HTTP server (PRODUCT.md section 9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from servers import HttpSink, SmtpSink, free_port

HANDOFF = [sys.executable, "-m", "handoff_cli"]
OWNERLESS = "nobody has owned the account since it was signed on 2026-01-01: assign an implementation owner or a CSM"


def portfolio(handoff) -> None:
    """Acme: ttv-breach and ownerless (breaches), no-success-plan, no-exec-sponsor (warnings).
    Bolt: Priya is its CSM; no-success-plan and no-exec-sponsor only."""
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    handoff.ok("account", "add", "Bolt", "--signed", "2026-05-01")
    handoff.ok("owner", "assign", "Bolt", "csm", "Priya Raman", "--on", "2026-05-02")


def write_config(path: Path, *lines: str) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def json_url(http: HttpSink, path: str = "/hook") -> str:
    return f"json://127.0.0.1:{http.port}{path}"


def mail_url(smtp: SmtpSink, to: str = "cs@example.com") -> str:
    return f"mailto://127.0.0.1:{smtp.port}?from=handoff@example.com&to={to}&mode=insecure"


def lines_of(message: str) -> list[str]:
    return [line for line in message.splitlines() if line.startswith("- ")]


@pytest.fixture
def config(tmp_path) -> Path:
    return tmp_path / "config.toml"


def test_first_run_sends_everything_then_nothing_then_only_the_change(handoff, config):
    portfolio(handoff)
    with HttpSink() as http, SmtpSink() as smtp:
        write_config(config, "[notify]", f'urls = ["{json_url(http)}", "{mail_url(smtp)}"]')
        first = handoff("notify")
        assert first.exit_code == 3, first.stderr  # open breaches: the exit code of --fail-on-breach
        (post,) = http.posts("/hook")
        assert post["title"] == "handoff: 6 new (2 breaches, 4 warnings in 2 of 2 accounts as of 2026-06-01)"
        assert lines_of(post["message"]) == [
            "- NEW breach `ttv-breach`: no first value 61 days past the 90-day TTV target (2026-04-01)"
            " (since 2026-04-01, 61 days)",
            f"- NEW breach `ownerless`: {OWNERLESS} (since 2026-01-01, 151 days)",
            "- NEW warning `no-success-plan`: signed 151 days ago and no success plan: agree one with"
            " \\`handoff plan set\\` (since 2026-01-01, 151 days)",
            "- NEW warning `no-exec-sponsor`: no executive sponsor named: assign one (since 2026-01-01, 151 days)",
            "- NEW warning `no-success-plan`: signed 31 days ago and no success plan: agree one with"
            " \\`handoff plan set\\` (since 2026-05-01, 31 days)",
            "- NEW warning `no-exec-sponsor`: no executive sponsor named: assign one (since 2026-05-01, 31 days)",
        ]
        assert post["message"].splitlines()[0] == "**2 breaches, 4 warnings in 2 of 2 accounts as of 2026-06-01**"
        (mail,) = smtp.messages
        assert mail["To"] == "cs@example.com"
        (html,) = smtp.html_bodies()
        assert "<h3>Acme</h3>" in html and html.index("<h3>Acme</h3>") < html.index("<h3>Bolt</h3>")

        again = handoff("notify")
        assert again.exit_code == 3
        assert len(http.posts("/hook")) == 1 and len(smtp.messages) == 1  # nothing changed: nothing sent

        handoff.ok("owner", "assign", "Acme", "implementation", "Ivan", "--on", "2026-06-01")
        third = handoff("notify")
        assert third.exit_code == 3
        post = http.posts("/hook")[1]
        assert post["title"] == "handoff: 1 resolved (1 breach, 4 warnings in 2 of 2 accounts as of 2026-06-01)"
        assert lines_of(post["message"]) == [f"- resolved breach `ownerless`: {OWNERLESS} (since 2026-01-01)"]
        assert len(smtp.messages) == 2


def test_open_breaches_are_sent_again_once_per_repeat_interval(handoff, config, monkeypatch):
    portfolio(handoff)
    with HttpSink() as http:
        write_config(config, "[notify]", f'urls = ["{json_url(http)}"]', 'repeat_open_breaches = "2d"')
        handoff("notify")
        monkeypatch.setenv("HANDOFF_TODAY", "2026-06-02")
        handoff("notify")
        assert len(http.posts("/hook")) == 1  # a day later: nothing new, not due again
        monkeypatch.setenv("HANDOFF_TODAY", "2026-06-03")
        handoff("notify")
        post = http.posts("/hook")[1]
        assert post["title"].startswith("handoff: 2 repeated (2 breaches, 4 warnings")
        assert [line.split(":")[0] for line in lines_of(post["message"])] == [
            "- still open breach `ttv-breach`",
            "- still open breach `ownerless`",
        ]


def test_a_route_gets_only_its_owners_accounts_and_severities(handoff, config):
    portfolio(handoff)
    handoff.ok("account", "add", "Cargo", "--signed", "2026-01-01")
    handoff.ok("owner", "assign", "Cargo", "implementation", "priya raman", "--on", "2026-01-02")
    with HttpSink() as http, SmtpSink() as smtp:
        write_config(
            config,
            "[notify]",
            f'urls = ["{json_url(http)}"]',
            "[[notify.routes]]",
            'owner = "Priya Raman"',
            f'urls = ["{json_url(http, "/priya")}", "{mail_url(smtp, "priya@example.com")}"]',
            'severity = ["breach"]',
        )
        assert handoff("notify").exit_code == 3
        (mine,) = http.posts("/priya")
        assert lines_of(mine["message"]) == [
            "- NEW breach `ttv-breach`: no first value 61 days past the 90-day TTV target (2026-04-01)"
            " (since 2026-04-01, 61 days)"
        ]
        assert mine["message"].splitlines()[0] == (
            "**1 breach, 0 warnings in 1 of 2 accounts as of 2026-06-01** (accounts of Priya Raman)"
        )
        assert "Cargo" in mine["message"] and "Acme" not in mine["message"] and "Bolt" not in mine["message"]
        (mail,) = smtp.messages
        assert mail["To"] == "priya@example.com"
        assert len(lines_of(http.posts("/hook")[0]["message"])) == 9  # the team's channel gets everything


def test_a_channel_that_does_not_answer_fails_the_run_and_the_next_run_resends(handoff, config):
    portfolio(handoff)
    dead = f"json://127.0.0.1:{free_port()}/hook"
    with HttpSink() as http:
        write_config(
            config,
            "[notify]",
            f'urls = ["{json_url(http)}", "{dead}"]',
            f'heartbeat_url = "http://127.0.0.1:{http.port}/ping"',
        )
        failed = handoff("notify")
        assert failed.exit_code == 1
        assert f"handoff: notify: delivery to json://127.0.0.1:{dead.rsplit(':', 1)[1]}" in failed.stderr
        assert http.gets() == ["/ping/1"]  # the heartbeat sees the exit code
        write_config(
            config,
            "[notify]",
            f'urls = ["{json_url(http)}"]',
            f'heartbeat_url = "http://127.0.0.1:{http.port}/ping"',
        )
        retried = handoff("notify")
        assert retried.exit_code == 3
        first, second = http.posts("/hook")
        assert lines_of(second["message"]) == lines_of(first["message"])  # the same findings, whole
        assert second["title"].startswith("handoff: 6 new")
        assert http.gets() == ["/ping/1", "/ping/3"]


def test_a_failed_channel_names_it_with_its_secret_masked(handoff, config):
    portfolio(handoff)
    port = free_port()
    write_config(config, "[notify]", f'urls = ["jsons://user:hunter2secret@127.0.0.1:{port}/hook"]')
    result = handoff("notify")
    assert result.exit_code == 1
    assert "hunter2secret" not in result.stderr and "hunter2secret" not in result.stdout
    assert result.stderr.splitlines()[0].startswith("handoff: notify: delivery to jsons://user:")


def test_heartbeat_gets_zero_when_nothing_is_breached(handoff, config):
    handoff.ok("account", "add", "Calm", "--signed", "2026-05-30", "--motion", "self-serve")
    with HttpSink() as http:
        write_config(
            config, "[notify]", f'urls = ["{json_url(http)}"]', f'heartbeat_url = "http://127.0.0.1:{http.port}/hb/"'
        )
        assert handoff("notify").exit_code == 0
        assert http.gets() == ["/hb/0"]
        assert http.posts("/hook") == []  # no findings: no message


def test_dry_run_sends_and_records_nothing(handoff, config):
    portfolio(handoff)
    with HttpSink() as http:
        write_config(
            config, "[notify]", f'urls = ["{json_url(http)}"]', f'heartbeat_url = "http://127.0.0.1:{http.port}/hb"'
        )
        dry = handoff("notify", "--dry-run")
        assert dry.exit_code == 0
        assert dry.stdout.splitlines()[0] == (
            "dry run: nothing is sent or recorded (2 breaches, 4 warnings in 2 of 2 accounts as of 2026-06-01)"
        )
        assert f"--- to json://127.0.0.1:{http.port}/hook (markdown): handoff: 6 new" in dry.stdout
        assert http.requests == []
        handoff("notify")
        assert http.posts("/hook")[0]["title"].startswith("handoff: 6 new")  # the dry run recorded nothing


def test_stored_text_is_data_in_both_bodies(handoff, config):
    handoff.ok("account", "add", "<b>Bold</b> *Co* [x](http://evil)", "--signed", "2026-01-01")
    with HttpSink() as http, SmtpSink() as smtp:
        write_config(config, "[notify]", f'urls = ["{json_url(http)}", "{mail_url(smtp)}"]')
        handoff("notify")
        (post,) = http.posts("/hook")
        assert "**\\<b\\>Bold\\</b\\> \\*Co\\* \\[x\\](http://evil)**" in post["message"]
        (html,) = smtp.html_bodies()
        assert "<h3>&lt;b&gt;Bold&lt;/b&gt; *Co* [x](http://evil)</h3>" in html
        assert "<b>Bold</b>" not in html


def test_two_notify_runs_at_once_deliver_each_new_finding_once(handoff, config, db_path, tmp_path):
    portfolio(handoff)
    with HttpSink(delay=1.0) as http:  # a slow channel: the second run starts while the first sends
        write_config(config, "[notify]", f'urls = ["{json_url(http)}"]')
        env = {**os.environ, "HANDOFF_BUSY_TIMEOUT": "30"}
        runs = [subprocess.Popen([*HANDOFF, "notify"], env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        codes = [p.wait(timeout=60) for p in runs]
        for p in runs:
            p.stderr.close()
        assert codes == [3, 3]
        (post,) = http.posts("/hook")  # one message: the second run found the first's run recorded
        assert post["title"].startswith("handoff: 6 new")


def test_notify_without_channels_is_bad_input(handoff, config):
    portfolio(handoff)
    result = handoff("notify")
    assert result.exit_code == 2
    assert result.stderr.startswith("handoff: no channels: add [notify] urls = [...] to the config")


def test_diff_last_run_in_the_breach_report(handoff, config):
    portfolio(handoff)
    before = handoff.json("report", "breaches", "--diff", "last-run")
    assert {f["change"] for f in before["findings"]} == {"new"}
    with HttpSink() as http:
        write_config(config, "[notify]", f'urls = ["{json_url(http)}"]')
        handoff("notify")
    handoff.ok("owner", "assign", "Acme", "implementation", "Ivan", "--on", "2026-06-01")
    after = handoff.json("report", "breaches", "--diff", "last-run", "--only", "resolved,new")
    assert after["findings"] == [
        {
            "account": "Acme",
            "rule": "ownerless",
            "severity": "breach",
            "since": "2026-01-01",
            "days": 151,
            "detail": OWNERLESS,
            "weight": 30,
            "change": "resolved",
            "milestone": None,
        }
    ]
