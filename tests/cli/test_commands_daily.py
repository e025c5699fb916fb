"""--version, global options after the command, batch, slip --by, plan --add-criterion,
milestone template --list/--show, people (PRODUCT.md section 2)."""

from __future__ import annotations

import json

import pytest

from handoff_cli import SCHEMA_HEAD, __version__


@pytest.fixture
def acme(handoff):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-05")


def test_version_names_the_version_and_the_schema(handoff):
    result = handoff.ok("--version")
    assert result.stdout == f"handoff {__version__} (store schema {SCHEMA_HEAD})\n"


def test_global_options_after_the_command(handoff, tmp_path, acme):
    other = str(tmp_path / "other.db")
    handoff.ok("account", "add", "Beta", "--signed", "2026-01-05", "--db", other)
    names = [a["name"] for a in handoff.json("account", "list", f"--db={other}")["accounts"]]
    assert names == ["Beta"]
    assert handoff.json("account", "list", "--as-of", "2026-01-04")["as_of"] == "2026-01-04"
    assert handoff.json("account", "list", "--as-of", "2026-01-04")["accounts"] == []
    result = handoff("status", "Zzz", "--debug")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr


def test_batch_runs_each_line_like_its_own_command(handoff, tmp_path, acme):
    script = tmp_path / "cmds.txt"
    script.write_text(
        "# setting Acme up\n"
        "\n"
        'handoff owner assign acme implementation "Priya Raman" --on 2026-01-06\n'
        'milestone add acme "Go-live" --kind go-live --due 2026-03-01 --on 2026-01-06  # no handoff prefix\n'
        'milestone done acme "Go-live" --on 2026-02-27\n',
        encoding="utf-8",
    )
    result = handoff.ok("batch", str(script))
    assert result.stderr.splitlines() == [
        "Priya Raman holds the implementation role on Acme from 2026-01-06",
        "added milestone 'Go-live' to Acme, due 2026-03-01",
        "milestone 'Go-live' of Acme done on 2026-02-27; recorded the go-live event",
    ]
    assert handoff.json("status", "Acme")["go_live_on"] == "2026-02-27"


def test_batch_gives_the_same_store_as_one_command_per_process(handoff, tmp_path, acme, dump):
    lines = [
        ["owner", "assign", "Acme", "csm", "Dana", "--on", "2026-01-10"],
        ["event", "log", "Acme", "usage", "--value", "4", "--on", "2026-02-01"],
        ["plan", "set", "Acme", "--outcome", "Faster close", "--sponsor", "Eve", "--on", "2026-01-12"],
    ]
    for args in lines:
        handoff.ok(*args)
    one_by_one = handoff.ok("export").stdout
    other = tmp_path / "batch.db"
    handoff.ok("--db", str(other), "account", "add", "Acme", "--signed", "2026-01-05")
    import shlex

    script = tmp_path / "cmds.txt"
    script.write_text("\n".join(shlex.join(a) for a in lines) + "\n", encoding="utf-8")
    handoff.ok("--db", str(other), "batch", str(script))
    batched = handoff.ok("--db", str(other), "export").stdout

    def facts(text):  # the rows without the instants they were recorded at, nor the journal of how
        out = []
        for line in text.splitlines()[1:]:
            row = json.loads(line)
            if row.get("table", "").startswith("journal_"):
                continue
            row.get("row", {}).pop("created_at", None)
            out.append(row)
        return out

    assert facts(batched) == facts(one_by_one)


def test_batch_stops_at_the_first_failing_line_and_names_it(handoff, tmp_path, acme):
    script = tmp_path / "cmds.txt"
    script.write_text(
        "event log acme note --note first --on 2026-02-01\n"
        "event log acme usage --value lots --on 2026-02-02\n"
        "event log acme note --note never --on 2026-02-03\n",
        encoding="utf-8",
    )
    result = handoff("batch", str(script))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"handoff: {script} line 2 failed (exit 2): event log acme usage --value lots --on 2026-02-02"
    )
    notes = [e["note"] for e in handoff.json("event", "list", "Acme")["events"]]
    assert notes == ["first"]


def test_batch_reads_standard_input(handoff, acme):
    handoff.ok("batch", "-", input="event log acme note --note piped --on 2026-02-01\n")
    assert [e["note"] for e in handoff.json("event", "list", "Acme")["events"]] == ["piped"]


def test_batch_of_a_missing_file_is_bad_input(handoff):
    result = handoff("batch", "no-such-file.txt")
    assert result.exit_code == 2
    assert result.stderr == "handoff: batch file 'no-such-file.txt' does not exist\n"


@pytest.fixture
def uat(handoff, acme):
    handoff.ok("milestone", "add", "Acme", "UAT", "--due", "2026-06-10", "--on", "2026-01-06")


