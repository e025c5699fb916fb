"""The CLI edge (cli/__init__.py): usage errors, HandoffError -> exit code, --debug,
values that start with '-', and the installed console script run as cron runs it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from handoff_cli import errors
from handoff_cli.cli import _dash_value, app

SCRIPT = Path(sys.executable).with_name("handoff")  # the script installed beside this interpreter


def one_line(result, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handoff: ")
    assert "Traceback" not in result.stderr
    return lines[0]


# -- usage errors -------------------------------------------------------------


@pytest.mark.parametrize(
    "args, line",
    [
        (["bogus"], "handoff: No such command 'bogus'. (see `handoff --help`)"),
        (["account", "frobnicate"], "handoff: No such command 'frobnicate'. (see `handoff account --help`)"),
        (["account", "list", "--bogus"], "handoff: No such option: --bogus (see `handoff account list --help`)"),
        (["--bogus", "account", "list"], "handoff: No such option: --bogus (see `handoff --help`)"),
        (["account", "show"], "handoff: Missing argument 'ACCOUNT'. (see `handoff account show --help`)"),
        (
            ["account", "show", "a", "b"],
            "handoff: Got unexpected extra argument(s) (b) (see `handoff account show --help`)",
        ),
        (["account", "list", "--limit"], "handoff: Option '--limit' requires an argument."),
        (["account", "list", "--all=yes"], "handoff: Option '--all' does not take a value."),
    ],
)
def test_usage_errors_are_exit_2_and_one_line(handoff, dump, args, line):
    before = dump()
    result = handoff(*args)
    assert one_line(result, 2) == line
    assert result.stdout == ""
    assert dump() == before


def test_help_and_no_arguments_exit_0(handoff):
    assert "account" in handoff.ok("--help").stdout
    result = handoff.ok()
    assert "Usage: handoff" in result.stdout
    assert "add" in handoff.ok("account").stdout


# -- values that start with '-' -----------------------------------------------------


@pytest.mark.parametrize(
    "args, line",
    [
        (
            ["--as-of", "-1d", "account", "list"],
            "handoff: option --as-of is followed by '-1d', which is not taken as its value: write a value that starts "
            "with '-' as --as-of=-1d (see `handoff --help`)",
        ),
        (
            ["account", "list", "-f", "-x"],
            "handoff: option -f is followed by '-x', which is not taken as its value: write a value that starts with '-' "
            "as --format=-x (see `handoff account list --help`)",
        ),
        (
            ["account", "archive", "Acme", "--on", "-2w"],
            "handoff: option --on is followed by '-2w', which is not taken as its value: write a value that starts with "
            "'-' as --on=-2w (see `handoff account archive --help`)",
        ),
        (
            ["account", "add", "Beta", "--signed", "2026-01-01", "--external-id", "--arr", "5"],
            "handoff: option --external-id is followed by '--arr', which is not taken as its value: write a value that "
            "starts with '-' as --external-id=--arr (see `handoff account add --help`)",
        ),
    ],
)
def test_an_option_never_swallows_a_dash_word(handoff, dump, args, line):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    before = dump()
    assert one_line(handoff(*args), 2) == line
    assert dump() == before


def test_the_equals_form_and_flags_and_double_dash(handoff):
    handoff.ok("account", "add", "Acme", "--signed=-2w")
    out = handoff.json("account", "archive", "Acme", "--on=-1w")
    assert out["account"]["signed_on"] == "2026-05-18"  # 2026-06-01 - 14 days
    assert out["account"]["archived_on"] == "2026-05-25"  # 2026-06-01 - 7 days
    # a flag takes no value, so a dashed word after it is the next option
    assert handoff.json("account", "list", "--all", "-f", "json") == handoff.json("account", "list", "--all")
    # after `--`, words are arguments: an account named "-Odd-"
    out = json.loads(handoff.ok("account", "add", "--signed", "2026-01-01", "-f", "json", "--", "-Odd-").stdout)
    assert out["account"]["name"] == "-Odd-"
    assert json.loads(handoff.ok("account", "show", "-f", "json", "--", "-odd-").stdout)["account"]["name"] == "-Odd-"


def test_dash_value_scan():
    from typer.main import get_command

    root = get_command(app)
    assert _dash_value(root, ["account", "add", "A", "--signed=-2w"]) is None
    assert _dash_value(root, ["account", "add", "A", "--signed", "2026-01-01", "--segment", "-"]) is None  # a lone '-'
    assert _dash_value(root, ["account", "list", "--all", "--limit", "3"]) is None
    assert _dash_value(root, ["--debug", "account", "list"]) is None
    assert _dash_value(root, ["account", "add", "--", "A", "--signed", "-2w"]) is None
    assert _dash_value(root, ["account", "add", "A", "--signed", "-2w"]).startswith(
        "option --signed is followed by '-2w'"
    )
    assert _dash_value(root, ["account", "add", "A", "--segment", "--motion"]).startswith(
        "option --segment is followed"
    )


# -- failures become exit codes ------------------------------------------------------


def _raise(exc):
    def boom(*args, **kwargs):
        raise exc

    return boom


@pytest.mark.parametrize(
    "exc, code, line",
    [
        (errors.BadInput("bad thing: fix it"), 2, "handoff: bad thing: fix it"),
        (errors.NotFound("no such thing"), 2, "handoff: no such thing"),
        (errors.Conflict("taken"), 2, "handoff: taken"),
        (errors.OperationFailed("3 rows rejected"), 1, "handoff: 3 rows rejected"),
        (errors.StoreError("store is damaged"), 1, "handoff: store is damaged"),
        (errors.StoreBusy("store is locked"), 75, "handoff: store is locked"),
        (errors.BreachesFound("2 breaches"), 3, "handoff: 2 breaches"),
        (
            sqlite3.OperationalError("database is locked"),
            75,
            "handoff: the store is locked by another process writing; try again later",
        ),
        (
            RuntimeError("kaput"),
            1,
            "handoff: internal error: RuntimeError: kaput (rerun with --debug for the traceback)",
        ),
    ],
)
def test_failures_map_to_one_line_and_their_exit_code(handoff, monkeypatch, exc, code, line):
    import handoff_cli.commands.accounts as accounts

    monkeypatch.setattr(accounts, "list_accounts", _raise(exc))
    result = handoff("account", "list")
    assert one_line(result, code) == line
    assert result.stdout == ""


def test_debug_shows_the_traceback(handoff, dump):
    handoff.ok("account", "add", "Acme", "--signed", "2026-01-01")
    before = dump()
    result = handoff("--debug", "account", "show", "Nobody")
    assert result.exit_code == 2
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert "handoff_cli.errors.NotFound: no account 'Nobody'; see `handoff account list`" in result.stderr
    assert result.stderr.splitlines()[-1] == "handoff: no account 'Nobody'; see `handoff account list`"
    assert dump() == before


def test_handoff_debug_env_shows_the_traceback(handoff, monkeypatch):
    monkeypatch.setenv("HANDOFF_DEBUG", "1")
    result = handoff("account", "add", "A", "--signed", "2026-02-30")
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "handoff: --signed '2026-02-30' is not a date: use YYYY-MM-DD, today, yesterday, tomorrow, +3d or -2w"
    )


def test_no_traceback_without_debug(handoff, monkeypatch):
    import handoff_cli.commands.accounts as accounts

    monkeypatch.setattr(accounts, "list_accounts", _raise(KeyError("x")))
    result = handoff("account", "list")
    assert "Traceback" not in result.stderr
    assert one_line(result, 1) == "handoff: internal error: KeyError: 'x' (rerun with --debug for the traceback)"
    result = handoff("--debug", "account", "list")
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr


# -- the installed console script, as cron runs it --------------------------------------


@pytest.fixture
def cron(db_path, tmp_path):
    """Runs the installed `handoff` with no terminal and only the environment cron gives:
    PATH, HOME and the HANDOFF_* variables (no NO_COLOR, no HANDOFF_DEBUG)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "HANDOFF_DB": str(db_path),
        "HANDOFF_CONFIG": str(tmp_path / "config.toml"),
        "HANDOFF_TODAY": "2026-06-01",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(SCRIPT), *args], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
        )

    return run


