"""Stored text is data at every way out (PRODUCT.md section 6, issue 9 item 1).

Every text a write accepts (names, ids, segments, people, plan texts, titles,
notes, handover context) prints back exactly as stored in every listing and
report, in table (plain and on a terminal), markdown, CSV and JSON: never read as
rich markup (`[b]`, `[link=...]`, `[/]`) or emoji codes (`:warning:`). Control
characters that reach the store anyway (an old store, a hand-edited restore) are
shown escaped (`\\x1b`) in table, plain and markdown output, kept exact in CSV and
JSON.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
import sqlite3
import unicodedata

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from handoff_cli import render

HOSTILE = [
    "Tools [/] Co",
    "Delta [eu] Ltd",
    ":warning: Ops",
    "[link=https://evil.example/login]Acme Bank[/link]",
    "[bold red]Loud[/bold red] Inc",
    "[/]",
    '=HYPERLINK("https://evil.example")',
    "+44 Partners",
    "-minus GmbH",
    "@mention AG",
    "back\\slash [b]",
    "pipe | and * stars _",
    "Caf\u00e9 \u65e5\u672c \U0001f600",
    'O\'Brien & "Sons"',
]


@pytest.fixture(autouse=True)
def built_once(monkeypatch):
    """The same app, its click command built once instead of once per command (as test_fuzz does)."""
    import typer.main
    import typer.testing

    from handoff_cli.cli import app

    built = typer.main.get_command(app)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: built)


# Each write and the texts it carries, by key; the views and the keys each must show.
KEYS = (
    "name",
    "segment",
    "ext",
    "impl",
    "csm",
    "sponsor",
    "outcome",
    "criterion",
    "title",
    "slip_note",
    "event_note",
    "promised",
    "customised",
    "open_issues",
)


def write_all(handoff, t: dict[str, str]) -> None:
    """One account carrying every text, written through the real commands (options first, then
    `--`, so a text starting with '-' is a value, not an option)."""
    name = t["name"]
    handoff.ok(
        "account", "add", "--signed=2026-01-01", f"--segment={t['segment']}", f"--external-id={t['ext']}", "--", name
    )
    handoff.ok("owner", "assign", "--on=2026-01-02", "--", name, "implementation", t["impl"])
    handoff.ok(
        "plan",
        "set",
        f"--outcome={t['outcome']}",
        f"--sponsor={t['sponsor']}",
        f"--criterion={t['criterion']}",
        "--on=2026-01-05",
        "--",
        name,
    )
    handoff.ok("milestone", "add", "--due=2026-02-01", "--kind=go-live", "--on=2026-01-03", "--", name, t["title"])
    handoff.ok(
        "milestone", "slip", "--to=2026-03-01", "--cause=scope", f"--note={t['slip_note']}", "--", name, t["title"]
    )
    handoff.ok("milestone", "done", "--on=2026-03-01", "--", name, t["title"])
    handoff.ok("event", "log", "--on=2026-03-02", f"--note={t['event_note']}", "--", name, "workflow-live")
    handoff.ok(
        "handover",
        f"--to={t['csm']}",
        "--on=2026-03-03",
        f"--promised={t['promised']}",
        f"--customised={t['customised']}",
        f"--open-issues={t['open_issues']}",
        "--",
        name,
    )


def views(name: str) -> list[tuple[list[str], tuple[str, ...]]]:
    """(command, texts it must show) for every listing and report that shows stored text."""
    return [
        (["account", "list"], ("name", "segment", "ext")),
        (["account", "show", "--", name], ("name", "segment", "ext")),
        (["owner", "history", "--", name], ("impl", "csm", "sponsor")),
        (["plan", "show", "--", name], ("outcome", "sponsor", "criterion")),
        (["milestone", "list", "--", name], ("title",)),
        (["event", "list", "--", name], ("event_note",)),
        (["timeline", "--", name], ("title", "slip_note", "event_note", "sponsor", "impl", "csm", "outcome")),
        (["status"], ("name", "csm")),
        (
            ["status", "--full", "--", name],  # the long brief shows every text; the one-screen brief cuts to fit
            ("name", "csm", "sponsor", "outcome", "criterion", "event_note", "promised", "customised", "open_issues"),
        ),
        (["report", "breaches"], ("name",)),
        (["report", "health"], ("name", "csm")),
        (["report", "audit"], ("name",)),
    ]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _csv_shows(out: str, text: str) -> bool:
    """A CSV cell holds the text (a cell it starts gets the formula guard ' before it), and no
    cell of the file starts with what a spreadsheet would run as a formula, but a number."""
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    for c in cells:
        if c[:1] in ("=", "+", "-", "@", "\t", "\r"):
            float(c)  # only a number may start so
    return any(text in c for c in cells)


def check_every_view(handoff, t: dict[str, str], expected: dict[str, str]) -> None:
    """Every view, in every format, shows each of its texts exactly (markdown: as markdown escapes it)."""
    for command, keys in views(t["name"]):
        head, tail = (command[:-2], command[-2:]) if "--" in command else (command, [])
        for fmt in ("table", "markdown", "csv", "json"):
            result = handoff(*head, f"--format={fmt}", *tail)
            assert result.exit_code == 0, (command, fmt, result.stdout, result.stderr)
            out = result.stdout
            for key in keys:
                text = expected[key]
                if fmt == "json":
                    assert any(text in s for s in _strings(json.loads(out))), (command, fmt, key, text, out)
                elif fmt == "csv":
                    assert _csv_shows(out, text), (command, fmt, key, text, out)
                elif fmt == "markdown":
                    assert render.md_cell(text) in out, (command, fmt, key, text, out)
                else:
                    assert text in out, (command, fmt, key, text, out)


def rotation(first: int) -> dict[str, str]:
    """Every hostile text in one field each, the first one as the account name; distinct texts."""
    return {key: HOSTILE[(first + i) % len(HOSTILE)] + ("" if key == "name" else f" {i}") for i, key in enumerate(KEYS)}


@pytest.mark.parametrize("first", [0, 3, 6, 10])
def test_hostile_text_prints_exactly_as_stored_everywhere(handoff, first):
    t = rotation(first)
    write_all(handoff, t)
    check_every_view(handoff, t, t)


def test_markup_in_a_name_does_not_break_the_cron_report(handoff):
    """`Tools [/] Co` once made every table view fail with MarkupError, and the cron job exit 1, not 3."""
    handoff.ok("account", "add", "Tools [/] Co", "--signed", "2025-01-01")
    result = handoff("report", "breaches", "--fail-on-breach")
    assert result.exit_code == 3, result.stderr
    rows = result.stdout.splitlines()[3:]  # after the heading line, a blank line and the header
    assert rows and all(row.startswith("Tools [/] Co  ") for row in rows), result.stdout
    assert "ttv-breach" in rows[0]


@pytest.fixture
def terminal(monkeypatch):
    """stdout is a terminal 200 columns wide, colour on: rich renders the tables and the brief panel."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(render, "is_terminal", lambda: True)


@pytest.mark.parametrize("first", [0, 3])
def test_on_a_terminal_markup_and_emoji_codes_print_literally(handoff, terminal, first):
    t = rotation(first)
    hostile = t["name"]
    write_all(handoff, t)
    for command, keys in views(hostile):
        result = handoff(*command)
        assert result.exit_code == 0, (command, result.stdout, result.stderr)
        for key in keys:
            if command[0] in ("owner", "timeline") or (command[0] == "status" and len(command) > 1):
                continue  # long rows fold on a terminal; the brief and these rows are checked below
            assert t[key] in result.stdout, (command, key, result.stdout)
        assert "\u26a0" not in result.stdout  # :warning: is never an emoji
        assert "\x1b]8;" not in result.stdout  # never a hyperlink (OSC 8)
    brief = handoff("status", "--full", "--", hostile).stdout
    for key in ("name", "impl", "csm", "sponsor", "outcome", "criterion"):
        assert t[key] in brief, (key, brief)


# -- control characters that reached the store anyway ------------------------

RAW = "Evil\x1b]8;;https://evil.example\x07Acme\x1b[2J\x9b\u202e"
SHOWN = "Evil\\x1b]8;;https://evil.example\\x07Acme\\x1b[2J\\x9b\\u202e"


@pytest.mark.sqlite_only  # the rows are planted with sqlite3, as a hand-edited store would hold them
def test_control_characters_in_a_store_show_escaped_in_tables_and_markdown(handoff, db_path, terminal):
    handoff.ok("account", "add", "Acme", "--signed", "2025-01-01")
    handoff.ok("event", "log", "Acme", "note", "--on", "2025-02-01", "--note", "plain")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE account SET name = ?, segment = ?", (RAW, "seg\nment"))
        conn.execute("UPDATE event SET note = ?", (RAW,))
    for command in (["account", "list"], ["report", "breaches"], ["status"], ["event", "list", "acme"]):
        for fmt in ("table", "markdown"):
            result = handoff(*command, f"--format={fmt}")
            assert result.exit_code == 0, (command, result.stderr)
            assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout
            assert "\u202e" not in result.stdout
            shown = SHOWN if fmt == "table" else render.md_cell(RAW)
            assert shown in result.stdout, (command, fmt, result.stdout)
        assert RAW in _strings(handoff.json(*command))  # JSON is exact
        assert RAW in [c for row in csv.reader(io.StringIO(handoff.ok(*command, "--format=csv").stdout)) for c in row]
    brief = handoff("status", "--full", "acme").stdout
    assert SHOWN in brief and "seg\\nment" in brief and "\x1b" not in brief


@pytest.mark.sqlite_only
def test_control_characters_in_a_name_show_escaped_in_error_lines(handoff, db_path):
    handoff.ok("account", "add", "Evil", "--signed", "2025-01-01")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE account SET name = ?", ("Evil\x1b[2J",))
    result = handoff("status", "evil[2J")  # no account: the error line suggests the stored name
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    assert "Evil\\x1b[2J" in result.stderr


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("plain", "plain"),
        ("tab\there", "tab\\there"),
        ("nl\nx", "nl\\nx"),
        ("\x00\x7f\x85", "\\x00\\x7f\\x85"),
        ("bidi \u202e \u2066 zero\u200bwidth \ufeff", "bidi \\u202e \\u2066 zero\\u200bwidth \\ufeff"),
        ("line\u2028sep", "line\\u2028sep"),
        ("tag \U000e0041", "tag \\U000e0041"),
        ("Caf\u00e9 \u00a0nbsp \u3000 \U0001f600", "Caf\u00e9 \u00a0nbsp \u3000 \U0001f600"),
    ],
)
def test_safe_escapes_control_and_format_characters_only(raw, shown):
    assert render.safe(raw) == shown