def test_slip_by_days_moves_the_current_due_date(handoff, uat):
    result = handoff.ok("milestone", "slip", "Acme", "UAT", "--by", "10d", "--cause", "customer")
    assert result.stderr == ("milestone 'UAT' of Acme moved from 2026-06-10 to 2026-06-20 (+10 days, cause customer)\n")
    result = handoff.ok("milestone", "slip", "Acme", "UAT", "--by=-3d", "--cause", "internal")
    assert result.stderr == ("milestone 'UAT' of Acme moved from 2026-06-20 to 2026-06-17 (-3 days, cause internal)\n")
    result = handoff.ok("milestone", "slip", "Acme", "UAT", "--by", "1w", "--cause", "scope")
    assert "to 2026-06-24 (+7 days" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "give either --to DATE or --by DAYS (for example --by 10d)"),
        (["--by", "3d", "--to", "2026-07-01"], "give either --to DATE or --by DAYS (for example --by 10d)"),
        (["--by", "soon"], "--by 'soon' is not a number of days: use 10d, 2w or --by=-3d"),
        (["--by", "0d"], "--by 0 moves nothing: give a number of days other than 0 (--by 10d, --by=-3d)"),
    ],
)
def test_slip_by_bad_input(handoff, uat, dump, args, message):
    before = dump()
    result = handoff("milestone", "slip", "Acme", "UAT", "--cause", "customer", *args)
    assert result.exit_code == 2
    assert result.stderr == f"handoff: {message}\n"
    assert dump() == before


def test_plan_add_criterion_appends(handoff, acme):
    handoff.ok(
        "plan", "set", "Acme", "--outcome", "Faster close", "--criterion", "Close in 4 days", "--on", "2026-01-10"
    )
    handoff.ok("plan", "set", "Acme", "--outcome", "Faster close", "--add-criterion", "Disputes in 5 days")
    plan = handoff.json("plan", "show", "Acme")["plans"][0]
    assert plan["version"] == 2
    assert plan["criteria"] == ["Close in 4 days", "Disputes in 5 days"]
    handoff.ok("plan", "set", "Acme", "--outcome", "Faster", "--criterion", "A", "--add-criterion", "B")
    assert handoff.json("plan", "show", "Acme")["plans"][0]["criteria"] == ["A", "B"]
    result = handoff("plan", "set", "Acme", "--outcome", "Faster", "--add-criterion", "a")
    assert result.exit_code == 2
    assert result.stderr == "handoff: criterion 3 'a' is given twice: give each criterion once\n"


def test_template_list_and_show(handoff):
    out = handoff.json("milestone", "template", "--list")
    assert [(t["name"], t["milestones"]) for t in out["templates"]] == [("standard", 11)]
    shown = handoff.json("milestone", "template", "--show", "standard")
    assert shown["template"] == "standard"
    assert shown["milestones"][0] == {
        "title": "Discovery and scoping",
        "kind": "discovery",
        "side": "vendor",
        "offset_days": 7,
    }
    assert shown["milestones"][-1]["kind"] == "go-live"
    result = handoff("milestone", "template", "--show", "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith("handoff: no milestone template 'nope': available: standard")


def test_template_needs_an_account_or_list(handoff):
    result = handoff("milestone", "template")
    assert result.exit_code == 2
    assert result.stderr == (
        "handoff: give the ACCOUNT to add the template to, or --list / --show NAME to see the templates\n"
    )


def test_people_lists_roles_held_and_near_duplicates(handoff, acme):
    handoff.ok("account", "add", "Beta", "--signed", "2026-01-05")
    handoff.ok("owner", "assign", "Acme", "implementation", "Priya Raman", "--on", "2026-01-06")
    handoff.ok("owner", "assign", "Acme", "csm", "Marcus Lee", "--on", "2026-03-01")
    handoff.ok("owner", "release", "Acme", "implementation", "--on", "2026-03-01")
    handoff.ok("owner", "assign", "Beta", "implementation", "Priya  raman", "--on", "2026-02-01")
    handoff.ok("owner", "assign", "Beta", "sponsor", "Later Person", "--on", "2026-07-01")
    out = handoff.json("people")
    assert out["people"] == [
        {
            "person": "Marcus Lee",
            "holds": [{"account": "Acme", "role": "csm", "from": "2026-03-01"}],
            "held": [],
            "similar": [],
        },
        {
            "person": "Priya  raman",
            "holds": [{"account": "Beta", "role": "implementation", "from": "2026-02-01"}],
            "held": [],
            "similar": ["Priya Raman"],
        },
        {
            "person": "Priya Raman",
            "holds": [],
            "held": [{"account": "Acme", "role": "implementation", "from": "2026-01-06", "until": "2026-03-01"}],
            "similar": ["Priya  raman"],
        },
    ]
    table = handoff.ok("people").stdout.splitlines()
    assert table[0].split() == ["Person", "Holds", "Held", "before", "Similar"]
    assert table[1].split() == ["Marcus", "Lee", "csm:", "Acme"]
