"""`handoff init --demo`: the example portfolio loads through the real command
line and shows every onboarding stage and every rule it was written to show."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from handoff_cli.cli import app
from handoff_cli.demo import demo_lines, demo_script, load_demo
from handoff_cli.errors import OperationFailed
from handoff_cli.store import resolve_url

AS_OF = "2026-06-01"

# What the script was written to show (see the comment block at its top).
EXPECTED_STAGES = {
    "Northwind Logistics": "adopted",
    "Summit Outdoor Co": "adopted",
    "Brightline Health": "adoption",
    "Harbor & Pike Legal": "adoption",
    "Meridian Retail Group": "adoption",
    "Pixelworks Studio": "adoption",
    "Tallyho Bakery Co": "setup",
    "Cobalt Freight": "first-value",
    "Fernwood Dental Group": "first-value",
    "Granite Peak Insurance": "first-value",
    "Orchard Lane Foods": "first-value",
    "Silverline Credit Union": "setup",
    "Quarry Ridge Manufacturing": "setup",
    "Lumen Analytics": "setup",
    "Vantage Aerospace": "setup",
    "Atlas Robotics": "setup",
    "Redwood Biotech": "kickoff",
    "Bluebird Events": "adoption",  # archived: listed with --all only
    "Kestrel Mobility": "adoption",  # churned: listed with --all only
}

# (account, rule, days) for every finding, worked out from the script's offsets:
EXPECTED_FINDINGS = {
    # T = signed -130d + 90 = -40d: 40 days past the target
    ("Quarry Ridge Manufacturing", "ttv-breach", 40),
    # 'Connect MES data' slipped to -45d, 'SSO with Azure AD' due -30d, dashboard due -20d
    ("Quarry Ridge Manufacturing", "milestone-overdue", 45),
    ("Quarry Ridge Manufacturing", "milestone-overdue", 30),
    ("Quarry Ridge Manufacturing", "milestone-overdue", 20),
    # self-serve: T = -25d + 14 = -11d
    ("Tallyho Bakery Co", "ttv-breach", 11),
    # implementation owner released -6d, no CSM since
    ("Cobalt Freight", "ownerless", 6),
    # go-live -41d, no first value
    ("Fernwood Dental Group", "stalled", 41),
    # graduated -30d without a first value
    ("Granite Peak Insurance", "premature-close", 30),
    # handover -10d without --joint-call
    ("Orchard Lane Foods", "cold-handover", 10),
    # handover -22d; go-live only at -13d, no workflow-live at all
    ("Silverline Credit Union", "config-gate-handover", 22),
    # 'First member onboarded end to end' due -6d, customer side
    ("Silverline Credit Union", "milestone-overdue", 6),
    # Lag: activation-to-first-value days of high-touch accounts with both:
    #   Summit 352-340=12, Bluebird 230-215=15, Brightline 40-24=16, Harbor 96-80=16,
    #   Northwind 186-168=18, Meridian 37-14=23, Kestrel 300-270=30 -> median 16.
    # P = latest open due (+14d) + 16 = +30d; T = -70d + 90 = +20d: 10 days late.
    ("Lumen Analytics", "ttv-at-risk", 10),
    # SAP milestone added and go-live slipped for scope at -15d
    ("Vantage Aerospace", "scope-creep", 15),
    # sponsor released -38d
    ("Atlas Robotics", "no-exec-sponsor", 38),
    # signed -21d, no plan
    ("Redwood Biotech", "no-success-plan", 21),
    # sponsor replaced by plan v2 at -9d
    ("Meridian Retail Group", "sponsor-change", 9),
    # first value -80d, latest usage reading 1
    ("Harbor & Pike Legal", "champion-only", 80),
}

ALL_RULES = {
    "ttv-breach",
    "ttv-at-risk",
    "ownerless",
    "stalled",
    "premature-close",
    "no-success-plan",
    "no-exec-sponsor",
    "sponsor-change",
    "milestone-overdue",
    "config-gate-handover",
    "cold-handover",
    "scope-creep",
    "champion-only",
}


class DemoStore:
    def __init__(self, path: Path, init_result):
        self.path = path
        self.init_result = init_result
        self.runner = CliRunner()

    def json(self, *args: str) -> dict:
        result = self.runner.invoke(
            app, ["--db", str(self.path), "--as-of", AS_OF, *args, "--format", "json"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> DemoStore:
    """One demo store for the module: loading runs a few hundred real commands."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HANDOFF_CONFIG", str(folder / "config.toml"))
        mp.setenv("HANDOFF_DB", str(folder / "handoff.db"))
        mp.setenv("HANDOFF_TODAY", AS_OF)
        mp.setenv("NO_COLOR", "1")
        result = CliRunner().invoke(app, ["init", "--demo"], catch_exceptions=False)
    return DemoStore(folder / "handoff.db", result)


