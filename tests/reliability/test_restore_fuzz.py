"""restore trusts nothing in its file (PRODUCT.md section 2, issue 9 item 2).

A real export is hand-edited the way a user with an editor, a script or a macOS
round trip would: one value of one row is replaced by something no write command
accepts. Every such file is refused with exit 2 and one line naming the file and
the line of the bad row, and the store it was restored into stays empty. The
unedited export restores, and export -> restore -> export is identical.
"""

from __future__ import annotations

import itertools
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

SCENARIO = [
    ("account", "add", "Acme", "--signed", "2026-01-05", "--external-id", "HS-1", "--segment", "mid", "--arr", "1200"),
    ("account", "add", "Café Crème", "--signed", "2026-02-01", "--ttv-target", "30"),
    ("owner", "assign", "Acme", "implementation", "Ivan", "--on", "2026-01-06"),
    (
        "plan",
        "set",
        "Acme",
        "--outcome",
        "Close in 2 days",
        "--sponsor",
        "Dana",
        "--criterion",
        "2 teams",
        "--on",
        "2026-01-07",
    ),
    ("milestone", "add", "Acme", "Go live", "--due", "2026-03-01", "--kind", "go-live", "--on", "2026-01-06"),
    ("milestone", "slip", "Acme", "Go live", "--to", "2026-03-10", "--cause", "customer", "--note", "late data"),
    ("milestone", "done", "Acme", "Go live", "--on", "2026-03-10"),
    ("event", "log", "Acme", "usage", "--value", "4", "--on", "2026-03-12"),
    ("event", "log", "Acme", "ces", "--value", "5", "--on", "2026-03-12"),
    ("event", "log", "Acme", "note", "--on", "2026-03-13", "--note", "kickoff went well"),
    ("handover", "Acme", "--to", "Kim", "--on", "2026-03-15", "--joint-call", "--promised", "SSO by May"),
    ("account", "archive", "Café Crème", "--on", "2026-04-01"),
]


@pytest.fixture(autouse=True)
def built_once(monkeypatch):
    """The same app, its click command built once instead of once per command (as test_fuzz does)."""
    import typer.main
    import typer.testing

    from handoff_cli.cli import app

    built = typer.main.get_command(app)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: built)


# What no write command accepts, by the type of the value it replaces.
BAD_TEXT = ["Evil\x1b[2J", "bell\x07", "\u202eevil", "zero\u200bwidth", "two\nlines", "nul\x00", "osc\x1b]8;;x\x07"]
BAD_BY_TYPE = {
    "text": [*BAD_TEXT, 5, True, ["list"], {"a": 1}],
    "bool": ["false", "true", 0, 1, "yes"],
    "int": ["5", 5.5, True, "NaN"],
    "float": [float("nan"), float("inf"), float("-inf"), "3", True],
    "date": ["9999-12-31", "1899-12-31", "2026-02-30", "12/01/2026", 20260101, "2026-06-01T00:00:00", ""],
    "datetime": ["yesterday", 5, "9999-01-01T00:00:00+00:00"],
}
# Values that are bad for one column whatever its type allows.
BAD_BY_COLUMN = {
    ("account", "name"): ["", "  ", "x" * 201],
    ("account", "name_key"): ["someone else", "ACME", None],
    ("account", "motion"): ["High-Touch", "enterprise"],
    ("account", "ttv_target_days"): [-1, 36501],
    ("account", "arr"): [-5.0, 1e16],
    ("assignment", "role"): ["owner", "CSM"],
    ("assignment", "account_id"): [99, 0],
    ("milestone", "side"): ["both"],
    ("milestone", "kind"): ["Go Live", "", "x" * 41],
    ("milestone", "title_key"): ["other title"],
    ("slip", "cause"): ["weather"],
    ("event", "kind"): ["bogus", "Usage", "go_live"],
    ("event", "account_id"): [42],
    ("success_plan", "version"): [0, -1],
    ("success_plan", "outcome"): [""],
    ("handover", "gate_passed"): ["false", None],
    ("handover", "to_person"): ["", None],
}
EVENT_VALUES = {"usage": [2.5, -1, 1e12, None], "ces": [0, 8, None]}


@pytest.fixture(scope="module")
def export_lines(tmp_path_factory):
    """A real export of the scenario, as its lines (the header first)."""
    from typer.testing import CliRunner

    from handoff_cli.cli import app

    folder = tmp_path_factory.mktemp("source")
    env = {
        "HANDOFF_DB": str(folder / "src.db"),
        "HANDOFF_CONFIG": str(folder / "c.toml"),
        "HANDOFF_TODAY": "2026-06-01",
    }
    runner = CliRunner()
    for args in SCENARIO:
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.stderr)
    result = runner.invoke(app, ["export"], env=env, catch_exceptions=False)
    assert result.exit_code == 0
    return result.stdout.splitlines()


def _type_of(table: str, column: str) -> str:
    from handoff_cli.commands.rowcheck import _kind
    from handoff_cli.store.models import metadata

    return _kind(metadata.tables[table].columns[column])