# -- the property: any text a write accepts comes back identical ---------------

FRAGMENTS = [
    "[",
    "]",
    "[/]",
    "[b]",
    "[/b]",
    "[link=https://evil.example]",
    "[/link]",
    ":warning:",
    ":smile:",
    "\\",
    "|",
    "*",
    "_",
    "`",
    "=",
    "+",
    "@",
    "'",
    '"',
    "e\u0301",  # NFD: e + combining acute
    "\u00e9",
    "\U0001f600",
    "\u00a0",
    "\u65e5\u672c",
    "\\x1b",  # the text of an escape, not an escape
]
# Text a write accepts: no control, format, separator or surrogate characters.
_accepted = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))
hostile_text = (
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(_accepted, max_size=6)), min_size=1, max_size=8)
    .map("".join)
    .map(str.strip)
    .filter(bool)
)


EXAMPLE = itertools.count()


@pytest.fixture(scope="module")
def blank_store(tmp_path_factory):
    """An initialised SQLite store, copied fresh for every example (an init per example would be slow)."""
    path = tmp_path_factory.mktemp("blank") / "handoff.db"
    from handoff_cli.store import Store, resolve_url

    store = Store(resolve_url(str(path)))
    store.upgrade()
    store.close()
    return path


@pytest.mark.sqlite_only  # rendering is the same on both backends; PostgreSQL runs the parametrized cases above
# no shrinking phase: an example costs ~60 commands; a failure prints its texts as generated
@settings(
    max_examples=15,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(texts=st.fixed_dictionaries({key: hostile_text for key in KEYS}))
def test_any_accepted_text_prints_back_identical(handoff, tmp_path, monkeypatch, blank_store, texts):
    db = tmp_path / f"example-{next(EXAMPLE)}.db"  # a fresh store per example
    shutil.copyfile(blank_store, db)
    monkeypatch.setenv("HANDOFF_DB", str(db))
    # distinct texts, so a view showing one text is never mistaken for showing another
    t = {key: f"{value} {i}" if key != "name" else value for i, (key, value) in enumerate(texts.items())}
    write_all(handoff, t)
    # a write stores the NFC form (handoff_cli.text), and that is what every view shows
    check_every_view(handoff, t, {key: unicodedata.normalize("NFC", value) for key, value in t.items()})