def test_console_script_is_installed():
    assert SCRIPT.exists() and os.access(SCRIPT, os.X_OK)


def test_cron_writes_lists_and_exits_0_with_plain_text(cron):
    assert cron("init").returncode == 0
    added = cron("account", "add", "Acme", "--signed", "2026-01-05", "--arr", "1500000", "--segment", "=cmd")
    assert (added.returncode, added.stdout, added.stderr) == (0, "", "added Acme\n")
    listed = cron("account", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == (
        "Account  External id  Motion      Segment  Signed      TTV target      ARR  Archived  Churned\n"
        "Acme                  high-touch  =cmd     2026-01-05          90  1500000\n"
    )
    assert "\x1b" not in listed.stdout + listed.stderr
    csv = cron("account", "list", "--format", "csv")
    assert csv.stdout.splitlines()[1] == "Acme,,high-touch,'=cmd,2026-01-05,90,1500000,,,2026-06-01"


def test_cron_bad_input_is_exit_2_one_line(cron):
    assert cron("init").returncode == 0
    result = cron("account", "add", "Acme", "--signed", "someday")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "handoff: --signed 'someday' is not a date: use YYYY-MM-DD, today, yesterday, tomorrow, +3d or -2w\n"
    )
    result = cron("account", "show", "Acme")
    assert (result.returncode, result.stderr) == (2, "handoff: no account 'Acme'; see `handoff account list`\n")
    result = cron("nonsense")
    assert (result.returncode, result.stderr) == (2, "handoff: No such command 'nonsense'. (see `handoff --help`)\n")


def test_cron_debug_traceback_only_when_asked(cron):
    plain = cron("account", "archive", "Nobody")
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    debug = cron("--debug", "account", "archive", "Nobody")
    assert debug.returncode == 2
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.splitlines()[-1] == "handoff: no account 'Nobody'; see `handoff account list`"


def test_cron_breach_report_fails_loudly(cron):
    # signed 2026-01-05, high-touch target 90 days: T = 2026-04-05; no first value by 2026-06-01 -> ttv-breach
    assert cron("account", "add", "Acme", "--signed", "2026-01-05").returncode == 0
    quiet = cron("report", "breaches")
    assert quiet.returncode == 0
    assert "ttv-breach" in quiet.stdout
    loud = cron("report", "breaches", "--fail-on-breach")
    assert loud.returncode == 3
    assert "ttv-breach" in loud.stdout