def edits(lines: list[str]):
    """(line number, table, column, bad value) for every row line: the candidate hand edits."""
    out = []
    for number, line in enumerate(lines, start=1):
        if number == 1:
            continue
        obj = json.loads(line)
        table, row = obj["table"], obj["row"]
        for column in row:
            if column == "id":
                continue
            bad = list(BAD_BY_TYPE[_type_of(table, column)]) + BAD_BY_COLUMN.get((table, column), [])
            if table == "event" and column == "value":
                bad = BAD_BY_TYPE["float"] + EVENT_VALUES.get(row["kind"], [])
            for value in bad:
                if value is None and row[column] is None:
                    continue
                out.append((number, table, column, value))
    return out


EXAMPLE = itertools.count()


@pytest.fixture(scope="module")
def blank_store(tmp_path_factory):
    from handoff_cli.store import Store, resolve_url

    path = tmp_path_factory.mktemp("blank") / "handoff.db"
    store = Store(resolve_url(str(path)))
    store.upgrade()
    store.close()
    return path


def _restore(handoff, tmp_path, monkeypatch, blank_store, lines: list[str]):
    n = next(EXAMPLE)
    db = tmp_path / f"restore-{n}.db"
    shutil.copyfile(blank_store, db)
    monkeypatch.setenv("HANDOFF_DB", str(db))
    f = tmp_path / f"edited-{n}.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f, handoff("restore", str(f)), db


def _empty(db: Path) -> bool:
    import sqlite3

    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return all(
            conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] == 0 for t in tables if t != "alembic_version"
        )


@pytest.mark.sqlite_only  # a fresh SQLite file per example; the PostgreSQL pass runs the named cases below
def test_the_unedited_export_restores_and_round_trips(handoff, tmp_path, monkeypatch, blank_store, export_lines):
    f, result, db = _restore(handoff, tmp_path, monkeypatch, blank_store, export_lines)
    assert result.exit_code == 0, result.stderr
    assert handoff.ok("export").stdout.splitlines() == export_lines


@pytest.mark.sqlite_only
@settings(
    max_examples=80,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_hand_edited_export_is_refused_cleanly_and_leaves_the_store_empty(
    handoff, tmp_path, monkeypatch, blank_store, export_lines, data
):
    number, table, column, value = data.draw(st.sampled_from(edits(export_lines)))
    lines = list(export_lines)
    obj = json.loads(lines[number - 1])
    obj["row"][column] = value
    lines[number - 1] = json.dumps(obj, ensure_ascii=False)  # NaN and Infinity as Python writes them
    f, result, db = _restore(handoff, tmp_path, monkeypatch, blank_store, lines)
    where = f"{table}.{column} = {value!r} on line {number}: exit {result.exit_code}, stderr {result.stderr!r}"
    assert result.exit_code == 2, where
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, where
    assert result.stderr.startswith(f"handoff: {f}:{number}: "), where
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, where
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr, where
    assert _empty(db), where


def _edited(lines: list[str], table: str, nth: int, **changes) -> list[str]:
    out, seen = list(lines), 0
    for i, line in enumerate(out):
        obj = json.loads(line)
        if obj.get("table") == table:
            if seen == nth:
                obj["row"].update(changes)
                out[i] = json.dumps(obj, ensure_ascii=False)
                return out
            seen += 1
    raise AssertionError(f"no {table} row {nth}")


def _line_of(lines: list[str], table: str, nth: int) -> int:
    numbers = [i for i, line in enumerate(lines, start=1) if json.loads(line).get("table") == table]
    return numbers[nth]


@pytest.mark.parametrize(
    "table, nth, changes, reason",
    [
        (
            "account",
            1,
            {"name": "ACME", "name_key": "acme"},
            "account name 'ACME' is taken already (names are unique, ignoring case)",
        ),
        ("account", 1, {"name": unicodedata.normalize("NFD", "acmé"), "name_key": "acmé"}, None),
        ("account", 0, {"name_key": "globex"}, "account name_key \"globex\" does not match the name 'Acme'"),
        ("account", 0, {"name": "Ev\x1b[2Jil", "name_key": "ev\x1b[2jil"}, "account name contains control characters"),
        (
            "account",
            0,
            {"name": "Acme\u200b", "name_key": "acme\u200b"},
            "account name contains invisible format characters (zero-width or bidi)",
        ),
        ("event", 0, {"kind": "bogus"}, 'event kind "bogus" is not one of'),
        ("event", 0, {"value": float("nan")}, "event value is NaN: give a finite number"),
        ("event", 1, {"value": 2.5}, "event value: usage value 2.5 is not a whole number"),
        ("handover", 0, {"joint_call": "false"}, 'handover joint_call is "false": give true or false'),
        ("milestone", 0, {"due_on": "9999-12-31"}, "milestone due_on 9999-12-31 is out of range"),
    ],
)
def test_named_hand_edits_are_refused_with_their_line(
    handoff, tmp_path, monkeypatch, export_lines, dump, table, nth, changes, reason
):
    handoff.ok("init")
    lines = _edited(export_lines, table, nth, **changes)
    f = tmp_path / "edited.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = dump()
    result = handoff("restore", str(f))
    if reason is None:  # an NFD name whose key is the NFC one: restored, as NFC
        assert result.exit_code == 0, result.stderr
        names = [a["name"] for a in handoff.json("account", "list", "--all")["accounts"]]
        assert names == ["Acme", "acmé"]
        return
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines() == [result.stderr.splitlines()[0]]
    line = result.stderr.splitlines()[0]
    assert line.startswith(f"handoff: {f}:{_line_of(lines, table, nth)}: {reason}"), line
    assert dump() == before
