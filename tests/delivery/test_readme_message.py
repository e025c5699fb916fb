"""The README's cron section shows the message a team gets: it is the one `notify` sends
(to a real HTTP server on 127.0.0.1) on the demo portfolio, the morning after the changes
the README names."""

from __future__ import annotations

from pathlib import Path

from servers import HttpSink

ROOT = Path(__file__).resolve().parents[2]


def shown_in_readme() -> tuple[str, str]:
    """(the title the README quotes, the markdown block it shows)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Cron: `handoff notify`", 1)[1]
    title = " ".join(section.split("titled `", 1)[1].split("`", 1)[0].split())
    body = section.split("```markdown\n", 1)[1].split("```", 1)[0]
    return title, body


def test_the_readme_shows_the_message_notify_sends(handoff, tmp_path, monkeypatch):
    handoff.ok("init", "--demo")  # as of 2026-06-01
    with HttpSink() as http:
        (tmp_path / "config.toml").write_text(f'[notify]\nurls = ["json://127.0.0.1:{http.port}/team"]\n')
        assert handoff("notify").exit_code == 3  # the first run: everything, and the baseline
        monkeypatch.setenv("HANDOFF_TODAY", "2026-06-02")
        handoff.ok("event", "log", "Fernwood Dental Group", "first-value", "--on", "2026-06-01")
        handoff.ok("owner", "assign", "Cobalt Freight", "csm", "Marcus Lee", "--on", "2026-06-01")
        handoff.ok("owner", "release", "Atlas Robotics", "implementation", "--on", "2026-06-02")
        assert handoff("notify").exit_code == 3
        first, morning = http.posts("/team")
    title, body = shown_in_readme()
    assert morning["title"] == title
    assert morning["message"].rstrip("\n") == body.rstrip("\n")
