"""Help for every command (PRODUCT.md section 6): a one-line summary, an example, real
placeholders, choices as choices, every option explained; the root help names the
environment, the exit codes and the docs."""

from __future__ import annotations

import re

import pytest
import typer.main

from handoff_cli import vocab
from handoff_cli.cli import app, helptext
from handoff_cli.store import models


def commands() -> list[tuple[str, ...]]:
    group = typer.main.get_command(app)
    helptext.apply(group)
    return [path for path, _cmd in helptext.walk(group)]


ALL = commands()


def test_every_command_has_an_example_in_the_table():
    assert sorted(" ".join(p) for p in ALL) == sorted(helptext.EXAMPLES)


@pytest.mark.parametrize("path", ALL, ids=[" ".join(p) for p in ALL])
def test_every_command_help_has_a_summary_an_example_and_real_placeholders(handoff, path):
    out = handoff.ok(*path, "--help").stdout
    lines = out.splitlines()
    assert lines[0].startswith(f"Usage: handoff {' '.join(path)} ")
    summary = lines[2].strip()
    assert summary and summary[0].isupper(), out
    assert f"Example:\n    {helptext.EXAMPLES[' '.join(path)]}" in out
    assert "<str>" not in out and "<int>" not in out and "TEXT " not in lines[0]
    assert not re.search(r"\{[a-z_]+\}", out), out  # placeholders are upper case: ACCOUNT, DATE


@pytest.mark.parametrize("path", ALL, ids=[" ".join(p) for p in ALL])
def test_every_option_has_help(path):
    group = typer.main.get_command(app)
    helptext.apply(group)
    cmd = dict(helptext.walk(group))[path]
    missing = [p.name for p in cmd.params if not getattr(p, "help", None)]
    assert missing == []


def test_placeholders_and_choices(handoff):
    out = handoff.ok("milestone", "slip", "--help").stdout
    assert "Usage: handoff milestone slip [OPTIONS] {ACCOUNT} {TITLE}" in out
    assert "--cause customer|internal|scope" in out
    assert "--to DATE" in out and "--by DAYS" in out and "--on DATE" in out
    assert "-f, --format table|json|csv|markdown" in out
    out = handoff.ok("owner", "assign", "--help").stdout
    assert "{ACCOUNT} {ROLE} {PERSON}" in " ".join(out.split())
    assert "--motion high-touch|self-serve" in handoff.ok("account", "add", "--help").stdout
    assert "--from auto|handoff " in handoff.ok("import", "events", "--help").stdout
    assert "--format table|json " in handoff.ok("config", "show", "--help").stdout


def test_root_help_names_the_environment_the_exit_codes_and_the_docs(handoff):
    out = handoff.ok("--help").stdout
    for word in ("HANDOFF_DB", "HANDOFF_CONFIG", "HANDOFF_TODAY", "HANDOFF_TZ", "HANDOFF_BUSY_TIMEOUT", "NO_COLOR"):
        assert f"\n    {word} " in out
    assert "Exit codes: 0 ok, 1 an operation failed, 2 bad input, 3 breaches found with" in out
    assert "75 the store stayed busy" in out
    assert "Docs: README.md and docs/" in out
    assert "--db PATH|URL" in out and "--as-of DATE" in out


def test_config_show_refuses_csv_cleanly(handoff):
    result = handoff("config", "show", "--format", "csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "handoff: Invalid value for '--format' / '-f': 'csv' is not one of 'table', 'json'."
    )


def test_the_light_vocabulary_is_the_models_vocabulary():
    for name in ("MOTIONS", "ROLES", "SIDES", "SLIP_CAUSES", "MILESTONE_KINDS", "EVENT_KINDS"):
        assert getattr(vocab, name) == getattr(models, name), name