def test_init_demo_exits_0_and_says_how_many_accounts(demo):
    assert demo.init_result.exit_code == 0, demo.init_result.stderr
    assert "loaded the example portfolio: 19 accounts" in demo.init_result.stderr
    names = {a["name"] for a in demo.json("account", "list", "--all")["accounts"]}
    assert names == set(EXPECTED_STAGES)


def test_health_shows_every_stage_as_designed(demo):
    accounts = demo.json("report", "health", "--all")["accounts"]
    assert {a["account"]: a["stage"] for a in accounts} == EXPECTED_STAGES
    assert {a["stage"] for a in accounts} == {"kickoff", "setup", "first-value", "adoption", "adopted"}
    # archived and churned accounts leave the default view
    default = {a["account"] for a in demo.json("report", "health")["accounts"]}
    assert default == set(EXPECTED_STAGES) - {"Bluebird Events", "Kestrel Mobility"}


def test_breaches_show_exactly_the_designed_findings(demo):
    findings = demo.json("report", "breaches")["findings"]
    got = {(f["account"], f["rule"], f["days"]) for f in findings}
    assert got == EXPECTED_FINDINGS
    assert len(findings) == len(EXPECTED_FINDINGS)
    assert {f["rule"] for f in findings} == ALL_RULES


def test_the_demo_looks_the_same_whatever_day_it_is_loaded(demo, tmp_path):
    """Every date in the script is an offset from today: loaded 200 days later,
    the findings are the same, each `since` moved by the same 200 days."""
    later = date.fromisoformat(AS_OF) + timedelta(days=200)
    db = tmp_path / "later.db"
    count = load_demo(command=typer.main.get_command(app), store_url=resolve_url(str(db)), today=later)
    assert count == 19
    runner = CliRunner()
    out = runner.invoke(app, ["--db", str(db), "--as-of", later.isoformat(), "report", "breaches", "--format", "json"])
    assert out.exit_code == 0, out.stderr
    shifted = {
        (f["account"], f["rule"], f["days"], date.fromisoformat(f["since"]) - timedelta(days=200))
        for f in json.loads(out.stdout)["findings"]
    }
    base = {
        (f["account"], f["rule"], f["days"], date.fromisoformat(f["since"]))
        for f in demo.json("report", "breaches")["findings"]
    }
    assert shifted == base


def test_demo_refuses_a_store_that_already_has_accounts(handoff, dump):
    handoff.ok("account", "add", "Acme", "--signed", "2026-05-01")
    before = dump()
    result = handoff("init", "--demo")
    assert result.exit_code == 2
    assert "already holds 1 account(s)" in result.stderr
    assert dump() == before


def test_a_failing_line_is_named_by_its_number(tmp_path, db_path):
    script = tmp_path / "demo.txt"
    script.write_text(
        "# a comment\naccount add Acme --signed=-10d\n\nhandoff event log Acme usage --value=lots --on=-2d\n",
        encoding="utf-8",
    )
    with pytest.raises(OperationFailed) as err:
        load_demo(
            command=typer.main.get_command(app),
            store_url=resolve_url(str(db_path)),
            today=date(2026, 6, 1),
            script=script,
        )
    message = str(err.value)
    assert message.startswith("demo line 4 failed (")
    assert "event log Acme usage --value=lots --on=-2d" in message


def test_demo_lines_skip_comments_and_the_leading_command_name():
    text = "# heading\n\nhandoff account add 'Harbor & Pike' --signed=-3d  # trailing note\nstatus\n"
    assert list(demo_lines(text)) == [
        (3, ["account", "add", "Harbor & Pike", "--signed=-3d"]),
        (4, ["status"]),
    ]


def test_an_unparsable_line_is_named_by_its_number():
    with pytest.raises(OperationFailed, match=r"^demo line 2: cannot be parsed"):
        list(demo_lines("status\naccount add 'unclosed --signed=-1d\n"))


def test_examples_demo_is_the_packaged_script():
    examples = Path(__file__).resolve().parent.parent / "examples" / "demo.txt"
    assert examples.read_text(encoding="utf-8") == demo_script().read_text(encoding="utf-8")
    assert demo_script().parent.name == "handoff_cli"


def test_every_script_date_is_relative_so_nothing_is_pinned_to_a_calendar():
    import re

    text = demo_script().read_text(encoding="utf-8")
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)


@pytest.mark.pg_only
def test_demo_loads_into_a_team_store_with_the_same_findings(handoff, db_path):
    """Team mode: the same script into this pass's PostgreSQL store gives the same report."""
    result = handoff.ok("init", "--demo")
    assert "loaded the example portfolio: 19 accounts" in result.stderr
    findings = handoff.json("report", "breaches")["findings"]
    assert {(f["account"], f["rule"], f["days"]) for f in findings} == EXPECTED_FINDINGS
    stages = {a["account"]: a["stage"] for a in handoff.json("report", "health", "--all")["accounts"]}
    assert stages == EXPECTED_STAGES
